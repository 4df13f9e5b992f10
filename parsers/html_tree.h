// Gumbo, bounded. Gumbo copies its stack of open elements into every parse
// error it records (60 KB of unclosed "<b>" took 9 GB), spends time with the
// square of the nesting depth, and memory with the number of tags. So errors
// are not recorded, piled-up formatting tags are made harmless, and
// documents nested too deep or with too many tags are refused.
#ifndef CNCERT_PARSERS_HTML_TREE_H_
#define CNCERT_PARSERS_HTML_TREE_H_

#include <gumbo.h>

#include <string>
#include <string_view>

namespace cncert {

class HtmlTree {
 public:
  static constexpr std::size_t kMaxTags = 200'000;
  // Formatting elements (b, i, a, font, …) open at once before they are
  // all turned into <span>, which gumbo does not reconstruct.
  static constexpr int kMaxOpenFormatting = 200;
  // Elements open at once (elements that close themselves not counted).
  static constexpr int kMaxDepth = 10'000;

  // `utf8`: the page, already converted to UTF-8.
  explicit HtmlTree(std::string_view utf8);
  ~HtmlTree();
  HtmlTree(const HtmlTree&) = delete;
  HtmlTree& operator=(const HtmlTree&) = delete;

  // Null when the document was refused (error() says why).
  const GumboNode* root() const {
    return output_ ? output_->document : nullptr;
  }
  const std::string& error() const { return error_; }
  // Whether formatting tags were neutralised.
  bool defused() const { return defused_; }

 private:
  std::string text_;  // gumbo points into it
  GumboOutput* output_ = nullptr;
  std::string error_;
  bool defused_ = false;
};

}  // namespace cncert

#endif  // CNCERT_PARSERS_HTML_TREE_H_
