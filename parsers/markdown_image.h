// Markdown's image reference, ![alt](src "title"), read where it starts.
#ifndef CNCERT_PARSERS_MARKDOWN_IMAGE_H_
#define CNCERT_PARSERS_MARKDOWN_IMAGE_H_

#include <cstddef>
#include <optional>
#include <string_view>

namespace cncert {

struct MarkdownImage {
  std::size_t length = 0;  // of the whole reference
  std::string_view alt;
  std::string_view src;
};

// The image reference at `at` in `text` (valid UTF-8), as the expression
//   !\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"\n]*")?\s*\)
// matches it there (alt and src its two groups, \s RE2's blanks), or nullopt.
// A bulletin's every image is one, and an expression costs a try at each.
std::optional<MarkdownImage> ReadMarkdownImage(std::string_view text,
                                               std::size_t at);

}  // namespace cncert

#endif  // CNCERT_PARSERS_MARKDOWN_IMAGE_H_
