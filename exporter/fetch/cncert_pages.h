// The pages that the fetcher reads for their links: cert.org.cn's
// weekly-report index (/publish/main/44/index.html) and its pager, a
// report page that links the PDF, and the 近期回顾 list that ends a WeChat
// bulletin.
#ifndef CNCERT_EXPORTER_FETCH_CNCERT_PAGES_H_
#define CNCERT_EXPORTER_FETCH_CNCERT_PAGES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/fetch/url.h"
#include "parsers/bulletin.h"

namespace cncert {

struct IndexEntry {
  std::string url;  // absolute
  std::string title;  // link text, e.g. 网络安全信息与动态周报-2026年第12期
  std::optional<Date> date;  // the [2026-04-03] shown next to it
};

// Entries of the weekly report, in page order. Links sit in href or in
// onclick='window.open("…")'; entries whose text is not the weekly report
// are left out.
std::vector<IndexEntry> ParseIndexPage(std::string_view html,
                                       const std::string& base_url);

struct ReportPage {
  std::string title;
  std::string pdf_url;            // absolute; empty when the page links no PDF
  std::optional<Date> published;  // 时间：2026-04-03
};

ReportPage ParseReportPage(std::string_view html, const std::string& base_url);

struct IndexPager {
  std::optional<std::string> next;  // absolute; none on the last page
  std::optional<int> pages;         // when the pager says how many
};

// Where the index goes on, in the forms sites use: a link whose text is
// 下一页 (or 下页, ›, », next); the TRS pager script
// createPageHTML(pages, current, "index", "html"); links to numbered
// siblings index_N.html, of which the next is the lowest N above this
// page's.
IndexPager ParseIndexPager(std::string_view html, const std::string& page_url);

struct ReviewLink {
  std::string url;  // absolute, without its #fragment
  std::string
      title;  // e.g. 网络安全信息与动态周报2024年第28期（7月8日-7月14日）
};

// The links to earlier issues listed after a 近期回顾 / 往期回顾 heading;
// none when the page has no such heading.
std::vector<ReviewLink> ParseReviewLinks(std::string_view html,
                                         const std::string& base_url);

// "2024-28" for a title that names its year and issue (…2024年第28期…),
// else "".
std::string IssueInTitle(std::string_view title);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_FETCH_CNCERT_PAGES_H_
