// libFuzzer target for HTML as the exporter meets it: a bulletin page
// (decoded with gumbo under HtmlTree's bounds) and the fetcher's pages
// (index entries, pager, report page, 近期回顾 links).
#include <cstddef>
#include <cstdint>
#include <string>

#include "exporter/fetch/cncert_pages.h"
#include "parsers/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  static const auto rules = cncert::DefaultRules();
  // Always HTML: the format is told by content, so say it first.
  const std::string html =
      "<html><head><meta charset=\"utf-8\"></head><body>" +
      std::string(reinterpret_cast<const char*>(data), size);
  const cncert::Bulletin bulletin = cncert::ParseBulletin(html, *rules);
  if (bulletin.ok() && bulletin.format != "html") __builtin_trap();
  const std::string base = "https://www.cert.org.cn/publish/main/44/index.html";
  for (const auto& e : cncert::ParseIndexPage(html, base)) {
    if (e.url.empty()) __builtin_trap();
  }
  (void)cncert::ParseIndexPager(html, base);
  (void)cncert::ParseReportPage(html, base);
  for (const auto& l : cncert::ParseReviewLinks(html, base)) {
    (void)cncert::IssueInTitle(l.title);
  }
  return 0;
}
