// The whole published series, one command away: walks every page of a
// cert.org.cn index (or back to a date), and the chain of 近期回顾 links
// from a WeChat bulletin backwards, fetching what the archive lacks with
// the poller's engine (Fetcher). Skips what the archive holds — by URL and
// by issue, whatever channel its copy came from — and keeps its progress
// in the fetch state after every page, so that an interrupted walk resumes
// where it stopped and nothing is fetched twice.
#ifndef CNCERT_EXPORTER_FETCH_HISTORY_WALK_H_
#define CNCERT_EXPORTER_FETCH_HISTORY_WALK_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "exporter/fetch/fetcher.h"

namespace cncert {

struct WalkOptions {
  std::optional<Date> since;  // entries published (or weeks ending) before
                              // this are left alone
  int max_new = -1;           // stop after storing this many (-1: no limit)
  bool dry_run = false;       // list what would be fetched; store nothing
  bool retry_gone = false;    // ask again for what answered 4xx before
};

struct WalkFailure {
  std::string url;
  std::string reason;  // FetchFailureName
  std::string message;
};

struct WalkReport {
  int pages = 0;    // index pages or articles read
  int stored = 0;   // new bulletins
  int skipped = 0;  // held already (by URL or issue), or older than since
  int failed = 0;
  std::optional<int> pages_total;  // when a pager tells
  int pending = 0;                 // entries seen and not yet handled
  bool resumed = false;
  bool complete = false;           // reached the end (or since) of the series
  std::vector<std::string> files;  // stored
  std::vector<std::string> would_fetch;  // dry run
  std::vector<WalkFailure> failures;
};

class HistoryWalk {
 public:
  using Progress = std::function<void(const WalkReport&)>;

  HistoryWalk(Fetcher& fetcher, const RuleSet& rules, WalkOptions options);

  // cert.org.cn: every index page from `index_url` on.
  void WalkIndex(const std::string& index_url, WalkReport* report);
  // WeChat: the article, then the earlier issues its 近期回顾 list links,
  // newest first, until an issue the archive held before the walk (or,
  // with `since`, until the weeks before it).
  void WalkChain(const std::string& article_url, WalkReport* report);

  void set_progress(Progress p) { progress_ = std::move(p); }
  // From a signal handler's thread: stop after the request under way.
  void Stop();

  // The issues that the archive's files hold (IssueLabel), parsing only
  // files that changed since the state last saw them.
  static std::set<std::string> HeldIssues(FetchState& state,
                                          const RuleSet& rules);

 private:
  bool stopping() const { return stop_.load() || fetcher_.stopping(); }
  bool Full(const WalkReport& r) const {
    return options_.max_new >= 0 && r.stored >= options_.max_new;
  }
  void Fail(const FetchOutcome& o, WalkReport* report);
  void Tell(const WalkReport& report) const {
    if (progress_) progress_(report);
  }

  Fetcher& fetcher_;
  const RuleSet& rules_;
  WalkOptions options_;
  std::set<std::string> held_;         // now, updated as files are stored
  std::set<std::string> held_before_;  // when the walk began
  Progress progress_;
  std::atomic<bool> stop_{false};
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_FETCH_HISTORY_WALK_H_
