#include <array>

#include "parsers/document.h"

namespace cncert {

Document DecodeDocument(std::string_view bytes) {
  static const auto* const kDecoders = [] {
    auto* list = new std::array<std::unique_ptr<Decoder>, 4>{
        MakePdfDecoder(), MakeHtmlDecoder(), MakeMarkdownDecoder(),
        MakeTextDecoder()};
    return list;
  }();
  for (const auto& decoder : *kDecoders) {
    if (decoder->Sniff(bytes)) return decoder->Decode(bytes);
  }
  Document doc;
  doc.error = "unrecognised file format";
  doc.failure = Failure::kFormat;
  return doc;
}

}  // namespace cncert
