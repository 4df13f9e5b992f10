// Fetches bulletins into the archive: cert.org.cn's index → report pages →
// PDFs, and single article URLs. What it fetches goes into the archive
// directory with a source record, where the exporter picks it up like any
// other file. In `serve` it polls its sources on a schedule in a thread of
// its own; the `fetch` command's HistoryWalk drives the same entry points
// over whole series. Requests go through a PoliteClient; what was fetched
// is remembered in FetchState.
#ifndef CNCERT_EXPORTER_FETCH_FETCHER_H_
#define CNCERT_EXPORTER_FETCH_FETCHER_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "exporter/fetch/cncert_pages.h"
#include "exporter/fetch/fetch_config.h"
#include "exporter/fetch/fetch_state.h"
#include "exporter/fetch/polite_client.h"
#include "exporter/metrics/self_metrics.h"
#include "parsers/rules.h"

namespace cncert {

// What became of one entry or article.
struct FetchOutcome {
  enum class Kind { kStored, kHeld, kFailed };
  Kind kind = Kind::kFailed;
  std::string file;              // kStored: the new file; kHeld: the issue held
  std::string issue;             // the bulletin's IssueLabel, when it was read
  std::optional<Date> week_end;  // the end of its period, when it states it
  std::string url;               // kFailed: the URL that failed
  FetchFailure reason = FetchFailure::kNone;
  std::string message;
  int status = 0;    // kFailed: the HTTP status, if any
  std::string body;  // the fetched document (articles: to follow links)
};

class Fetcher {
 public:
  Fetcher(FetchConfig config, std::string archive_dir,
          std::shared_ptr<const RuleSet> rules, SelfMetrics& metrics);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  // Polls every source now, then on its interval, in a thread of its own.
  void Start();
  // Interrupts a poll (and a wait between requests) and joins the thread.
  void Stop();

  // One poll of one source: the newest max_entries of an index page, or one
  // article. Returns true on success.
  bool PollIndex(const std::string& index_url);
  bool PollUrl(const std::string& url);

  // Report page → PDF (or the page itself when it carries the text).
  // `source` names the index in logs and metrics.
  FetchOutcome FetchEntry(const std::string& source, const IndexEntry& entry);
  // One article (a WeChat page); stored unless `store` is false.
  FetchOutcome FetchArticle(const std::string& source, const std::string& url,
                            bool store = true);

  // With a set of held issues, a bulletin whose issue is in it is not
  // stored again (kHeld), and each one stored is added.
  void set_held_issues(std::set<std::string>* held) { held_ = held; }
  // Called with each file stored (e.g. to bring its images along).
  void set_on_stored(
      std::function<void(const std::string& file, const std::string& url)> f) {
    on_stored_ = std::move(f);
  }

  // One polite GET, counted for `source`.
  FetchResult Get(const std::string& url, const std::string& source,
                  const Conditional& conditional = {});

  FetchState& state() { return state_; }
  PoliteClient& client() { return client_; }
  const FetchConfig& config() const { return config_; }
  bool stopping() const { return stopping_.load(); }
  // Requests sent so far (redirects and retries count).
  long requests() const { return requests_.load(); }

 private:
  void Loop();
  FetchOutcome Failed(const std::string& source, FetchFailure reason,
                      const std::string& url, const std::string& message,
                      int status = 0);
  // Remembers `url` as gone when `r` says it is not there (HTTP 4xx).
  FetchOutcome Gone(const std::string& url, FetchOutcome o,
                    const FetchResult& r);
  // Checks, names and writes one fetched document.
  FetchOutcome Store(const std::string& source, const std::string& url,
                     std::string bytes, const std::string& page_url,
                     std::optional<Date> published);

  FetchConfig config_;
  std::string archive_dir_;
  std::shared_ptr<const RuleSet> rules_;
  SelfMetrics& metrics_;
  PoliteClient client_;
  FetchState state_;
  std::string source_;  // of the request under way, for the metrics
  std::set<std::string>* held_ = nullptr;
  std::function<void(const std::string&, const std::string&)> on_stored_;
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  std::atomic<bool> stopping_{false};
  std::atomic<long> requests_{0};
  std::thread thread_;
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_FETCH_FETCHER_H_
