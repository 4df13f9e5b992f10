// Small text helpers shared by the parsers and the exporter.
#ifndef CNCERT_PARSERS_STRINGS_H_
#define CNCERT_PARSERS_STRINGS_H_

#include <string>
#include <string_view>

namespace cncert {

// ASCII letters to lower case; other bytes (UTF-8 included) unchanged.
std::string LowerAscii(std::string_view s);

// "%.10g": a figure as people read it in messages and warnings ("145000",
// "0.016"), not the exact exposition form (see FormatSampleValue).
std::string FormatNumber(double value);

}  // namespace cncert

#endif  // CNCERT_PARSERS_STRINGS_H_
