// Images in a bulletin and the text read from them. Since 2020 the WeChat
// bulletin carries most figures as pictures: decoders note where each image
// stands, a reader the caller supplies (OCR, a cache) returns its text, and
// the parser reads that text with the same normalization, sections and rules
// as any other, keeping track of which image and line each figure came from.
#ifndef CNCERT_PARSERS_IMAGES_H_
#define CNCERT_PARSERS_IMAGES_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cncert {

struct ImageLines;  // parsers/image_lines.h

// An image as the document references it, in document order.
struct ImageRef {
  std::string src;  // as written: a relative path or a URL
  std::string alt;
};

// Text recognised in an image: blocks (paragraphs, chart labels) of lines of
// words, each word with the recogniser's confidence (0–100). Lines of a block
// are joined into running text; blocks never are.
struct OcrWord {
  std::string text;
  float confidence = 0;
  // Per character of `text`, where the recogniser tells them apart: a
  // figure's digits can be sure while a "%" beside them is not.
  std::vector<float> symbols;
};
struct OcrLine {
  std::vector<OcrWord> words;
};
struct OcrBlock {
  std::vector<OcrLine> lines;
};
struct ImageText {
  std::vector<OcrBlock> blocks;
};

// What became of an image.
enum class ImageStatus {
  kRead,     // its text was read
  kPending,  // the reader will have it later (a background worker)
  kSkipped,  // not content: cover, avatar, QR code, outside the sections
  kUnread,   // may hold figures, but reading is off (remote, --ocr=false)
  kFailed,   // could not be read (reason says why)
};

struct ImageLookup {
  ImageStatus status = ImageStatus::kSkipped;
  const ImageText* text = nullptr;  // with kRead; owned by the reader
  std::string reason;               // with kSkipped and kFailed
  // Names `text` for as long as the process runs (the image's hash): the
  // parser then prepares it once for every bulletin that shows it. Empty:
  // prepared each time.
  std::string key;
  // With kRead, in place of `text`: the lines already prepared, as a reader
  // keeps them (PrepareImageLines). They name themselves: a reader that
  // hands on the same lines again has them prepared once.
  std::shared_ptr<const ImageLines> lines;
};

// Supplied by the caller of ParseBulletin: the parser does no I/O itself.
class ImageReader {
 public:
  virtual ~ImageReader() = default;
  virtual ImageLookup Read(const ImageRef& ref) const = 0;
};

// Covers, author avatars and QR codes, told by their alt text; and references
// with no source. Never read.
bool IsDecorativeImage(const ImageRef& ref);

// The marker a decoder puts on a line of its own where image `index` stands.
std::string ImageMarker(std::size_t index);
// The index of a marker line, or -1.
long ImageMarkerIndex(std::string_view line);
// A line that ends running text: blocks of an image never join.
inline constexpr std::string_view kHardBreak = "\xEE\x80\x81";  // U+E001
// Removes marker code points from decoded text, so that no document can
// forge a marker.
void StripMarkers(std::string& text);

// Repairs what Tesseract is known to misread in bulletin wordings, on
// normalized text, only where the context leaves no doubt (篡改 read as
// 纂改/算改/签改, 后门 as 后内, "5.4%)" as "5.49)", a lone 中 rating as 三).
std::string FixOcrConfusions(std::string_view normalized_line);

}  // namespace cncert

#endif  // CNCERT_PARSERS_IMAGES_H_
