// The exporter's own metrics: build info, reloads, parse failures, scrape
// rejections and the process_* metrics, through prometheus-cpp.
#ifndef CNCERT_EXPORTER_METRICS_SELF_METRICS_H_
#define CNCERT_EXPORTER_METRICS_SELF_METRICS_H_

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "parsers/failure.h"

namespace cncert {

// process_cpu_seconds_total, process_resident_memory_bytes, … read from /proc
// at collection time, as the Go client does.
class ProcessCollector : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

class SelfMetrics {
 public:
  SelfMetrics();

  void ReloadSucceeded(double duration_seconds);
  void ReloadFailed();
  void ParseFailure(Failure failure);
  void ScrapeRejected();
  // Fetching, by source (the configured index or article URL).
  void FetchAttempt(const std::string& source);
  void FetchFailure(const std::string& source, const std::string& reason);
  void FetchSucceeded(const std::string& source);
  void BulletinFetched(const std::string& source);
  // Images and OCR.
  void ImageSeen();
  void ImageRead(double seconds);
  void ImageFailed(std::string_view reason);
  void OcrCacheHit();
  void OcrBacklog(std::size_t n);

  // What the pages show of the exporter's own state (Unix seconds; 0:
  // never).
  struct Status {
    double last_reload = 0;
    double last_fetch = 0;
    std::size_t ocr_backlog = 0;
    std::size_t images_read = 0;
  };
  Status CurrentStatus() const;

  // Text format 0.0.4 of all of them. Rendered at most once a second (process
  // metrics read /proc); scrapes in between share the text.
  std::shared_ptr<const std::string> Render() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  ProcessCollector process_;
  prometheus::Family<prometheus::Counter>& parse_failures_;
  prometheus::Counter& reloads_;
  prometheus::Counter& reload_failures_;
  prometheus::Gauge& last_reload_successful_;
  prometheus::Gauge& last_reload_success_time_;
  prometheus::Gauge& last_reload_duration_;
  prometheus::Counter& scrapes_rejected_;
  prometheus::Family<prometheus::Counter>& fetch_attempts_;
  prometheus::Family<prometheus::Counter>& fetch_failures_;
  prometheus::Family<prometheus::Gauge>& fetch_last_success_;
  prometheus::Family<prometheus::Counter>& bulletins_fetched_;
  prometheus::Counter& images_seen_;
  prometheus::Counter& images_read_;
  prometheus::Family<prometheus::Counter>& image_failures_;
  prometheus::Counter& ocr_cache_hits_;
  prometheus::Gauge& ocr_backlog_;
  prometheus::Histogram& ocr_seconds_;

  std::atomic<double> last_reload_time_{0};
  std::atomic<double> last_fetch_time_{0};
  std::atomic<std::size_t> ocr_backlog_now_{0};
  std::atomic<std::size_t> images_read_now_{0};
  void Invalidate();  // a state change must show at the next scrape

  mutable std::mutex render_mutex_;
  mutable std::shared_ptr<const std::string> rendered_;
  mutable std::chrono::steady_clock::time_point rendered_at_;
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_METRICS_SELF_METRICS_H_
