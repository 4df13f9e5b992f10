// The running exporter's state: rules, archive, the current snapshot and the
// self-metrics. Reloads are serialised; readers take the snapshot lock-free.
#ifndef CNCERT_EXPORTER_EXPORTER_H_
#define CNCERT_EXPORTER_EXPORTER_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "exporter/archive.h"
#include "exporter/self_metrics.h"
#include "exporter/snapshot.h"

namespace cncert {

struct ExporterOptions {
  std::string archive_dir;
  std::string rules_file;  // empty: embedded defaults
  // Files that fail and changed less than this ago are retried, not reported.
  std::chrono::milliseconds settle{2000};
};

class Exporter {
 public:
  explicit Exporter(ExporterOptions options);

  // Rereads the archive (and the rules file when `rules` is true). On failure
  // the previous snapshot stays, the reason is logged and counted, and false
  // is returned. Returns whether pending files want another look soon.
  bool Reload(bool rules, bool* retry_soon = nullptr);

  std::shared_ptr<const Snapshot> snapshot() const { return snapshot_.load(); }
  bool ready() const { return snapshot_.load() != nullptr; }
  SelfMetrics& self_metrics() { return self_metrics_; }
  const ExporterOptions& options() const { return options_; }

 private:
  ExporterOptions options_;
  std::mutex reload_mutex_;
  Archive archive_;
  std::shared_ptr<const RuleSet> rules_;
  std::atomic<std::shared_ptr<const Snapshot>> snapshot_;
  SelfMetrics self_metrics_;
  std::set<std::pair<std::string, long long>> counted_failures_;  // name, mtime
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_EXPORTER_H_
