#include "exporter/ocr/ocr_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "exporter/base/digest.h"
#include "exporter/base/files.h"
#include "exporter/version.h"
#include "parsers/utf8.h"

namespace cncert {

namespace {

// As JSON would write it: MessagePack holds any bytes, the parser wants
// UTF-8.
std::string ValidText(const std::string& s) {
  if (utf8::IsValid(s)) return s;
  std::string out;
  for (std::size_t pos = 0; pos < s.size();) {
    utf8::Append(out, utf8::Next(s, pos));
  }
  return out;
}

// A file of the cache, or nullopt. A restart reads two for each image it
// finds here, and a system call costs more than the reading: most files
// are read whole by one call into this buffer, without fstat. A short read
// of a regular file is its end; were it not, what was read is a cut entry
// or record, which reads as none. A full buffer reads as ReadFileCapped.
std::optional<std::string> ReadCacheFile(const std::string& path,
                                         std::size_t max_bytes) {
  std::array<char, 32u << 10> buffer;
  const int fd =
      ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return std::nullopt;
  ssize_t n = 0;
  do {
    n = ::read(fd, buffer.data(), buffer.size());
  } while (n < 0 && errno == EINTR);
  if (n >= 0 && static_cast<std::size_t>(n) < buffer.size()) {
    ::close(fd);
    if (static_cast<std::size_t>(n) > max_bytes) return std::nullopt;
    return std::string(buffer.data(), static_cast<std::size_t>(n));
  }
  if (n < 0) {
    ::close(fd);
    return std::nullopt;
  }
  // Larger than the buffer: read again from the start, as large as allowed.
  if (::lseek(fd, 0, SEEK_SET) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  FileContent file = ReadOpenFile(fd, max_bytes);  // closes fd
  if (!file.error.empty()) return std::nullopt;
  return std::move(file.bytes);
}

nlohmann::json ResultTree(const OcrResult& result, const std::string& version) {
  nlohmann::json blocks = nlohmann::json::array();
  for (const auto& block : result.text.blocks) {
    nlohmann::json lines = nlohmann::json::array();
    for (const auto& line : block.lines) {
      nlohmann::json words = nlohmann::json::array();
      for (const auto& w : line.words) {
        words.push_back({ValidText(w.text), w.confidence, w.symbols});
      }
      lines.push_back(std::move(words));
    }
    blocks.push_back(std::move(lines));
  }
  return {{"version", version},
          {"failure", std::string(ImageFailureName(result.failure))},
          {"error", ValidText(result.error)},
          {"blocks", std::move(blocks)}};
}

}  // namespace

std::string OcrResultToJson(const OcrResult& result,
                            const std::string& version) {
  return ResultTree(result, version)
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string OcrResultToMessagePack(const OcrResult& result,
                                   const std::string& version) {
  std::string out;
  nlohmann::json::to_msgpack(ResultTree(result, version), out);
  return out;
}

namespace {

// Reads an entry into an OcrResult as it is parsed, without a tree of it
// first: a restart reads every image's results, and the tree's nodes cost
// more than the parse. Anything but the shape ResultTree makes stops it (a
// broken entry is read as no entry).
class ResultReader : public nlohmann::json_sax<nlohmann::json> {
 public:
  // Top-level keys; kOther's values are skipped.
  enum class Key { kNone, kVersion, kFailure, kError, kBlocks, kOther };

  bool null() override { return Scalar(); }
  bool boolean(bool /*value*/) override { return Scalar(); }
  bool number_integer(number_integer_t value) override {
    return Number(static_cast<float>(value));
  }
  bool number_unsigned(number_unsigned_t value) override {
    return Number(static_cast<float>(value));
  }
  bool number_float(number_float_t value, const string_t& /*raw*/) override {
    return Number(static_cast<float>(value));
  }
  bool string(string_t& value) override {
    if (skipping() || Skipped()) return true;
    if (!utf8::IsValid(value)) return false;  // as JSON's own strings
    if (depth_ == 1) {
      switch (key_) {
        case Key::kVersion:
          version_ = std::move(value);
          return true;
        case Key::kFailure:
          failure_ = std::move(value);
          return true;
        case Key::kError:
          result_.error = std::move(value);
          return true;
        default:
          return false;
      }
    }
    if (depth_ != 5 || field_ != 0) return false;
    Word().text = std::move(value);
    field_ = 1;
    return true;
  }
  bool binary(binary_t& /*value*/) override { return Scalar(); }

  bool start_object(std::size_t /*elements*/) override {
    if (depth_ == 0) {
      depth_ = 1;
      return true;
    }
    if (skipping() || Skipped()) return Skip();
    return false;
  }
  bool key(string_t& name) override {
    if (skipping()) return true;
    Key key = Key::kOther;
    if (name == "version") key = Key::kVersion;
    if (name == "failure") key = Key::kFailure;
    if (name == "error") key = Key::kError;
    if (name == "blocks") key = Key::kBlocks;
    // A name given twice would be read twice.
    if (key != Key::kOther && !seen_.insert(key).second) return false;
    key_ = key;
    return true;
  }
  bool end_object() override {
    if (skipping()) {
      --skip_;
      return true;
    }
    return --depth_ == 0;
  }

  bool start_array(std::size_t elements) override {
    if (skipping() || Skipped()) return Skip();
    switch (depth_) {
      case 1:
        if (key_ != Key::kBlocks) return false;
        has_blocks_ = true;
        Reserve(result_.text.blocks, elements);
        break;
      case 2:
        Reserve(result_.text.blocks.emplace_back().lines, elements);
        break;
      case 3:
        Reserve(result_.text.blocks.back().lines.emplace_back().words,
                elements);
        break;
      case 4:
        result_.text.blocks.back().lines.back().words.emplace_back();
        field_ = 0;
        break;
      case 5:
        if (field_ != 2) return false;
        Reserve(Word().symbols, elements);
        break;
      default:
        return false;
    }
    ++depth_;
    return true;
  }
  bool end_array() override {
    if (skipping()) {
      --skip_;
      return true;
    }
    if (depth_ == 6) field_ = 3;
    if (depth_ == 5 && field_ != 3) return false;  // [text, conf, symbols]
    --depth_;
    return true;
  }

  bool parse_error(std::size_t /*position*/, const std::string& /*token*/,
                   const nlohmann::detail::exception& /*ex*/) override {
    return false;
  }

  // After a parse that succeeded.
  std::optional<OcrResult> Take(const std::string& version) {
    if (version_ != version || !has_blocks_) return std::nullopt;
    for (const ImageFailure f : kAllImageFailures) {
      if (ImageFailureName(f) == failure_) result_.failure = f;
    }
    if (!failure_.empty() && result_.failure == ImageFailure::kNone) {
      return std::nullopt;
    }
    return std::move(result_);
  }

 private:
  // MessagePack tells an array's length first (JSON does not: the most a
  // size_t holds); a hostile entry may tell any, so only a likely one is
  // believed.
  template <typename T>
  static void Reserve(std::vector<T>& v, std::size_t elements) {
    if (elements <= 256) v.reserve(elements);
  }
  bool skipping() const { return skip_ > 0; }
  // MessagePack is read recursively: a value nested beyond any entry's
  // depth would only spend the stack.
  bool Skip() { return ++skip_ <= kMaxSkipDepth; }
  static constexpr int kMaxSkipDepth = 64;
  // The value of a top-level key that is not read.
  bool Skipped() const { return depth_ == 1 && key_ == Key::kOther; }
  // A value that is neither a string nor a number: only where skipped.
  bool Scalar() const { return skipping() || Skipped(); }
  bool Number(float value) {
    if (Scalar()) return true;
    // A confidence beyond a float's range was never written: no entry (it
    // would be written back as null).
    if (!std::isfinite(value)) return false;
    if (depth_ == 5 && field_ == 1) {
      Word().confidence = value;
      field_ = 2;
      return true;
    }
    if (depth_ == 6) {
      Word().symbols.push_back(value);
      return true;
    }
    return false;
  }
  OcrWord& Word() {
    return result_.text.blocks.back().lines.back().words.back();
  }

  OcrResult result_;
  std::string version_;
  std::string failure_;
  std::set<Key> seen_;
  bool has_blocks_ = false;
  int depth_ = 0;  // 1: the object; 2: blocks; 3: a block; 4: a line; 5: a
                   // word; 6: its symbols
  int field_ = 0;  // of the word: 0 text, 1 confidence, 2 symbols, 3 done
  int skip_ = 0;   // depth inside a skipped value
  Key key_ = Key::kNone;
};

}  // namespace

std::optional<OcrResult> OcrResultFromJson(std::string_view json,
                                           const std::string& version) {
  ResultReader reader;
  if (!nlohmann::json::sax_parse(json, &reader)) return std::nullopt;
  return reader.Take(version);
}

std::optional<OcrResult> OcrResultFromMessagePack(std::string_view bytes,
                                                  const std::string& version) {
  ResultReader reader;
  if (!nlohmann::json::sax_parse(bytes, &reader,
                                 nlohmann::json::input_format_t::msgpack)) {
    return std::nullopt;
  }
  return reader.Take(version);
}

OcrCache::OcrCache(std::string dir, std::string engine_version)
    : dir_(std::move(dir)),
      version_(std::move(engine_version)),
      version_digest_(Sha256Hex(version_).substr(0, 12)) {}

OcrCache::~OcrCache() = default;

OcrPack& OcrCache::Pack() const {
  // Opened at the first image, not at start-up: the preparation's digest
  // prepares a sample (1.5 ms), which an archive without images never needs.
  std::call_once(pack_opened_, [this] {
    const std::optional<Sha256Digest> preparation =
        Sha256FromHex(Sha256Hex(LinesHeader()));
    pack_ = std::make_unique<OcrPack>(
        dir_ + "/pack",
        std::string_view(reinterpret_cast<const char*>(preparation->data()),
                         preparation->size()));
  });
  return *pack_;
}

std::string OcrCache::Path(const std::string& image_sha256,
                           std::string_view format) const {
  return dir_ + "/" + image_sha256 + "-" + version_digest_ + "." +
         std::string(format);
}

// One file per image file, named by its device and inode (a path may be
// given relative to any directory): its version and its hash.
std::string OcrCache::FilePath(const FileVersion& version) const {
  return dir_ + "/files/" + std::to_string(version.device) + "-" +
         std::to_string(version.inode);
}

namespace {

constexpr std::string_view kFileHeader = "cncert-ocr-file 1\n";

std::string FileRecord(const FileVersion& v) {
  return std::to_string(v.size) + " " + std::to_string(v.modified_seconds) +
         " " + std::to_string(v.modified_nanoseconds) + " " +
         std::to_string(v.changed_seconds) + " " +
         std::to_string(v.changed_nanoseconds) + "\n";
}

}  // namespace

std::string OcrCache::KnownFile(const FileVersion& version) const {
  if (dir_.empty()) return "";
  if (const auto sha = Pack().KnownFile(version)) return Sha256DigestHex(*sha);
  // Remembered by a build before the pack, in a file of its own: kept in
  // the pack from now on, and the file removed.
  const std::optional<std::string> file =
      ReadCacheFile(FilePath(version), 4096);
  if (!file) return "";
  std::string_view rest = *file;
  const std::string record = FileRecord(version);
  if (!rest.starts_with(kFileHeader)) return "";
  rest.remove_prefix(kFileHeader.size());
  if (!rest.starts_with(record)) return "";
  rest.remove_prefix(record.size());
  if (!rest.ends_with("\n")) return "";
  rest.remove_suffix(1);
  const std::optional<Sha256Digest> sha = Sha256FromHex(rest);
  if (!sha) return "";
  if (Pack().RememberFile(version, *sha)) {
    ::unlink(FilePath(version).c_str());
    ::rmdir((dir_ + "/files").c_str());  // once the last is gone
  }
  return std::string(rest);
}

void OcrCache::RememberFile(const FileVersion& version,
                            const std::string& image_sha256) const {
  if (dir_.empty()) return;
  const std::optional<Sha256Digest> sha = Sha256FromHex(image_sha256);
  // Not remembered only costs a hash next time.
  if (sha && MakeDirectory()) Pack().RememberFile(version, *sha);
}

void OcrCache::Hold(const std::string& image_sha256,
                    std::shared_ptr<const OcrResult> result,
                    std::shared_ptr<const ImageLines> lines) const {
  if (const std::optional<Sha256Digest> sha = Sha256FromHex(image_sha256)) {
    Hold(*sha, std::move(result), std::move(lines));
  }
}

void OcrCache::Hold(const Sha256Digest& sha,
                    std::shared_ptr<const OcrResult> result,
                    std::shared_ptr<const ImageLines> lines) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = memory_.find(sha);
  if (it == memory_.end()) {
    if (memory_.size() >= MaxHeld()) memory_.erase(memory_.begin());
    it = memory_.emplace(sha, Entry{}).first;
  }
  if (result) it->second.result = std::move(result);
  if (lines) it->second.lines = std::move(lines);
}

void OcrCache::Forget(const std::string& image_sha256) const {
  const std::optional<Sha256Digest> sha = Sha256FromHex(image_sha256);
  if (!sha) return;
  const std::lock_guard<std::mutex> lock(mutex_);
  memory_.erase(*sha);
}

std::shared_ptr<const OcrResult> OcrCache::Load(
    const std::string& image_sha256) const {
  if (const std::optional<Sha256Digest> sha = Sha256FromHex(image_sha256)) {
    // The results read last stay parsed: a reparse costs what text does.
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = memory_.find(*sha);
    if (it != memory_.end() && it->second.result) return it->second.result;
  }
  if (dir_.empty()) return nullptr;
  std::optional<OcrResult> parsed;
  if (const std::optional<std::string> entry =
          ReadCacheFile(Path(image_sha256, "msgpack"), kMaxEntryBytes)) {
    parsed = OcrResultFromMessagePack(*entry, version_);
  } else {
    // An entry as earlier builds wrote it, in JSON: kept in today's form.
    const std::string json = Path(image_sha256, "json");
    const FileContent old =
        ReadFileCapped(json, kMaxEntryBytes, FileOrigin::kArchive);
    if (!old.error.empty()) return nullptr;
    parsed = OcrResultFromJson(old.bytes, version_);
    if (parsed && WriteFileAtomically(Path(image_sha256, "msgpack"),
                                      OcrResultToMessagePack(*parsed, version_))
                      .ok()) {
      ::unlink(json.c_str());
    }
  }
  if (!parsed) return nullptr;
  auto result = std::make_shared<const OcrResult>(std::move(*parsed));
  Hold(image_sha256, result, nullptr);
  return result;
}

std::string OcrCache::LinesHeader() const {
  // The build and what it makes of the preparation's sample as well as the
  // format: a build that prepares lines otherwise and did not change
  // kImageLinesFormat still prepares them again.
  static const std::string kPreparation =
      Sha256Hex(ImageLinesToBytes(PrepareImageLines(PreparationSample())))
          .substr(0, 16);
  return "cncert-ocr-lines\n" + version_ + "\n" + kVersion + " " +
         kPreparation + "\n";
}

std::shared_ptr<const ImageLines> OcrCache::LoadLines(
    const std::string& image_sha256) const {
  if (const std::optional<Sha256Digest> sha = Sha256FromHex(image_sha256)) {
    return LoadLines(*sha);
  }
  // Not a name the cache holds in memory or packs: prepared each time.
  const std::shared_ptr<const OcrResult> result = Load(image_sha256);
  if (!result || result->failure != ImageFailure::kNone) return nullptr;
  return std::make_shared<const ImageLines>(PrepareImageLines(result->text));
}

std::shared_ptr<const ImageLines> OcrCache::LoadLines(
    const Sha256Digest& sha) const {
  std::shared_ptr<const OcrResult> result;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = memory_.find(sha);
    if (it != memory_.end()) {
      if (it->second.lines) return it->second.lines;
      result = it->second.result;
    }
  }
  if (!result && !dir_.empty()) {
    if (std::optional<ImageLines> read = Pack().Lines(sha)) {
      auto lines = std::make_shared<const ImageLines>(std::move(*read));
      Hold(sha, nullptr, lines);
      return lines;
    }
    result = Load(Sha256DigestHex(sha));
  }
  if (!result || result->failure != ImageFailure::kNone) return nullptr;
  // Lines of another format or build, broken, or not kept yet.
  auto lines =
      std::make_shared<const ImageLines>(PrepareImageLines(result->text));
  KeepLines(sha, *lines);
  Hold(sha, nullptr, lines);
  return lines;
}

void OcrCache::KeepLines(const Sha256Digest& sha,
                         const ImageLines& lines) const {
  // Not kept only costs preparing them again next time.
  if (dir_.empty() || !MakeDirectory()) return;
  if (Pack().KeepLines(sha, lines)) {
    // What builds before the pack kept beside the result.
    ::unlink(Path(Sha256DigestHex(sha), "lines").c_str());
  }
}

bool OcrCache::MakeDirectory() const {
  std::error_code error;
  std::filesystem::create_directories(dir_, error);
  return !error;
}

void OcrCache::Store(const std::string& image_sha256,
                     const OcrResult& result) const {
  // The directory is made with the first result: an archive without
  // images, or a parse of text alone, gets none. Where it cannot be made
  // or written, the result is kept in memory, as without one.
  if (!dir_.empty() && MakeDirectory() &&
      WriteFileAtomically(Path(image_sha256, "msgpack"),
                          OcrResultToMessagePack(result, version_))
          .ok()) {
    // What was held of an earlier result of the same image is not its.
    Forget(image_sha256);
    const std::optional<Sha256Digest> sha = Sha256FromHex(image_sha256);
    if (sha && result.failure == ImageFailure::kNone) {
      // Held too: the lookup that read the image hands them on.
      auto lines =
          std::make_shared<const ImageLines>(PrepareImageLines(result.text));
      KeepLines(*sha, *lines);
      Hold(*sha, nullptr, std::move(lines));
    }
    return;
  }
  Forget(image_sha256);
  Hold(image_sha256, std::make_shared<const OcrResult>(result), nullptr);
}

}  // namespace cncert
