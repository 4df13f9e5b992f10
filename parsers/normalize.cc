#include "parsers/normalize.h"

#include <vector>

#include "parsers/utf8.h"

namespace cncert {

namespace {

bool IsAsciiLetter(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Tone-marked vowels of Hanyu Pinyin.
bool IsPinyinLetter(char32_t c) {
  static constexpr std::u32string_view kToned = U"āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü";
  return (c >= 'a' && c <= 'z') || kToned.find(c) != kToned.npos;
}

char32_t MapCodePoint(char32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) return cp - 0xFEE0;  // full-width ASCII
  switch (cp) {
    case 0x3000:  // ideographic space
    case 0x00A0:
    case 0x2002:
    case 0x2003:
    case 0x2009:
    case '\t':
    case '\f':
    case '\v':
      return ' ';
    case 0x200B:  // zero-width characters vanish
    case 0x200C:
    case 0x200D:
    case 0xFEFF:
      return 0;
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2015:
    case 0x2212:
    case 0xFE58:
    case 0xFE63:
      return '-';
    case 0x301C:
      return '~';
    case 0x3010:  // 【】 read as brackets
      return '[';
    case 0x3011:
      return ']';
    case 0xFF5F:
      return '(';
    case 0xFF60:
      return ')';
    case '\r':
      return '\n';
    default:
      return cp;
  }
}

// Drops "(gè)" right after a Han character: a lower-case pinyin reading at
// most one syllable long, so that "(conficker)" or "(GOV)" stay.
std::size_t PinyinAnnotationLength(const std::u32string& cps, std::size_t i) {
  if (cps[i] != '(' || i == 0 || !utf8::IsCjk(cps[i - 1])) return 0;
  std::size_t j = i + 1;
  while (j < cps.size() && j - i <= 7 && IsPinyinLetter(cps[j])) ++j;
  const std::size_t letters = j - i - 1;
  if (j < cps.size() && cps[j] == ')' && letters >= 1 && letters <= 6) {
    return letters + 2;
  }
  return 0;
}

void FlushLine(std::u32string& line, std::string& out) {
  // Keep a space only between two Latin letters ("CNCERT Weekly").
  std::u32string kept;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] != ' ') {
      kept += line[i];
      continue;
    }
    std::size_t next = i;
    while (next < line.size() && line[next] == ' ') ++next;
    if (!kept.empty() && next < line.size() && IsAsciiLetter(kept.back()) &&
        IsAsciiLetter(line[next])) {
      kept += ' ';
    }
    i = next - 1;
  }
  if (!kept.empty()) {
    for (char32_t c : kept) utf8::Append(out, c);
    out += '\n';
  }
  line.clear();
}

}  // namespace

std::string NormalizeText(std::string_view raw) {
  const std::string simplified = TraditionalToSimplified(raw);
  const std::string_view utf8_text = simplified;
  std::u32string cps;
  cps.reserve(utf8_text.size());
  std::size_t pos = 0;
  while (pos < utf8_text.size()) {
    const char32_t mapped = MapCodePoint(utf8::Next(utf8_text, pos));
    if (mapped != 0) cps += mapped;
  }
  std::string out;
  out.reserve(utf8_text.size());
  std::u32string line;
  for (std::size_t i = 0; i < cps.size(); ++i) {
    if (cps[i] == '\n') {
      FlushLine(line, out);
      continue;
    }
    if (const std::size_t skip = PinyinAnnotationLength(cps, i); skip > 0) {
      i += skip - 1;
      continue;
    }
    if (cps[i] < 0x20) continue;  // stray control characters
    line += cps[i];
  }
  FlushLine(line, out);
  return out;
}

}  // namespace cncert
