#include "exporter/fetch/cncert_pages.h"

#include <gumbo.h>
#include <re2/re2.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <utility>
#include <vector>

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

// A link whose text names the weekly report: its absolute URL and the
// first line of its text.
std::optional<std::pair<std::string, std::string>> WeeklyReportLink(
    const GumboNode* node, const std::string& base_url) {
  const std::string target = LinkTarget(node);
  if (target.empty()) return std::nullopt;
  std::string text;
  TextOf(node, text);
  const std::string title = NormalizeText(text);
  if (title.find("周报") == std::string::npos) return std::nullopt;
  return std::pair{ResolveUrl(base_url, target),
                   title.substr(0, title.find('\n'))};
}

// Every node in document order, text included.
void ForEachNode(const GumboNode* root,
                 const std::function<void(const GumboNode*)>& f) {
  std::vector<const GumboNode*> stack{root};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    f(node);
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_DOCUMENT)
      continue;
    const GumboVector& children = node->type == GUMBO_NODE_DOCUMENT
                                      ? node->v.document.children
                                      : node->v.element.children;
    for (unsigned i = children.length; i-- > 0;) {
      stack.push_back(static_cast<const GumboNode*>(children.data[i]));
    }
  }
}

std::string WithoutFragment(const std::string& url) {
  return url.substr(0, url.find('#'));
}

// "index", "2", "html" of ".../index_2.html"; page 0 for ".../index.html".
struct PageName {
  std::string dir;
  std::string stem;
  int number = 0;
  std::string ext;
};
std::optional<PageName> SplitPageName(const std::string& url) {
  static const RE2 kName(R"((.*/)([A-Za-z]+)(?:_(\d{1,5}))?\.([A-Za-z]{3,5}))");
  PageName p;
  std::string number;
  if (!RE2::FullMatch(url.substr(0, url.find_first_of("?#")), kName, &p.dir,
                      &p.stem, &number, &p.ext)) {
    return std::nullopt;
  }
  p.number = number.empty() ? 0 : std::stoi(number);
  return p;
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
      const auto link = WeeklyReportLink(node, base_url);
      if (!link) return;
      IndexEntry entry;
      entry.url = link->first;
      entry.title = link->second;
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

namespace cncert {

IndexPager ParseIndexPager(std::string_view html, const std::string& page_url) {
  IndexPager pager;
  // Links resolve to URLs with explicit ports: compare like with like.
  auto canonical = [](const std::string& url) {
    const auto parts = SplitUrl(url);
    return parts ? Origin(*parts) + parts->path : url;
  };
  const auto here = SplitPageName(canonical(page_url));
  std::optional<std::string> by_text;
  std::optional<int> lowest_above;
  std::string scripts;
  WithDocument(html, [&](const GumboNode* document) {
    ForEachElement(document, [&](const GumboNode* node) {
      if (node->v.element.tag == GUMBO_TAG_SCRIPT) {
        TextOf(node->v.element.children.length
                   ? static_cast<const GumboNode*>(
                         node->v.element.children.data[0])
                   : node,
               scripts);
        return;
      }
      const std::string target = LinkTarget(node);
      if (target.empty()) return;
      const std::string url = ResolveUrl(page_url, target);
      std::string text;
      TextOf(node, text);
      std::string label = LowerAscii(NormalizeText(text));
      while (!label.empty() && (label.back() == '\n' || label.back() == ' '))
        label.pop_back();
      if (!by_text &&
          (label == "下一页" || label == "下页" || label == "›" ||
           label == "»" || label == "next" || label == "next page" ||
           label == ">" || label == "下一页>" || label == "下一页>>")) {
        by_text = url;
      }
      const auto there = SplitPageName(canonical(url));
      if (here && there && there->dir == here->dir &&
          there->stem == here->stem && there->ext == here->ext &&
          there->number > here->number &&
          (!lowest_above || there->number < *lowest_above)) {
        lowest_above = there->number;
      }
    });
  });
  // TRS: createPageHTML(pages, current, "index", "html"), pages counted
  // from 0 = index.html, n = index_n.html.
  static const RE2 kTrs(
      R"re(createPageHTML\(\s*(\d{1,5})\s*,\s*(\d{1,5})\s*,\s*["']([A-Za-z]+)["']\s*,\s*["']([A-Za-z]{3,5})["'])re");
  int pages = 0;
  int current = 0;
  std::string stem;
  std::string ext;
  if (RE2::PartialMatch(scripts, kTrs, &pages, &current, &stem, &ext)) {
    pager.pages = pages;
    if (!by_text && current + 1 < pages) {
      by_text = ResolveUrl(
          page_url, stem + "_" + std::to_string(current + 1) + "." + ext);
    }
    if (current + 1 >= pages) return pager;  // the last page
  }
  if (by_text) {
    pager.next = by_text;
  } else if (lowest_above) {
    pager.next = here->dir + here->stem + "_" + std::to_string(*lowest_above) +
                 "." + here->ext;
  }
  return pager;
}

std::vector<ReviewLink> ParseReviewLinks(std::string_view html,
                                         const std::string& base_url) {
  std::vector<ReviewLink> links;
  WithDocument(html, [&](const GumboNode* document) {
    bool in_review = false;
    ForEachNode(document, [&](const GumboNode* node) {
      if (node->type == GUMBO_NODE_TEXT) {
        const std::string_view text = node->v.text.text;
        if (text.find("近期回顾") != std::string_view::npos ||
            text.find("往期回顾") != std::string_view::npos) {
          in_review = true;
        }
        return;
      }
      if (!in_review || node->type != GUMBO_NODE_ELEMENT) return;
      const auto found = WeeklyReportLink(node, base_url);
      if (!found) return;
      ReviewLink link{WithoutFragment(found->first), found->second};
      const bool seen =
          std::any_of(links.begin(), links.end(),
                      [&](const ReviewLink& l) { return l.url == link.url; });
      if (!seen) links.push_back(std::move(link));
    });
  });
  return links;
}

std::string IssueInTitle(std::string_view title) {
  static const RE2 kIssue(R"((\d{4})\s*年\s*第\s*(\d{1,3})\s*期)");
  int year = 0;
  int issue = 0;
  if (!RE2::PartialMatch(re2::StringPiece(title.data(), title.size()), kIssue,
                         &year, &issue) ||
      issue == 0) {
    return "";
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year, issue);
  return buf;
}

}  // namespace cncert
