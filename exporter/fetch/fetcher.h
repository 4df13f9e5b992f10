// Fetches new bulletins by itself: cert.org.cn's index → report pages → PDFs,
// and single article URLs, on a schedule in a thread of its own. What it
// fetches goes into the archive directory with a source record, where the
// exporter picks it up like any other file. It keeps only crawling and the
// state of what it fetched (.cncert-fetch-state.json); requests and their
// limits are HttpGet's.
#ifndef CNCERT_EXPORTER_FETCH_FETCHER_H_
#define CNCERT_EXPORTER_FETCH_FETCHER_H_

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "exporter/fetch/cncert_pages.h"
#include "exporter/fetch/fetch_config.h"
#include "exporter/fetch/http_get.h"
#include "exporter/metrics/self_metrics.h"
#include "parsers/rules.h"

namespace cncert {

class Fetcher {
 public:
  Fetcher(FetchConfig config, std::string archive_dir,
          std::shared_ptr<const RuleSet> rules, SelfMetrics& metrics);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  // Polls every source now, then on its interval, in a thread of its own.
  void Start();
  // Interrupts a poll between two requests and joins the thread.
  void Stop();

  // One poll of one source. Returns true on success.
  bool PollIndex(const std::string& index_url);
  bool PollUrl(const std::string& url);

 private:
  struct Remembered {
    std::string etag;
    std::string last_modified;
    std::string file;
  };
  void Loop();
  bool stopping() const { return stopping_.load(); }
  FetchResult Get(const std::string& url, const std::string& source,
                  const Conditional& conditional = {});
  // Report page → PDF (or the page itself when it carries the text).
  bool FetchEntry(const std::string& index_url, const IndexEntry& entry);
  bool Fetched(const std::string& url);
  void Remember(const std::string& url, Remembered r);
  Remembered Recall(const std::string& url);
  void LoadState();
  void SaveState();
  void Fail(const std::string& source, FetchFailure reason,
            const std::string& url, const std::string& message);
  // Checks, names and writes one fetched document; returns the file name.
  std::optional<std::string> Store(const std::string& source,
                                   const std::string& url,
                                   const std::string& bytes,
                                   const std::string& page_url,
                                   std::optional<Date> published);

  FetchConfig config_;
  std::string archive_dir_;
  std::shared_ptr<const RuleSet> rules_;
  SelfMetrics& metrics_;
  std::mutex state_mutex_;
  std::map<std::string, Remembered> state_;  // by URL (pages, PDFs, articles)
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_FETCH_FETCHER_H_
