// The running exporter's state: rules, archive, the current snapshot and the
// self-metrics. Reloads are serialised; readers take the snapshot lock-free.
#ifndef CNCERT_EXPORTER_CORE_EXPORTER_H_
#define CNCERT_EXPORTER_CORE_EXPORTER_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "exporter/archive/archive.h"
#include "exporter/core/snapshot.h"
#include "exporter/metrics/self_metrics.h"

namespace cncert {

struct ExporterOptions {
  std::string archive_dir;
  std::string rules_file;  // empty: embedded defaults
  // Reads the bulletins' images (OCR); null: images are not read.
  std::shared_ptr<ImageReaders> images;
  // Files that fail and changed less than this ago are retried, not reported.
  std::chrono::milliseconds settle{2000};
};

// What a reload rereads: the archive (a file changed), or the rules file too
// (SIGHUP, /-/reload, start-up).
enum class ReloadScope { kArchive, kRulesAndArchive };

struct ReloadOutcome {
  bool ok = false;          // false: the previous snapshot stays
  bool retry_soon = false;  // files still being written want another look
};

class Exporter {
 public:
  explicit Exporter(ExporterOptions options);

  // On failure the previous snapshot stays and the reason is logged and
  // counted.
  ReloadOutcome Reload(ReloadScope scope);

  std::shared_ptr<const Snapshot> snapshot() const { return snapshot_.load(); }
  bool ready() const { return snapshot_.load() != nullptr; }
  SelfMetrics& self_metrics() { return self_metrics_; }

 private:
  ExporterOptions options_;
  std::mutex reload_mutex_;
  Archive archive_;
  std::shared_ptr<const RuleSet> rules_;
  CounterFloor counters_;  // under reload_mutex_
  std::atomic<std::shared_ptr<const Snapshot>> snapshot_;
  SelfMetrics self_metrics_;
  std::set<std::pair<std::string, long long>> counted_failures_;  // name, mtime
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_CORE_EXPORTER_H_
