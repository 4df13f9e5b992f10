// The parse entry point: bytes of one file in, a Bulletin out. No I/O of its
// own: the caller hands in the bytes (OpenCC reads its dictionaries, once).
#ifndef CNCERT_PARSERS_PARSER_H_
#define CNCERT_PARSERS_PARSER_H_

#include <cstddef>
#include <string_view>

#include "parsers/bulletin.h"
#include "parsers/images.h"
#include "parsers/rules.h"

namespace cncert {

struct ParseOptions {
  // Bulletins are tens of kilobytes; PDFs a few megabytes.
  std::size_t max_bytes = 32u << 20;
  // Reads the text of the bulletin's images; null: images are not read.
  const ImageReader* images = nullptr;
  // A figure read from an image is served only if the OCR confidence of its
  // words reaches this (0–100).
  double min_ocr_confidence = 60;
};

Bulletin ParseBulletin(std::string_view bytes, const RuleSet& rules,
                       const ParseOptions& options = {});

}  // namespace cncert

#endif  // CNCERT_PARSERS_PARSER_H_
