// A decoded file: UTF-8 text lines plus what its container said about it.
#ifndef CNCERT_PARSERS_DOCUMENT_H_
#define CNCERT_PARSERS_DOCUMENT_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/child_call.h"
#include "parsers/failure.h"
#include "parsers/images.h"

namespace cncert {

struct Document {
  std::string format;    // "markdown", "html", "pdf", "text"
  std::string encoding;  // of the original bytes
  std::string text;      // UTF-8; '\n' separates blocks and lines
  // Metadata the container states (front matter, HTML head), verbatim.
  std::string title;
  std::string url;
  std::string published;
  // Images in document order; each stands in `text` as a marker line
  // (ImageMarker).
  std::vector<ImageRef> images;
  std::vector<std::string> warnings;
  std::string error;  // non-empty when the file could not be decoded
  Failure failure = Failure::kNone;  // its reason
};

// One file format. Formats are told apart by content, never by file name.
class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual std::string_view Name() const = 0;
  virtual bool Sniff(std::string_view bytes) const = 0;
  virtual Document Decode(std::string_view bytes) const = 0;
};

std::unique_ptr<Decoder> MakeMarkdownDecoder();
std::unique_ptr<Decoder> MakeHtmlDecoder();
// poppler runs in a child under `budget`: real reports need a few MB and
// milliseconds.
inline constexpr ChildBudget kPdfBudget{128u << 20, std::chrono::seconds(10)};
std::unique_ptr<Decoder> MakePdfDecoder(const ChildBudget& budget = kPdfBudget);
std::unique_ptr<Decoder> MakeTextDecoder();

// Tries the decoders in order of specificity (PDF, HTML, Markdown, text).
Document DecodeDocument(std::string_view bytes);

}  // namespace cncert

#endif  // CNCERT_PARSERS_DOCUMENT_H_
