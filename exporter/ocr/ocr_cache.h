// OCR results kept in the archive (.cncert-ocr/), keyed by the image's
// SHA-256, Tesseract's version and its language data: a restart reads no
// image twice, and new language data reads them all again.
#ifndef CNCERT_EXPORTER_OCR_OCR_CACHE_H_
#define CNCERT_EXPORTER_OCR_OCR_CACHE_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "exporter/base/digest.h"
#include "exporter/ocr/file_version.h"
#include "exporter/ocr/ocr_engine.h"
#include "exporter/ocr/ocr_pack.h"
#include "parsers/image_lines.h"

namespace cncert {

class OcrCache {
 public:
  // `dir` empty: results are kept in memory only (up to kMemoryEntries).
  OcrCache(std::string dir, std::string engine_version);
  ~OcrCache();
  static constexpr std::size_t kMemoryEntries = 4096;
  // With a directory: the results read last, kept parsed (20 to 40 KB
  // each) for the bulletins parsed again as their other images arrive (a
  // bulletin carries up to about ten). A start-up reads every image once:
  // more would only hold memory (64 held 1 MB more after loading 3,000).
  static constexpr std::size_t kRecentEntries = 16;

  // Shared, not copied: a bulletin parsed again holds the same result.
  std::shared_ptr<const OcrResult> Load(const std::string& image_sha256) const;
  // The lines of a result that did not fail, prepared for the parser
  // (parsers/image_lines.h) and kept in the pack (ocr_pack.h): a restart
  // reads them back instead of decoding the recogniser's words and
  // preparing them again. Lines of another format or build are prepared
  // again from the result.
  std::shared_ptr<const ImageLines> LoadLines(
      const std::string& image_sha256) const;
  std::shared_ptr<const ImageLines> LoadLines(const Sha256Digest& sha) const;
  // The result, and its lines when it did not fail.
  void Store(const std::string& image_sha256, const OcrResult& result) const;
  const std::string& dir() const { return dir_; }

  // The SHA-256 of the image file at `version`, as remembered (by any
  // process sharing the directory): a restart finds its results without
  // reading and hashing every image again. "" when not known. Kept in the
  // pack.
  std::string KnownFile(const FileVersion& version) const;
  void RememberFile(const FileVersion& version,
                    const std::string& image_sha256) const;

 private:
  // `format`: "msgpack"; "json" and "lines" as earlier builds wrote them.
  std::string Path(const std::string& image_sha256,
                   std::string_view format) const;
  // What kept lines were prepared from and by (the pack keeps its digest).
  std::string LinesHeader() const;
  void KeepLines(const Sha256Digest& sha, const ImageLines& lines) const;
  // Held in memory: the result, its lines, or both.
  struct Entry {
    std::shared_ptr<const OcrResult> result;
    std::shared_ptr<const ImageLines> lines;
  };
  // Entries held at most (kMemoryEntries without a directory).
  std::size_t MaxHeld() const {
    return dir_.empty() ? kMemoryEntries : kRecentEntries;
  }
  // Holds what is not null of the two, making room. Only a SHA-256 is
  // held: a file of another name is read each time.
  void Hold(const std::string& image_sha256,
            std::shared_ptr<const OcrResult> result,
            std::shared_ptr<const ImageLines> lines) const;
  void Hold(const Sha256Digest& sha, std::shared_ptr<const OcrResult> result,
            std::shared_ptr<const ImageLines> lines) const;
  // Lets go of what is held of the image.
  void Forget(const std::string& image_sha256) const;
  static constexpr std::size_t kMaxEntryBytes = 8u << 20;
  // dir_ and its parents; false when they cannot be made.
  bool MakeDirectory() const;
  // Where builds before the pack remembered an image file.
  std::string FilePath(const FileVersion& version) const;
  std::string dir_;
  std::string version_;
  std::string version_digest_;
  // Each image file's hash and each image's lines; only with dir_.
  OcrPack& Pack() const;
  mutable std::once_flag pack_opened_;
  mutable std::unique_ptr<OcrPack> pack_;
  mutable std::mutex mutex_;
  mutable std::map<Sha256Digest, Entry> memory_;
};

// An entry: MessagePack, compact and read without parsing decimal numbers
// (a restart reads every image's); JSON as earlier builds wrote it. Both
// hold the same tree: {"version", "failure", "error", "blocks": [[[[text,
// confidence, [symbol confidences]]]]]}. Not CBOR: nlohmann reads CBOR's
// strings of unbounded chunks recursively, beyond any reader's control.
std::string OcrResultToMessagePack(const OcrResult& result,
                                   const std::string& version);
std::optional<OcrResult> OcrResultFromMessagePack(std::string_view bytes,
                                                  const std::string& version);
std::string OcrResultToJson(const OcrResult& result,
                            const std::string& version);
std::optional<OcrResult> OcrResultFromJson(std::string_view json,
                                           const std::string& version);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_OCR_OCR_CACHE_H_
