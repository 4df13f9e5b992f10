#include "parsers/line_marks.h"

#include <string_view>

#include "parsers/utf8.h"

namespace cncert {

namespace {

// RE2's \s.
bool IsBlank(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}
bool IsDigit(char32_t c) { return c >= '0' && c <= '9'; }
bool IsNumeral(char32_t c) {
  switch (c) {
    case U'一':
    case U'二':
    case U'三':
    case U'四':
    case U'五':
    case U'六':
    case U'七':
    case U'八':
    case U'九':
    case U'十':
      return true;
    default:
      return false;
  }
}
bool IsNumeralOrDigit(char32_t c) { return IsNumeral(c) || IsDigit(c); }
bool IsDecoration(char32_t c) {
  switch (c) {
    case '#':
    case '*':
    case '>':
    case U'●':
    case U'■':
    case U'◆':
    case U'▶':
      return true;
    default:
      return IsBlank(c);
  }
}

// Reads characters of `line` from `pos` while `keep` holds for them; returns
// how many were read.
template <typename Keep>
std::size_t ReadWhile(std::string_view line, std::size_t& pos, Keep keep) {
  std::size_t count = 0;
  while (pos < line.size()) {
    std::size_t next = pos;
    if (!keep(utf8::Next(line, next))) break;
    pos = next;
    ++count;
  }
  return count;
}

// Reads the character of `line` at `pos` if it is `a`, `b` or `c` (0: no
// such character).
bool ReadOneOf(std::string_view line, std::size_t& pos, char32_t a,
               char32_t b = 0, char32_t c = 0) {
  if (pos >= line.size()) return false;
  std::size_t next = pos;
  const char32_t read = utf8::Next(line, next);
  if (read != a && (b == 0 || read != b) && (c == 0 || read != c)) return false;
  pos = next;
  return true;
}

// One of the numbering forms at `pos`; its end, or `pos` when none is there.
// Their first characters differ, so at most one can apply, and each reads
// its characters without a choice to go back on.
std::size_t Numbering(std::string_view line, std::size_t pos) {
  const std::size_t start = pos;
  if (ReadWhile(line, pos, IsNumeral) > 0) {  // 一、 二.
    return ReadOneOf(line, pos, U'、', '.') ? pos : start;
  }
  if (ReadWhile(line, pos, IsDigit) > 0) {  // 3、 3. 3)
    return ReadOneOf(line, pos, U'、', '.', ')') ? pos : start;
  }
  if (ReadOneOf(line, pos, '(')) {  // (二) (2)
    return ReadWhile(line, pos, IsNumeralOrDigit) > 0 &&
                   ReadOneOf(line, pos, ')')
               ? pos
               : start;
  }
  if (ReadOneOf(line, pos, U'第')) {  // 第一部分 第一部分: 第1部分、
    if (ReadWhile(line, pos, IsNumeralOrDigit) == 0 ||
        !line.substr(pos).starts_with("部分")) {
      return start;
    }
    pos += std::string_view("部分").size();
    ReadOneOf(line, pos, ':', U'、');
    return pos;
  }
  return start;
}

}  // namespace

std::size_t HeadingNumberingLength(std::string_view line) {
  // Most lines open with a character that no decoration or numbering does.
  if (line.empty()) return 0;
  std::size_t first = 0;
  const char32_t lead = utf8::Next(line, first);
  if (!IsDecoration(lead) && !IsNumeralOrDigit(lead) && lead != '(' &&
      lead != U'第') {
    return 0;
  }
  std::size_t pos = 0;
  ReadWhile(line, pos, IsDecoration);
  pos = Numbering(line, pos);
  ReadWhile(line, pos, IsBlank);
  return pos;
}

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
