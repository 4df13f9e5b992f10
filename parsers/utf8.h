// UTF-8 walking, validation and cutting at character boundaries.
#ifndef CNCERT_PARSERS_UTF8_H_
#define CNCERT_PARSERS_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace cncert::utf8 {

// Decodes the code point at `pos` and advances `pos`. Invalid bytes yield
// U+FFFD and advance by one byte.
char32_t Next(std::string_view text, std::size_t& pos);
void Append(std::string& out, char32_t cp);

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
