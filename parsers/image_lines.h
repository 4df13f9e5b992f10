// An image's recognised text as the parser splices it: its lines normalized
// and repaired, each word's place and confidence. The same under every set of
// rules, so a reader may keep it with the image's OCR result: a restart then
// reads it back instead of preparing every image again.
#ifndef CNCERT_PARSERS_IMAGE_LINES_H_
#define CNCERT_PARSERS_IMAGE_LINES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/images.h"

namespace cncert {

// A recognised word, or one character of it, in an image's text. Offsets
// in 32 bits, as the OCR cache keeps them: an image's text runs to a few
// kilobytes, and a start-up holds the words of thousands of images.
struct ImageWord {
  std::uint32_t begin = 0;  // span in ImageLines::text
  std::uint32_t end = 0;
  float confidence = 0;
  bool symbol = false;  // one character of a word
};

struct ImageLines {
  struct Line {
    std::size_t begin = 0;  // span in `text`, without its line break
    std::size_t end = 0;
    std::size_t first_word = 0;  // its words: `words` from here
    std::size_t word_count = 0;
  };
  // Each line followed by a line break; each block by kHardBreak and one.
  std::string text;
  std::vector<Line> lines;
  std::vector<ImageWord> words;
  std::string named_issue;  // IssueNamedIn(text)

  // Whether a block ended before line `i`: its text begins after more than
  // the break that ends the line before it (or the text's start).
  bool BlockEndsBefore(std::size_t i) const {
    return lines[i].begin > (i == 0 ? 0 : lines[i - 1].end + 1);
  }
};

// Changes whenever the kept form changes, or PrepareImageLines would give
// other lines for the same recognised text (normalization, repairs of OCR
// confusions): kept lines of another format are prepared again.
inline constexpr int kImageLinesFormat = 1;

ImageLines PrepareImageLines(const ImageText& text);

// Recognised text that goes through each step of the preparation, one line
// per repair: what PrepareImageLines makes of it tells one build's
// preparation from another's where kImageLinesFormat was not changed (the
// OCR cache names it in the header of the lines it keeps).
const ImageText& PreparationSample();

// Compact and read without parsing: a restart reads every image's.
std::string ImageLinesToBytes(const ImageLines& lines);
// nullopt unless `bytes` hold lines as PrepareImageLines makes them: valid
// UTF-8, the text made of its lines and breaks alone, lines in order, each
// word inside its line on character boundaries, finite confidences.
std::optional<ImageLines> ImageLinesFromBytes(std::string_view bytes);

}  // namespace cncert

#endif  // CNCERT_PARSERS_IMAGE_LINES_H_
