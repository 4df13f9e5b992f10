#include "exporter/archive/packed_text.h"

#include <zlib.h>

#include <algorithm>
#include <optional>
#include <vector>

namespace cncert {

namespace {

std::shared_ptr<const char[]> Copy(const char* bytes, std::size_t size) {
  auto copy = std::make_shared_for_overwrite<char[]>(size);
  std::copy_n(bytes, size, copy.get());
  return copy;
}

// One deflate stream per thread, reset for each text. A stream of its own
// for each text cost more than the deflating: its buffers went back to the
// system at each free and faulted in again at the next text (madvise and
// page clearing were a quarter of a start-up's time).
class Deflater {
 public:
  Deflater() {
    // The fastest level, and a smaller hash table than zlib's default
    // (memLevel 5, not 8): as small, and less to clear at each reset.
    ready_ = deflateInit2(&stream_, Z_BEST_SPEED, Z_DEFLATED, 15, 5,
                          Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~Deflater() {
    if (ready_) deflateEnd(&stream_);
  }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  std::optional<std::string_view> Deflate(std::string_view text) {
    if (!ready_ || deflateReset(&stream_) != Z_OK) return std::nullopt;
    out_.resize(deflateBound(&stream_, static_cast<uLong>(text.size())));
    stream_.next_in =
        const_cast<Bytef*>(reinterpret_cast<const Bytef*>(text.data()));
    stream_.avail_in = static_cast<uInt>(text.size());
    stream_.next_out = out_.data();
    stream_.avail_out = static_cast<uInt>(out_.size());
    if (deflate(&stream_, Z_FINISH) != Z_STREAM_END) return std::nullopt;
    return std::string_view(reinterpret_cast<const char*>(out_.data()),
                            stream_.total_out);
  }

 private:
  z_stream stream_{};
  bool ready_ = false;
  std::vector<Bytef> out_;
};

thread_local std::optional<Deflater> deflater;

}  // namespace

PackedText::PackedText(std::string_view text)
    : size_(static_cast<std::uint32_t>(text.size())) {
  if (text.empty()) return;
  if (!deflater) deflater.emplace();
  const auto deflated = deflater->Deflate(text);
  if (deflated && deflated->size() < text.size()) {
    bytes_ = Copy(deflated->data(), deflated->size());
    packed_size_ = static_cast<std::uint32_t>(deflated->size());
    deflated_ = true;
  } else {
    bytes_ = Copy(text.data(), text.size());
    packed_size_ = size_;
  }
}

void PackedText::ReleaseThreadState() { deflater.reset(); }

std::string PackedText::Unpack() const {
  if (size_ == 0) return {};
  if (!deflated_) return std::string(bytes_.get(), packed_size_);
  std::string text(size_, '\0');
  uLongf length = size_;
  if (uncompress(reinterpret_cast<Bytef*>(text.data()), &length,
                 reinterpret_cast<const Bytef*>(bytes_.get()),
                 packed_size_) != Z_OK ||
      length != size_) {
    return {};  // not what was packed: no text rather than a wrong one
  }
  return text;
}

}  // namespace cncert
