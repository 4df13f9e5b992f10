// cert.org.cn's pages, read for their links: the weekly-report index
// (/publish/main/44/index.html) and a report page that links the PDF.
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

}  // namespace cncert

#endif  // CNCERT_EXPORTER_FETCH_CNCERT_PAGES_H_
