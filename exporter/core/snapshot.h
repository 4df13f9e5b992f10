// One immutable state of the exporter: the archive as last read and all that
// is served from it, rendered once. Scrapes read a snapshot; reloads build a
// new one and swap it in atomically.
#ifndef CNCERT_EXPORTER_CORE_SNAPSHOT_H_
#define CNCERT_EXPORTER_CORE_SNAPSHOT_H_

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "exporter/archive/archive.h"
#include "exporter/core/counter_floor.h"
#include "parsers/rules.h"

namespace cncert {

struct Snapshot {
  std::shared_ptr<const RuleSet> rules;
  ArchiveView view;

  // Rendered once per snapshot.
  std::string exposition;   // bulletin families + archive state, text 0.0.4
  std::string latest_json;  // /api/v1/bulletins/latest ("null" when none)
  // Checks across bulletins: a stated week-over-week change against the
  // figures of the previous week's bulletin.
  std::vector<std::string> archive_warnings;

 private:
  // Per kind (plain, provenance): each bulletin's object, newest first, and
  // the archive's other lists, rendered once.
  struct JsonParts {
    std::vector<std::string> bulletins;
    std::string rest;  // "failed":…,"held_back":…,… without braces
    std::string whole;
  };
  const JsonParts& Parts(bool provenance) const;
  mutable std::once_flag json_once_[2];
  mutable JsonParts json_[2];

 public:
  // /api/v1/bulletins, rendered at most once per snapshot and kind (1,000
  // bulletins with provenance are megabytes).
  const std::string& BulletinsJsonOnce(bool provenance) const;
  // One page of it: `limit` bulletins from `offset` (newest first), with
  // "total", "offset" and "limit"; the other lists whole.
  std::string BulletinsJsonPage(bool provenance, std::size_t offset,
                                std::size_t limit) const;

  const ArchiveFile* Newest() const {
    return view.bulletins.empty() ? nullptr : view.bulletins.back();
  }
};

// /api/v1/bulletins: every bulletin (newest first), failed files, duplicates
// and pending files; with `provenance`, each value's rule and sentence too.
// Rendered on request: it is not on the scrape path.
std::string BulletinsJson(const Snapshot& snapshot, bool provenance);

// "this week's stated change ≈ this week / last week − 1" for consecutive
// weekly bulletins; a failed check is a warning, never a reason to drop data.
std::vector<std::string> CheckWeekOverWeek(
    const std::vector<const ArchiveFile*>& bulletins);

// `counters`: keeps the cumulative counters from falling (null: plain sums).
std::shared_ptr<const Snapshot> BuildSnapshot(
    std::shared_ptr<const RuleSet> rules, ArchiveView view,
    CounterFloor* counters = nullptr);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_CORE_SNAPSHOT_H_
