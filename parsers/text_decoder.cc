#include "parsers/document.h"
#include "parsers/encoding.h"

namespace cncert {

namespace {

class TextDecoder : public Decoder {
 public:
  std::string_view Name() const override { return "text"; }
  bool Sniff(std::string_view /*bytes*/) const override { return true; }
  Document Decode(std::string_view bytes) const override {
    Document doc;
    doc.format = "text";
    DecodedText decoded = DecodeToUtf8(bytes, "");
    doc.encoding = decoded.encoding;
    doc.text = std::move(decoded.text);
    doc.warnings = std::move(decoded.warnings);
    doc.error = std::move(decoded.error);
    doc.failure = decoded.failure;
    return doc;
  }
};

}  // namespace

std::unique_ptr<Decoder> MakeTextDecoder() {
  return std::make_unique<TextDecoder>();
}

}  // namespace cncert
