#include "parsers/html_tree.h"

#include <algorithm>
#include <array>

namespace cncert {

namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}

// Whether `name` is one of `names` (lower case), ignoring ASCII case.
template <std::size_t N>
bool NameIn(std::string_view name,
            const std::array<std::string_view, N>& names) {
  for (const auto n : names) {
    if (name.size() != n.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < n.size() && same; ++i) {
      same = (name[i] | 0x20) == n[i];
    }
    if (same) return true;
  }
  return false;
}

// The formatting elements of the HTML parsing algorithm: those gumbo keeps in
// its list of active formatting elements.
bool IsFormatting(std::string_view name) {
  static constexpr std::array<std::string_view, 14> kNames = {
      "a",    "b", "big",   "code",   "em",     "font", "i",
      "nobr", "s", "small", "strike", "strong", "tt",   "u"};
  return NameIn(name, kNames);
}

// Elements that have no end tag, or whose end tag is implied by the next:
// they do not add to the nesting.
bool IsSelfClosing(std::string_view name) {
  static constexpr std::array<std::string_view, 22> kNames = {
      "area",   "base",  "br", "col",  "dd",    "dt",     "embed", "hr",
      "img",    "input", "li", "link", "meta",  "option", "p",     "param",
      "source", "td",    "th", "tr",   "track", "wbr"};
  return NameIn(name, kNames);
}

struct Tag {
  std::size_t name_begin = 0;
  std::size_t name_end = 0;
  bool closing = false;
};

// Calls `f` for each tag-like "<name" or "</name" in `text`.
template <typename F>
void ForEachTag(std::string_view text, F f) {
  for (std::size_t pos = text.find('<'); pos != std::string_view::npos;
       pos = text.find('<', pos + 1)) {
    std::size_t at = pos + 1;
    const bool closing = at < text.size() && text[at] == '/';
    if (closing) ++at;
    std::size_t end = at;
    while (end < text.size() && IsNameChar(text[end])) ++end;
    if (end == at) continue;
    f(Tag{at, end, closing});
  }
}

}  // namespace

HtmlTree::HtmlTree(std::string_view utf8) : text_(utf8) {
  std::size_t tags = 0;
  int open = 0;
  int most_open = 0;
  int depth = 0;
  int deepest = 0;
  ForEachTag(text_, [&](const Tag& t) {
    ++tags;
    const std::string_view name(text_.data() + t.name_begin,
                                t.name_end - t.name_begin);
    if (!IsSelfClosing(name)) {
      depth = std::max(0, depth + (t.closing ? -1 : 1));
      deepest = std::max(deepest, depth);
    }
    if (!IsFormatting(name)) return;
    open = std::max(0, open + (t.closing ? -1 : 1));
    most_open = std::max(most_open, open);
  });
  if (tags > kMaxTags) {
    error_ = "HTML with " + std::to_string(tags) + " tags, more than the " +
             std::to_string(kMaxTags) + " that are parsed";
    return;
  }
  if (deepest > kMaxDepth) {
    error_ = "HTML nested " + std::to_string(deepest) +
             " elements deep, more than the " + std::to_string(kMaxDepth) +
             " that are parsed";
    return;
  }
  if (most_open > kMaxOpenFormatting) {
    // Every formatting tag becomes a <span>: the text stays, the pile-up
    // goes.
    std::string out;
    out.reserve(text_.size());
    std::size_t copied = 0;
    ForEachTag(text_, [&](const Tag& t) {
      const std::string_view name(text_.data() + t.name_begin,
                                  t.name_end - t.name_begin);
      if (!IsFormatting(name)) return;
      out.append(text_, copied, t.name_begin - copied);
      out += "span";
      copied = t.name_end;
    });
    out.append(text_, copied);
    text_ = std::move(out);
    defused_ = true;
  }
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // each error would copy the open-element stack
  output_ = gumbo_parse_with_options(&options, text_.data(), text_.size());
}

HtmlTree::~HtmlTree() {
  if (output_) gumbo_destroy_output(&kGumboDefaultOptions, output_);
}

}  // namespace cncert
