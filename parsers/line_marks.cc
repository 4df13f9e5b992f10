#include "parsers/line_marks.h"

#include <string_view>

namespace cncert {

std::string StripLineMarks(const std::string& text, const RE2& mark,
                           char lead) {
  std::string out;
  out.reserve(text.size());
  std::size_t copied = 0;  // text before this is in `out`
  for (std::size_t line = 0; line < text.size();) {
    const std::size_t eol = text.find('\n', line);
    const std::size_t end = eol == std::string::npos ? text.size() : eol;
    std::size_t first = line;
    while (first < end && first - line < 3 &&
           (text[first] == ' ' || text[first] == '\t')) {
      ++first;
    }
    re2::StringPiece match;
    if (first < end && text[first] == lead &&
        mark.Match(re2::StringPiece(text.data() + line, end - line), 0,
                   end - line, RE2::ANCHOR_START, &match, 1)) {
      out.append(text, copied, line - copied);
      copied = line + match.size();
    }
    if (eol == std::string::npos) break;
    line = eol + 1;
  }
  out.append(text, copied);
  return out;
}

}  // namespace cncert
