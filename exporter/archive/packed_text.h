// A bulletin's normalized text as the archive keeps it: deflated. Only
// provenance reads it (the bulletin pages, the API with provenance), while
// every bulletin of the archive holds one for as long as its file is
// unchanged: the texts were a quarter of the exporter's heap. Copies share
// the bytes, as the archive's views share its bulletins.
#ifndef CNCERT_EXPORTER_ARCHIVE_PACKED_TEXT_H_
#define CNCERT_EXPORTER_ARCHIVE_PACKED_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace cncert {

class PackedText {
 public:
  PackedText() = default;
  // Deflated, or kept as it is where deflating saves nothing (short or
  // incompressible text).
  explicit PackedText(std::string_view text);
  // Packing keeps a deflate stream per thread (150 kB): a thread that packs
  // no more gives its own back.
  static void ReleaseThreadState();

  // The text as it was given.
  std::string Unpack() const;
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  // What it takes: the deflated bytes.
  std::size_t packed_size() const { return packed_size_; }

 private:
  std::shared_ptr<const char[]> bytes_;
  // Files are capped far below 4 GB.
  std::uint32_t size_ = 0;
  std::uint32_t packed_size_ = 0;
  bool deflated_ = false;
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_ARCHIVE_PACKED_TEXT_H_
