#include "exporter/fetch/cncert_pages.h"

#include <gumbo.h>
#include <re2/re2.h>

#include <algorithm>
#include <functional>

#include "parsers/encoding.h"
#include "parsers/html_tree.h"
#include "parsers/normalize.h"
#include "parsers/strings.h"

namespace cncert {

namespace {

const char* Attr(const GumboNode* node, const char* name) {
  const GumboAttribute* a =
      gumbo_get_attribute(&node->v.element.attributes, name);
  return a ? a->value : nullptr;
}

void TextOf(const GumboNode* node, std::string& out, int depth = 0) {
  if (depth > 200) return;
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE) {
    out += node->v.text.text;
    return;
  }
  if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_DOCUMENT) {
    return;
  }
  if (node->type == GUMBO_NODE_ELEMENT) {
    const GumboTag tag = node->v.element.tag;
    if (tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE) return;
  }
  const GumboVector& children = node->type == GUMBO_NODE_DOCUMENT
                                    ? node->v.document.children
                                    : node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    TextOf(static_cast<const GumboNode*>(children.data[i]), out, depth + 1);
  }
}

void ForEachElement(const GumboNode* node,
                    const std::function<void(const GumboNode*)>& f,
                    int depth = 0) {
  if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_DOCUMENT)
    return;
  if (depth > 400) return;
  if (node->type == GUMBO_NODE_ELEMENT) f(node);
  const GumboVector& children = node->type == GUMBO_NODE_DOCUMENT
                                    ? node->v.document.children
                                    : node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    ForEachElement(static_cast<const GumboNode*>(children.data[i]), f,
                   depth + 1);
  }
}

// The link target of an element: href, or window.open("…") in onclick.
std::string LinkTarget(const GumboNode* node) {
  if (const char* href = Attr(node, "href")) {
    std::string h = href;
    if (!h.empty() && !LowerAscii(h).starts_with("javascript:") && h != "#")
      return h;
  }
  static const RE2 kOpen(R"(window\.open\(\s*['"]([^'"]+)['"])");
  std::string target;
  if (const char* onclick = Attr(node, "onclick")) {
    RE2::PartialMatch(onclick, kOpen, &target);
  }
  if (target.empty()) {
    if (const char* href = Attr(node, "href"))
      RE2::PartialMatch(href, kOpen, &target);
  }
  return target;
}

// Pages may be GBK; gumbo wants UTF-8.
std::string Utf8Html(std::string_view html) {
  static const RE2 kCharset(R"((?i)charset\s*=\s*["']?([A-Za-z0-9_-]+))");
  std::string declared;
  RE2::PartialMatch(
      re2::StringPiece(html.data(), std::min<std::size_t>(html.size(), 4096)),
      kCharset, &declared);
  DecodedText decoded = DecodeToUtf8(html, declared);
  return decoded.error.empty() ? decoded.text : std::string();
}

// A page that HtmlTree refuses holds no entries and no links.
template <typename F>
void WithDocument(std::string_view html, F f) {
  const HtmlTree tree(Utf8Html(html));
  if (tree.root()) f(tree.root());
}

}  // namespace

std::vector<IndexEntry> ParseIndexPage(std::string_view html,
                                       const std::string& base_url) {
  std::vector<IndexEntry> entries;
  WithDocument(html, [&](const GumboNode* document) {
    ForEachElement(document, [&](const GumboNode* node) {
      const std::string target = LinkTarget(node);
      if (target.empty()) return;
      std::string text;
      TextOf(node, text);
      const std::string title = NormalizeText(text);
      if (title.find("周报") == std::string::npos) return;
      IndexEntry entry;
      entry.url = ResolveUrl(base_url, target);
      entry.title = title.substr(0, title.find('\n'));
      // The date stands next to the link, inside the same list item or row.
      for (const GumboNode* up = node->parent;
           up && up->type == GUMBO_NODE_ELEMENT; up = up->parent) {
        std::string around;
        TextOf(up, around);
        if (around.size() > 2000) break;
        if ((entry.date = FindDate(around))) break;
      }
      const bool seen =
          std::any_of(entries.begin(), entries.end(),
                      [&](const IndexEntry& e) { return e.url == entry.url; });
      if (!seen) entries.push_back(std::move(entry));
    });
  });
  return entries;
}

ReportPage ParseReportPage(std::string_view html, const std::string& base_url) {
  ReportPage page;
  WithDocument(html, [&](const GumboNode* document) {
    std::string all;
    TextOf(document, all);
    const std::string text = NormalizeText(all);
    static const RE2 kTime(
        R"((?:时间|发布时间|发布日期|日期):\s*(\d{4}-\d{1,2}-\d{1,2}))");
    std::string date;
    if (RE2::PartialMatch(text, kTime, &date)) page.published = FindDate(date);
    static const RE2 kTitle(
        R"((网络安全信息与动态周报-?(?:\d{4}年)?(?:第\d+期)?(?:\(\d[^)]{0,30}\))?))");
    RE2::PartialMatch(text, kTitle, &page.title);
    ForEachElement(document, [&](const GumboNode* node) {
      if (!page.pdf_url.empty()) return;
      const std::string target = LinkTarget(node);
      const std::string lower = LowerAscii(target.substr(0, target.find('?')));
      if (lower.ends_with(".pdf")) page.pdf_url = ResolveUrl(base_url, target);
    });
  });
  return page;
}

}  // namespace cncert
