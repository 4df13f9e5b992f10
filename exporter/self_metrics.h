// The exporter's own metrics: build info, reloads, parse failures, scrape
// rejections and the process_* metrics, through prometheus-cpp.
#ifndef CNCERT_EXPORTER_SELF_METRICS_H_
#define CNCERT_EXPORTER_SELF_METRICS_H_

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

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
  void ParseFailure(const std::string& reason);
  void ScrapeRejected();

  // Text format 0.0.4 of all of them.
  std::string Render() const;

  prometheus::Registry& registry() { return *registry_; }

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
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_SELF_METRICS_H_
