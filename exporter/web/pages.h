// The pages people read in a browser, made from one snapshot:
//   /                      the newest figures by section, each with its
//                          change from last week and its history as a chart;
//                          the posture and threat ratings as colour strips;
//                          the archive's state
//   /bulletins             every bulletin, newest first
//   /bulletins/<issue>     one bulletin: each value with its rule and the
//                          sentence (or image line) it came from, highlighted
//   /figures/<figure>      one figure's whole history, as a chart and a table
// and their JSON under /api/v1/. Server-rendered HTML with inline SVG: no
// script, nothing fetched from elsewhere, one stylesheet of our own. "/" is
// rendered with the snapshot; the other pages when first asked for.
#ifndef CNCERT_EXPORTER_WEB_PAGES_H_
#define CNCERT_EXPORTER_WEB_PAGES_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/core/snapshot.h"
#include "exporter/metrics/self_metrics.h"

namespace cncert {

std::string HtmlEscape(std::string_view text);

class Pages {
 public:
  Pages(std::shared_ptr<const Snapshot> snapshot, std::string telemetry_path);

  const Snapshot* snapshot() const { return snapshot_.get(); }

  // "/" with the exporter's live state (reload, fetch, OCR) filled in.
  std::string Home(const SelfMetrics::Status& status) const;
  const std::string& BulletinList();
  // nullopt: no such page.
  std::optional<std::string> BulletinPage(std::string_view issue);
  std::optional<std::string> FigurePage(std::string_view figure);
  const std::string& HistoryJson() const { return history_json_; }
  std::optional<std::string> BulletinJson(std::string_view issue) const;

  static const std::string& Css();
  static const std::string& Icon();  // /favicon.svg
  // Sent with every page: nothing but our own stylesheet may load.
  static constexpr const char* kContentSecurityPolicy =
      "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
      "form-action 'none'; frame-ancestors 'none'";

  // A figure's name in URLs: the metric, and its label's value after ':'.
  static std::string FigureSlug(const std::string& metric,
                                const Labels& labels);

 private:
  struct Series {
    std::string key;   // SeriesKey
    std::string slug;  // FigureSlug
    std::string metric;
    std::string section;
    std::vector<std::optional<double>> values;  // one per bulletin
  };

  std::string RenderHome() const;
  std::string RenderHistoryJson() const;
  std::string Head(const std::string& title) const;
  std::string Sparkline(const Series& s, int width, int height,
                        bool axes) const;
  std::string RatingStrip(const Series& s) const;
  std::string BulletinLink(std::size_t i) const;
  const Series* FindSeries(std::string_view slug) const;

  std::shared_ptr<const Snapshot> snapshot_;
  std::string telemetry_path_;
  std::vector<const ArchiveFile*> bulletins_;  // oldest first
  std::vector<long long> times_;               // end of each one's week
  std::vector<std::string> issues_;            // each one's IssueLabel
  std::map<std::string, std::size_t, std::less<>> by_issue_;
  std::vector<Series> series_;
  std::string made_at_;
  std::string home_;  // with kLiveState where the live state goes
  std::string history_json_;

  std::mutex mutex_;  // the pages rendered when first asked for
  std::string list_;
  std::map<std::string, std::string, std::less<>> bulletin_pages_;
  std::map<std::string, std::string, std::less<>> figure_pages_;
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_WEB_PAGES_H_
