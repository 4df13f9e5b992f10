// Canonical text for the extraction rules: ASCII digits and punctuation,
// Simplified characters, no spaces that Chinese text does not need.
#ifndef CNCERT_PARSERS_NORMALIZE_H_
#define CNCERT_PARSERS_NORMALIZE_H_

#include <bitset>
#include <string>
#include <string_view>

namespace cncert {

// Full-width forms to ASCII (but 。 and 、 stay), dashes to '-', Traditional
// characters of the bulletin's vocabulary to Simplified, pinyin annotations
// such as 個(gè) dropped, spaces removed unless they separate two Latin words,
// blank lines dropped. Line breaks are kept.
std::string NormalizeText(std::string_view utf8);

// Whether NormalizeText(`text`) is `text` on a line of its own: printable
// ASCII but spaces and '(', and Han characters (U+4E00-U+9FFF) that are not
// Traditional markers. Most of what OCR reads as one word is; testing costs
// less than normalizing.
bool NormalizesToItself(std::string_view text);

// Traditional → Simplified for one code point of a small built-in table
// (identity when not mapped).
char32_t ToSimplified(char32_t cp);

// Which BMP code points are Traditional characters of the table.
const std::bitset<0x10000>& TraditionalMarkers();
// Whether `cp` is one of them.
inline bool IsTraditionalMarker(char32_t cp) {
  return cp < 0x10000 && TraditionalMarkers()[cp];
}
// How many of them make a text Traditional rather than Simplified with a
// stray character.
inline constexpr int kTraditionalTrace = 3;
// Whether a text has kTraditionalTrace of them or more.
bool LooksTraditional(std::string_view utf8_text);

// Converts a text to Simplified characters with OpenCC when it has more than
// a trace of Traditional ones; returns it unchanged otherwise.
std::string TraditionalToSimplified(std::string_view utf8_text);

}  // namespace cncert

#endif  // CNCERT_PARSERS_NORMALIZE_H_
