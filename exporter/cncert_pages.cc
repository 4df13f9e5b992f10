#include "exporter/cncert_pages.h"

#include <gumbo.h>
#include <re2/re2.h>

#include <algorithm>
#include <functional>

#include "parsers/encoding.h"
#include "parsers/normalize.h"

namespace cncert {

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return s;
}

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
    if (!h.empty() && !Lower(h).starts_with("javascript:") && h != "#")
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

std::optional<Date> FindDate(std::string_view text) {
  static const RE2 kDate(R"((\d{4})-(\d{1,2})-(\d{1,2}))");
  int y, m, d;
  if (!RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), kDate, &y,
                         &m, &d)) {
    return std::nullopt;
  }
  const Date date{std::chrono::year(y),
                  std::chrono::month(static_cast<unsigned>(m)),
                  std::chrono::day(static_cast<unsigned>(d))};
  return date.ok() ? std::optional<Date>(date) : std::nullopt;
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

template <typename F>
void WithDocument(std::string_view html, F f) {
  const std::string utf8 = Utf8Html(html);
  GumboOutput* output =
      gumbo_parse_with_options(&kGumboDefaultOptions, utf8.data(), utf8.size());
  f(output->document);
  gumbo_destroy_output(&kGumboDefaultOptions, output);
}

}  // namespace

std::optional<UrlParts> SplitUrl(const std::string& url) {
  static const RE2 kUrl(
      R"(([A-Za-z][A-Za-z0-9+.-]*)://(\[[^\]]+\]|[^/:?#]+)(?::(\d+))?([^#]*))");
  UrlParts parts;
  std::string port;
  if (!RE2::FullMatch(url.substr(0, url.find('#')), kUrl, &parts.scheme,
                      &parts.host, &port, &parts.path)) {
    return std::nullopt;
  }
  parts.scheme = Lower(parts.scheme);
  parts.host = Lower(parts.host);
  if (parts.host.size() > 2 && parts.host.front() == '[') {
    parts.host = parts.host.substr(1, parts.host.size() - 2);
  }
  if (port.size() > 5) return std::nullopt;
  parts.port =
      port.empty() ? (parts.scheme == "https" ? 443 : 80) : std::stoi(port);
  if (parts.port <= 0 || parts.port > 65535) return std::nullopt;
  if (parts.path.empty() || parts.path[0] != '/') parts.path = "/" + parts.path;
  return parts;
}

std::string ResolveUrl(const std::string& base, const std::string& reference) {
  static const RE2 kAbsolute(R"([A-Za-z][A-Za-z0-9+.-]*:.*)");
  std::string ref = reference;
  ref.erase(0, ref.find_first_not_of(" \t\r\n"));
  ref.erase(ref.find_last_not_of(" \t\r\n") + 1);
  if (RE2::FullMatch(ref, kAbsolute)) return ref;
  const auto parts = SplitUrl(base);
  if (!parts) return ref;
  const std::string origin =
      parts->scheme + "://" +
      (parts->host.find(':') != std::string::npos ? "[" + parts->host + "]"
                                                  : parts->host) +
      ":" + std::to_string(parts->port);
  if (ref.starts_with("//")) return parts->scheme + ":" + ref;
  std::string path;
  if (ref.starts_with("/")) {
    path = ref;
  } else {
    std::string dir = parts->path.substr(0, parts->path.find('?'));
    dir = dir.substr(0, dir.rfind('/') + 1);
    path = dir + ref;
  }
  // Remove dot segments.
  const std::string query =
      path.find('?') == std::string::npos ? "" : path.substr(path.find('?'));
  path = path.substr(0, path.find('?'));
  std::vector<std::string> segments;
  std::size_t pos = 1;
  while (pos <= path.size()) {
    std::size_t next = path.find('/', pos);
    if (next == std::string::npos) next = path.size();
    const std::string seg = path.substr(pos, next - pos);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (seg != ".") {
      segments.push_back(seg);
    }
    pos = next + 1;
  }
  std::string clean;
  for (const auto& s : segments) clean += "/" + s;
  if (clean.empty() || path.ends_with("/")) {
    if (!clean.ends_with("/")) clean += "/";
  }
  return origin + clean + query;
}

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
      const std::string lower = Lower(target.substr(0, target.find('?')));
      if (lower.ends_with(".pdf")) page.pdf_url = ResolveUrl(base_url, target);
    });
  });
  return page;
}

}  // namespace cncert
