// Fetches new bulletins by itself: cert.org.cn's index → report pages → PDFs,
// and single article URLs. Everything fetched goes into the archive directory
// (temporary name, fsync, rename), where the exporter picks it up like any
// other file. Only configured hosts, only http and https.
#ifndef CNCERT_EXPORTER_FETCHER_H_
#define CNCERT_EXPORTER_FETCHER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "exporter/self_metrics.h"
#include "parsers/rules.h"

namespace cncert {

struct FetchConfig {
  std::vector<std::string> cncert_indexes;  // index pages to follow
  std::vector<std::string> urls;            // single articles
  std::chrono::seconds interval{6 * 3600};  // between polls of a source
  double jitter = 0.1;                      // ± this share of the interval
  std::chrono::seconds timeout{30};         // per request
  std::size_t max_bytes = 32u << 20;        // per response body
  int max_redirects = 5;
  int max_entries = 20;  // newest index entries looked at per poll
  std::string user_agent;
  std::set<std::string> allowed_hosts;   // empty: the hosts of the sources
  std::chrono::seconds backoff_min{60};  // first retry after a failed poll
};

// YAML: interval, jitter, timeout, max_bytes, max_redirects, max_entries,
// user_agent, allowed_hosts, backoff_min (durations as "6h", "30s", "500ms"),
// cncert_index and urls (lists, added to those of the flags).
bool LoadFetchConfig(const std::string& path, FetchConfig* config,
                     std::string* error);

// One GET with the configuration's limits. `reason` names a failure:
// http_4xx, http_5xx, timeout, connection, truncated, too_large,
// too_many_redirects, redirect_loop, host_not_allowed, scheme_not_allowed.
struct FetchResult {
  bool ok = false;
  bool not_modified = false;
  int status = 0;
  std::string body;
  std::string etag;
  std::string last_modified;
  std::string final_url;
  std::string reason;
  std::string message;
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
  void Stop();

  // One poll of one source (also used by the tests). Returns true on success.
  bool PollIndex(const std::string& index_url);
  bool PollUrl(const std::string& url);

  FetchResult Get(const std::string& url, const std::string& source,
                  const std::string& etag = "",
                  const std::string& last_modified = "");

 private:
  struct Remembered {
    std::string etag;
    std::string last_modified;
    std::string file;
  };
  void Loop();
  void LoadState();
  void SaveState();
  void Fail(const std::string& source, const std::string& reason,
            const std::string& url, const std::string& message);
  // Checks, names and writes one fetched document; returns the file name.
  std::optional<std::string> Archive(const std::string& source,
                                     const std::string& url,
                                     const std::string& bytes,
                                     const std::string& page_url,
                                     std::optional<std::string> published);

  FetchConfig config_;
  std::string archive_dir_;
  std::shared_ptr<const RuleSet> rules_;
  SelfMetrics& metrics_;
  std::mutex state_mutex_;
  std::map<std::string, Remembered> state_;  // by URL (pages, PDFs, articles)
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_FETCHER_H_
