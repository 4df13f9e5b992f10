// Metric families independent of the wire format, and their renderings as the
// Prometheus text format 0.0.4 (live /metrics) and OpenMetrics 1.0 (backfill).
#ifndef CNCERT_EXPORTER_METRICS_EXPOSITION_H_
#define CNCERT_EXPORTER_METRICS_EXPOSITION_H_

#include <optional>
#include <string>
#include <vector>

#include "parsers/bulletin.h"

namespace cncert {

enum class MetricType { kGauge, kCounter, kInfo };

struct Sample {
  Labels labels;
  double value = 0;
  std::optional<long long> timestamp_seconds;
};

struct MetricFamily {
  // Without "_total" for counters, without "_info" for info metrics: the
  // OpenMetrics family name.
  std::string name;
  std::string help;
  MetricType type = MetricType::kGauge;
  std::string unit;  // "seconds", "ratio" where the name ends with it
  std::vector<Sample> samples;

  // Name of the samples: name + "_total" for counters, + "_info" for info.
  std::string SampleName() const;
};

// "177", "0.016", "1.5e+20", "NaN": the shortest text that reads back exactly.
std::string FormatSampleValue(double value);

// Text format 0.0.4; timestamps, if any, in milliseconds.
std::string RenderText(const std::vector<MetricFamily>& families);

// OpenMetrics 1.0 with "# EOF"; timestamps in seconds. Each family's samples
// must already be grouped by series and sorted by time.
std::string RenderOpenMetrics(const std::vector<MetricFamily>& families,
                              bool eof = true);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_METRICS_EXPOSITION_H_
