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

class ArticleText;

// What the limits below are checked against: a count of tag-like "<name"
// and "</name" anywhere in the page (scripts and comments too).
struct TagCensus {
  std::size_t tags = 0;
  int deepest = 0;  // elements open at once
  int most_open_formatting = 0;
};
TagCensus CountTags(std::string_view utf8);

class HtmlTree {
 public:
  static constexpr std::size_t kMaxTags = 200'000;
  // Formatting elements (b, i, a, font, …) open at once before they are
  // all turned into <span>, which gumbo does not reconstruct.
  static constexpr int kMaxOpenFormatting = 200;
  // Elements open at once (elements that close themselves not counted).
  static constexpr int kMaxDepth = 10'000;

  // Whether gumbo reads the page as it is: not refused, nothing defused.
  static bool TakesAsIs(const TagCensus& census) {
    return census.tags <= kMaxTags && census.deepest <= kMaxDepth &&
           census.most_open_formatting <= kMaxOpenFormatting;
  }

  // `utf8`: the page, already converted to UTF-8; `census`: its CountTags.
  HtmlTree(std::string_view utf8, const TagCensus& census);
  explicit HtmlTree(std::string_view utf8) : HtmlTree(utf8, CountTags(utf8)) {}
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

// The formatting elements of the HTML parsing algorithm: those gumbo keeps in
// its list of active formatting elements.
bool IsFormattingElement(GumboTag tag);
inline bool IsHeading(GumboTag tag) {
  return tag >= GUMBO_TAG_H1 && tag <= GUMBO_TAG_H6;
}

// The tree's elements and text in document order, as ArticleText's events.
void ReplayTree(const GumboNode* root, ArticleText& text);

}  // namespace cncert

#endif  // CNCERT_PARSERS_HTML_TREE_H_
