// Bulletins as metric families: the newest bulletin's figures and identity,
// and cumulative counters of the flow figures over the archive. The same
// function serves live scrapes and the backfill, so that names, labels and
// values agree where scraping takes over from history.
#ifndef CNCERT_EXPORTER_METRICS_BULLETIN_METRICS_H_
#define CNCERT_EXPORTER_METRICS_BULLETIN_METRICS_H_

#include <vector>

#include "exporter/archive/archive.h"
#include "exporter/metrics/exposition.h"
#include "parsers/rules.h"

namespace cncert {

// Suffix of the cumulative counter of a flow figure: cncert_incidents_handled
// → cncert_incidents_handled_cumulative_total (never colliding with the gauge).
inline constexpr const char* kCumulativeSuffix = "_cumulative";

struct HistoryOptions {
  TimestampSource timestamp = TimestampSource::kPeriodEnd;
  Labels extra_labels;  // e.g. job and instance of the scrape it continues
};

// The newest bulletin of `bulletins` (its last element) and the counters over
// all of them, without timestamps.
std::vector<MetricFamily> LiveBulletinFamilies(
    const std::vector<const ArchiveFile*>& bulletins, const RuleSet& rules);

// Every bulletin at its timestamp: each series sorted by time.
std::vector<MetricFamily> HistoryBulletinFamilies(
    const std::vector<const ArchiveFile*>& bulletins, const RuleSet& rules,
    const HistoryOptions& options);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_METRICS_BULLETIN_METRICS_H_
