#include "parsers/markdown_image.h"

namespace cncert {

namespace {

bool IsBlank(char c) {  // RE2's \s
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

std::size_t SkipBlanks(std::string_view text, std::size_t pos) {
  while (pos < text.size() && IsBlank(text[pos])) ++pos;
  return pos;
}

// What may follow the source: an optional title in double quotes after at
// least one blank, blanks, then ")". The end of the reference, or nullopt.
std::optional<std::size_t> TitleAndClose(std::string_view text,
                                         std::size_t pos) {
  const std::size_t blanks = SkipBlanks(text, pos);
  if (blanks > pos && blanks < text.size() && text[blanks] == '"') {
    const std::size_t quote = text.find_first_of("\"\n", blanks + 1);
    if (quote != std::string_view::npos && text[quote] == '"') {
      const std::size_t close = SkipBlanks(text, quote + 1);
      if (close < text.size() && text[close] == ')') return close + 1;
    }
  }
  if (blanks < text.size() && text[blanks] == ')') return blanks + 1;
  return std::nullopt;
}

}  // namespace

std::optional<MarkdownImage> ReadMarkdownImage(std::string_view text,
                                               std::size_t at) {
  if (text.substr(at, 2) != "![") return std::nullopt;
  const std::size_t alt_begin = at + 2;
  const std::size_t alt_end = text.find_first_of("]\n", alt_begin);
  if (alt_end == std::string_view::npos || text[alt_end] != ']' ||
      alt_end + 1 >= text.size() || text[alt_end + 1] != '(') {
    return std::nullopt;
  }
  const std::string_view alt = text.substr(alt_begin, alt_end - alt_begin);
  const std::size_t open = alt_end + 2;
  // The expression's first choice: all blanks, then "<" if there, the
  // longest source, then ">" if there. A source stops only where what
  // follows it can go on, so no shorter one can match instead.
  const std::size_t blanks = SkipBlanks(text, open);
  std::size_t pos = blanks;
  if (pos < text.size() && text[pos] == '<') ++pos;
  const std::size_t src_begin = pos;
  while (pos < text.size() && text[pos] != ')' && text[pos] != '>' &&
         !IsBlank(text[pos])) {
    ++pos;
  }
  const std::string_view src = text.substr(src_begin, pos - src_begin);
  if (pos < text.size() && text[pos] == '>') ++pos;
  if (const auto end = TitleAndClose(text, pos)) {
    return MarkdownImage{*end - at, alt, src};
  }
  // Its last: fewer of the first blanks, an empty source, and the rest of
  // the blanks before a title (`![a]( "t x")`).
  if (blanks > open) {
    if (const auto end = TitleAndClose(text, open)) {
      return MarkdownImage{*end - at, alt, text.substr(open, 0)};
    }
  }
  return std::nullopt;
}

}  // namespace cncert
