// UTF-8 walking, validation and cutting at character boundaries.
#ifndef CNCERT_PARSERS_UTF8_H_
#define CNCERT_PARSERS_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace cncert::utf8 {

// The out-of-line parts of Next() and Append(): any sequence but ASCII.
char32_t NextMultiByte(std::string_view text, std::size_t& pos);
void AppendMultiByte(std::string& out, char32_t cp);

// Decodes the code point at `pos` and advances `pos`. Invalid bytes yield
// U+FFFD and advance by one byte. ASCII and the three-byte sequences of
// Han characters, nearly all of a bulletin, are decoded and encoded inline.
inline char32_t Next(std::string_view text, std::size_t& pos) {
  const auto b0 = static_cast<unsigned char>(text[pos]);
  if (b0 < 0x80) {
    ++pos;
    return b0;
  }
  if ((b0 & 0xF0) == 0xE0 && pos + 2 < text.size()) {
    const auto b1 = static_cast<unsigned char>(text[pos + 1]);
    const auto b2 = static_cast<unsigned char>(text[pos + 2]);
    if ((b1 & 0xC0) == 0x80 && (b2 & 0xC0) == 0x80) {
      const char32_t cp = (char32_t{b0} & 0x0F) << 12 |
                          (char32_t{b1} & 0x3F) << 6 | (char32_t{b2} & 0x3F);
      if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) {
        pos += 3;
        return cp;
      }
    }
  }
  return NextMultiByte(text, pos);
}
inline void Append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp >= 0x800 && cp < 0x10000) {
    const char bytes[3] = {static_cast<char>(0xE0 | (cp >> 12)),
                           static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                           static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(bytes, 3);
  } else {
    AppendMultiByte(out, cp);
  }
}

// Length of the longest valid UTF-8 prefix of `text`.
std::size_t ValidPrefix(std::string_view text);
inline bool IsValid(std::string_view text) {
  return ValidPrefix(text) == text.size();
}

// The longest prefix of `text` of at most `max_bytes` that does not split a
// character.
std::string_view TruncateAtBoundary(std::string_view text,
                                    std::size_t max_bytes);

// Han ideographs and CJK punctuation: characters around which spaces carry no
// meaning in Chinese text.
bool IsCjk(char32_t cp);

}  // namespace cncert::utf8

#endif  // CNCERT_PARSERS_UTF8_H_
