// The archive's state as metrics: files by state, the files that failed and
// why, and how many distinct bulletins it holds.
#ifndef CNCERT_EXPORTER_METRICS_ARCHIVE_METRICS_H_
#define CNCERT_EXPORTER_METRICS_ARCHIVE_METRICS_H_

#include <vector>

#include "exporter/archive/archive.h"
#include "exporter/metrics/exposition.h"

namespace cncert {

std::vector<MetricFamily> ArchiveFamilies(const ArchiveView& view);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_METRICS_ARCHIVE_METRICS_H_
