// Text from a bulletin image with Tesseract (chi_sim): the image is checked
// under limits, then decoded, prepared and recognised by the OCR reader
// plugin (exporter/ocr/tesseract_reader.cc) in a child process under a
// budget.
#ifndef CNCERT_EXPORTER_OCR_OCR_ENGINE_H_
#define CNCERT_EXPORTER_OCR_OCR_ENGINE_H_

#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "parsers/child_call.h"
#include "parsers/images.h"

namespace cncert {

class OcrReader;

// Why an image gave no text.
enum class ImageFailure {
  kNone,
  kUnreadable,  // missing, not a regular file, outside the archive
  kTooLarge,    // over the byte or pixel limits (a decompression bomb)
  kFormat,      // not an image leptonica decodes (SVG, HTML)
  kTruncated,   // a PNG or JPEG cut short
  kAnimated,    // several frames (GIF, APNG, WebP): which one is meant?
  kTooSmall,    // too small to hold a sentence: icons, spacers
  kNotFetched,  // remote, and fetching images is off or not allowed
  kFetch,       // a remote image could not be fetched
  kEngine,      // Tesseract failed or crashed
  kResources,   // Tesseract went over its memory or time budget
};

inline constexpr std::array kAllImageFailures = {
    ImageFailure::kUnreadable, ImageFailure::kTooLarge, ImageFailure::kFormat,
    ImageFailure::kTruncated,  ImageFailure::kAnimated, ImageFailure::kTooSmall,
    ImageFailure::kNotFetched, ImageFailure::kFetch,    ImageFailure::kEngine,
    ImageFailure::kResources};

std::string_view ImageFailureName(ImageFailure f);

// Where Tesseract will find chi_sim.traineddata, found without starting
// it: TESSDATA_PREFIX, else Debian's directories; "" when it is missing.
std::string FindLanguageData();
// What names the language data in the OCR cache's keys, so that new data
// reads images again: the digest of its first MiB and its size.
std::string LanguageDataDigest(const std::string& path);

struct OcrLimits {
  std::size_t max_bytes = 20u << 20;
  long long max_pixels = 40'000'000;  // decoded, before scaling
  int min_width = 120;
  int min_height = 40;
  // Decoding and recognition run in a child under this budget (the image
  // is scaled to about 2000 pixels wide): a 1080×8000 infographic needs
  // about 110 MB, one twice as tall twice as much.
  ChildBudget budget{192u << 20, std::chrono::seconds(60)};
};

struct OcrResult {
  ImageText text;
  ImageFailure failure = ImageFailure::kNone;
  std::string error;
};

// Not thread-safe: one engine per thread.
class OcrEngine {
 public:
  // Null with a message when the language data or the plugin is missing.
  // Tesseract itself starts with the first Read.
  static std::unique_ptr<OcrEngine> Create(std::string* error);
  ~OcrEngine();
  OcrEngine(const OcrEngine&) = delete;
  OcrEngine& operator=(const OcrEngine&) = delete;

  OcrResult Read(std::string_view image_bytes, const OcrLimits& limits = {});

  // Frees Tesseract's models (tens of megabytes) until the next Read.
  void Unload();

  // Tesseract's version and a digest of the language data: results cached
  // under another version are read again.
  const std::string& version() const { return version_; }

 private:
  OcrEngine() = default;
  bool Plug(std::string* error);       // loads the plugin
  bool Load(std::string* error);       // and Tesseract's models
  std::unique_ptr<OcrReader> reader_;  // the plugin's
  std::string version_;
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_OCR_OCR_ENGINE_H_
