// Turns a file's bytes into UTF-8 text: BOMs, GB18030/GBK, binary detection.
#ifndef CNCERT_PARSERS_ENCODING_H_
#define CNCERT_PARSERS_ENCODING_H_

#include <string>
#include <string_view>
#include <vector>

#include "parsers/failure.h"

namespace cncert {

struct DecodedText {
  std::string text;      // UTF-8, without BOM
  std::string encoding;  // "UTF-8", "GB18030", "UTF-16"
  std::vector<std::string> warnings;
  std::string error;  // non-empty when the bytes are not usable text
  Failure failure = Failure::kNone;  // kBinary or kEncoding with an error
};

// `declared` is a charset the container names (HTML meta), possibly empty.
DecodedText DecodeToUtf8(std::string_view bytes, std::string_view declared);

// Strict conversion with iconv; false on any invalid sequence.
bool ConvertWithIconv(std::string_view bytes, const char* from,
                      std::string* out);

}  // namespace cncert

#endif  // CNCERT_PARSERS_ENCODING_H_
