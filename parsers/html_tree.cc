#include "parsers/html_tree.h"

#include <algorithm>
#include <vector>

#include "parsers/article_text.h"

namespace cncert {

namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}

}  // namespace

bool IsFormattingElement(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_A:
    case GUMBO_TAG_B:
    case GUMBO_TAG_BIG:
    case GUMBO_TAG_CODE:
    case GUMBO_TAG_EM:
    case GUMBO_TAG_FONT:
    case GUMBO_TAG_I:
    case GUMBO_TAG_NOBR:
    case GUMBO_TAG_S:
    case GUMBO_TAG_SMALL:
    case GUMBO_TAG_STRIKE:
    case GUMBO_TAG_STRONG:
    case GUMBO_TAG_TT:
    case GUMBO_TAG_U:
      return true;
    default:
      return false;
  }
}

namespace {

// Elements that have no end tag, or whose end tag is implied by the next:
// they do not add to the nesting.
bool IsSelfClosing(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_AREA:
    case GUMBO_TAG_BASE:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_COL:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_INPUT:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_LINK:
    case GUMBO_TAG_META:
    case GUMBO_TAG_OPTION:
    case GUMBO_TAG_P:
    case GUMBO_TAG_PARAM:
    case GUMBO_TAG_SOURCE:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_TRACK:
    case GUMBO_TAG_WBR:
      return true;
    default:
      return false;
  }
}

struct Tag {
  std::size_t name_begin = 0;
  std::size_t name_end = 0;
  bool closing = false;
  GumboTag tag = GUMBO_TAG_UNKNOWN;  // by name, in any case
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
    f(Tag{at, end, closing,
          gumbo_tagn_enum(text.data() + at, static_cast<unsigned>(end - at))});
  }
}

}  // namespace

TagCensus CountTags(std::string_view utf8) {
  TagCensus census;
  int open = 0;
  int depth = 0;
  ForEachTag(utf8, [&](const Tag& t) {
    ++census.tags;
    if (!IsSelfClosing(t.tag)) {
      depth = std::max(0, depth + (t.closing ? -1 : 1));
      census.deepest = std::max(census.deepest, depth);
    }
    if (!IsFormattingElement(t.tag)) return;
    open = std::max(0, open + (t.closing ? -1 : 1));
    census.most_open_formatting = std::max(census.most_open_formatting, open);
  });
  return census;
}

HtmlTree::HtmlTree(std::string_view utf8, const TagCensus& census)
    : text_(utf8) {
  const std::size_t tags = census.tags;
  const int deepest = census.deepest;
  const int most_open = census.most_open_formatting;
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
      if (!IsFormattingElement(t.tag)) return;
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

// gumbo's tree, in document order, as ArticleText's events. Depth-first
// with a stack of its own: HtmlTree lets documents nest thousands of
// elements deep, deeper than a recursion may go.
void ReplayTree(const GumboNode* root, ArticleText& text) {
  struct Step {
    const GumboNode* node;
    bool leave;
  };
  std::vector<Step> stack{{root, false}};
  std::vector<HtmlAttribute> attributes;
  while (!stack.empty()) {
    const Step step = stack.back();
    stack.pop_back();
    if (step.leave) {
      text.Leave();
      continue;
    }
    const GumboNode* node = step.node;
    const GumboVector* children = nullptr;
    switch (node->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_CDATA:
      case GUMBO_NODE_WHITESPACE:
        text.Text(node->v.text.text, node->type == GUMBO_NODE_WHITESPACE);
        continue;
      case GUMBO_NODE_DOCUMENT:
        children = &node->v.document.children;
        break;
      case GUMBO_NODE_ELEMENT: {
        const GumboElement& el = node->v.element;
        attributes.clear();
        for (unsigned i = 0; i < el.attributes.length; ++i) {
          const auto* a =
              static_cast<const GumboAttribute*>(el.attributes.data[i]);
          attributes.push_back({a->name, a->value});
        }
        text.Enter(el.tag, attributes);
        stack.push_back({node, true});
        children = &el.children;
        break;
      }
      default:  // comments; <template> contents are not the page's
        continue;
    }
    for (unsigned i = children->length; i > 0; --i) {
      stack.push_back(
          {static_cast<const GumboNode*>(children->data[i - 1]), false});
    }
  }
}

}  // namespace cncert
