// cncert_exporter fetch: the whole published series into the archive, once.
// Walks cert.org.cn's index pages and WeChat's 近期回顾 chain with the
// poller's engine, shows progress on a terminal, and ends with a summary
// (text or JSON) that lists every failure. Exit status: 0 when nothing
// failed, 1 when something did, 2 for bad flags or files, 130 when
// interrupted (run it again to resume).
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "exporter/base/files.h"
#include "exporter/base/log.h"
#include "exporter/cli/commands.h"
#include "exporter/cli/image_flags.h"
#include "exporter/fetch/fetcher.h"
#include "exporter/fetch/history_walk.h"
#include "exporter/fetch/image_fetch.h"
#include "exporter/fetch/image_store.h"
#include "exporter/metrics/self_metrics.h"
#include "parsers/parser.h"

namespace cncert {

namespace {

struct FetchOptions {
  std::string bulletins_dir = CNCERT_DEFAULT_BULLETINS_DIR;
  std::vector<std::string> indexes;
  std::vector<std::string> urls;
  std::string fetch_config;
  bool follow_previous = false;
  double rate = 0;  // 0: the config's (default 1)
  std::string since;
  int max = -1;
  bool dry_run = false;
  bool retry_failed = false;
  std::string output = "text";
  std::string progress = "auto";
  std::string rules;
  std::string log_level = "warn";
  std::string log_format = "logfmt";
  ImageFlags images;
};

std::string Duration(double seconds) {
  if (seconds < 0) return "?";
  const long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, s / 60 % 60);
  } else if (s >= 60) {
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lds", s);
  }
  return buf;
}

// One line, redrawn in place on a terminal.
class ProgressLine {
 public:
  explicit ProgressLine(bool on) : on_(on), start_(Clock::now()) {}

  void Show(const WalkReport& r, long requests) {
    if (!on_) return;
    const double elapsed = Seconds();
    std::string line = "pages " + std::to_string(r.pages);
    if (r.pages_total) line += "/" + std::to_string(*r.pages_total);
    line += " · new " + std::to_string(r.stored) + " · skipped " +
            std::to_string(r.skipped) + " · failed " + std::to_string(r.failed);
    if (r.pending > 0) line += " · queued " + std::to_string(r.pending);
    char rate[32];
    std::snprintf(rate, sizeof rate, " · %.2f req/s",
                  elapsed > 0 ? static_cast<double>(requests) / elapsed : 0.0);
    line += rate;
    if (r.pages_total && r.pages > 0 && *r.pages_total >= r.pages) {
      line +=
          " · ETA " + Duration(elapsed / r.pages * (*r.pages_total - r.pages));
    }
    std::cerr << "\r\033[K" << line << std::flush;
  }
  void Done() {
    if (on_) std::cerr << "\r\033[K" << std::flush;
  }
  double Seconds() const {
    return std::chrono::duration<double>(Clock::now() - start_).count();
  }

 private:
  using Clock = std::chrono::steady_clock;
  bool on_;
  Clock::time_point start_;
};

nlohmann::json ToJson(const WalkReport& r, double seconds, bool interrupted,
                      int images) {
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& f : r.failures) {
    failures.push_back(
        {{"url", f.url}, {"reason", f.reason}, {"message", f.message}});
  }
  return {{"pages", r.pages},
          {"new", r.stored},
          {"skipped", r.skipped},
          {"failed", r.failed},
          {"images", images},
          {"complete", r.complete},
          {"resumed", r.resumed},
          {"interrupted", interrupted},
          {"seconds", seconds},
          {"files", r.files},
          {"would_fetch", r.would_fetch},
          {"failures", failures}};
}

void Merge(const WalkReport& from, WalkReport* into) {
  into->pages += from.pages;
  into->stored += from.stored;
  into->skipped += from.skipped;
  into->failed += from.failed;
  into->resumed = into->resumed || from.resumed;
  into->complete = into->complete && from.complete;
  into->files.insert(into->files.end(), from.files.begin(), from.files.end());
  into->would_fetch.insert(into->would_fetch.end(), from.would_fetch.begin(),
                           from.would_fetch.end());
  into->failures.insert(into->failures.end(), from.failures.begin(),
                        from.failures.end());
}

// Ctrl-C (or SIGTERM) stops the walk after the request under way; a second
// one ends the process at once. The state is saved after every bulletin.
class Interrupts {
 public:
  explicit Interrupts(std::function<void()> stop) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    thread_ = std::thread([this, set, stop = std::move(stop)] {
      for (;;) {
        int sig = 0;
        if (sigwait(&set, &sig) != 0 || sig == SIGUSR1) return;
        if (interrupted_.exchange(true)) ::_exit(130);
        stop();
      }
    });
  }
  ~Interrupts() {
    pthread_kill(thread_.native_handle(), SIGUSR1);
    thread_.join();
  }
  bool interrupted() const { return interrupted_.load(); }

 private:
  std::atomic<bool> interrupted_{false};
  std::thread thread_;
};

int Fetch(const FetchOptions& o) {
  if (!log::Configure(o.log_level, o.log_format)) {
    std::cerr << "invalid --log.level or --log.format\n";
    return 2;
  }
  FetchConfig config;
  if (!o.fetch_config.empty()) {
    if (const Status s = LoadFetchConfig(o.fetch_config, &config); !s.ok()) {
      std::cerr << "invalid fetch config: " << s.message() << "\n";
      return 2;
    }
  }
  config.cncert_indexes.insert(config.cncert_indexes.end(), o.indexes.begin(),
                               o.indexes.end());
  config.urls.insert(config.urls.end(), o.urls.begin(), o.urls.end());
  if (o.rate > 0) config.politeness.rate = o.rate;
  if (config.cncert_indexes.empty() && config.urls.empty()) {
    std::cerr << "nothing to fetch: give --fetch.cncert-index or --fetch.url\n";
    return 2;
  }
  WalkOptions walk;
  walk.max_new = o.max;
  walk.dry_run = o.dry_run;
  walk.retry_gone = o.retry_failed;
  if (!o.since.empty()) {
    walk.since = FindDate(o.since);
    if (!walk.since || o.since.size() != 10) {
      std::cerr << "--since: '" << o.since << "' is not a date (YYYY-MM-DD)\n";
      return 2;
    }
  }
  if (::access(o.bulletins_dir.c_str(), W_OK | X_OK) != 0) {
    std::cerr << "cannot write to the archive directory " << o.bulletins_dir
              << "\n";
    return 2;
  }
  const auto rules = LoadRulesOrDefault(o.rules);
  if (!rules) return 2;

  SelfMetrics metrics;
  Fetcher fetcher(config, o.bulletins_dir, rules, metrics);
  HistoryWalk walker(fetcher, *rules, walk);
  std::unique_ptr<ImageFetch> images;
  WalkReport* current = nullptr;
  if (o.images.fetch && !o.dry_run) {
    images = std::make_unique<ImageFetch>(
        o.bulletins_dir, o.images.FetchLimits(fetcher.config().http.user_agent),
        fetcher.config().politeness, rules);
    fetcher.set_on_stored([&](const std::string& file, const std::string&) {
      if (!current) return;
      const std::size_t before = current->failures.size();
      images->Bring(file, &current->failures);
      current->failed += static_cast<int>(current->failures.size() - before);
    });
  }
  const bool tty = o.progress == "always" ||
                   (o.progress == "auto" && ::isatty(STDERR_FILENO) == 1);
  ProgressLine progress(tty);
  walker.set_progress(
      [&](const WalkReport& r) { progress.Show(r, fetcher.requests()); });

  WalkReport total;
  total.complete = true;
  bool interrupted = false;
  {
    // The images of a stored article are still brought along: a resumed
    // walk would not come back to them.
    Interrupts interrupts([&] { walker.Stop(); });
    auto run = [&](const std::string& url, bool index) {
      if (interrupts.interrupted()) return;
      WalkReport r;
      current = &r;
      if (index) {
        walker.WalkIndex(url, &r);
      } else if (o.follow_previous) {
        walker.WalkChain(url, &r);
      } else {
        const FetchOutcome out = fetcher.FetchArticle(url, url, !o.dry_run);
        if (out.kind == FetchOutcome::Kind::kFailed) {
          ++r.failed;
          r.failures.push_back({out.url,
                                std::string(FetchFailureName(out.reason)),
                                out.message});
        } else if (out.kind == FetchOutcome::Kind::kStored) {
          ++r.stored;
          r.files.push_back(out.file);
        } else if (o.dry_run) {
          r.would_fetch.push_back(url);
        } else {
          ++r.skipped;
        }
        ++r.pages;
        r.complete = true;
        fetcher.state().Save();
      }
      current = nullptr;
      Merge(r, &total);
    };
    for (const auto& url : config.cncert_indexes) run(url, true);
    for (const auto& url : config.urls) run(url, false);
    interrupted = interrupts.interrupted();
  }
  if (!o.dry_run) fetcher.state().Save();
  progress.Done();
  const double seconds = progress.Seconds();
  const int image_count = images ? images->images() : 0;
  if (o.output == "json") {
    std::cout << ToJson(total, seconds, interrupted, image_count).dump(2)
              << "\n";
  } else {
    for (const auto& url : total.would_fetch) std::cout << url << "\n";
    char line[256];
    std::snprintf(
        line, sizeof line,
        "fetch: %d pages, %d new, %d skipped, %d failed%s in %.1f s%s",
        total.pages, total.stored, total.skipped, total.failed,
        image_count ? (", " + std::to_string(image_count) + " images").c_str()
                    : "",
        seconds,
        interrupted      ? " (interrupted: run again to resume)"
        : o.dry_run      ? " (dry run: nothing stored)"
        : total.complete ? ""
                         : " (stopped before the end)");
    std::cout << line << "\n";
    for (const auto& f : total.failures) {
      std::cout << "failed: " << f.url << ": " << f.reason
                << (f.message.empty() ? "" : ": " + f.message) << "\n";
    }
  }
  if (interrupted) return 130;
  return total.failed > 0 ? 1 : 0;
}

}  // namespace

void AddFetchCommand(CLI::App& app, CommandRunner* run) {
  auto o = std::make_shared<FetchOptions>();
  auto* cmd = app.add_subcommand(
      "fetch",
      "Fetch the published series into the archive once: every page of a "
      "cert.org.cn index, or a WeChat bulletin's chain of earlier issues");
  cmd->add_option("--bulletins.dir", o->bulletins_dir,
                  "Archive directory to fetch into")
      ->capture_default_str();
  cmd->add_option("--fetch.cncert-index", o->indexes,
                  "Walk this cert.org.cn weekly-report index, every page "
                  "(repeatable); the official one is "
                  "https://www.cert.org.cn/publish/main/44/index.html");
  cmd->add_option("--fetch.url", o->urls,
                  "Fetch this article (e.g. a WeChat bulletin) (repeatable)");
  cmd->add_flag("--follow-previous", o->follow_previous,
                "From each --fetch.url, follow the 近期回顾 links back to "
                "an issue the archive holds (or to --since)");
  cmd->add_option("--fetch.config", o->fetch_config,
                  "YAML as for serve: timeout, max_bytes, max_redirects, "
                  "user_agent, allowed_hosts, rate, retries, …");
  cmd->add_option("--fetch.rate", o->rate,
                  "Requests per second, fractions allowed [default: 1]")
      ->check(CLI::Range(0.001, 1000.0));
  cmd->add_option("--since", o->since,
                  "Leave bulletins published before this date (YYYY-MM-DD)");
  cmd->add_option("--max", o->max, "Stop after storing this many bulletins")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--dry-run", o->dry_run,
                "List what would be fetched; store nothing");
  cmd->add_flag("--retry-failed", o->retry_failed,
                "Ask again for entries that answered 4xx in earlier runs");
  cmd->add_option("--output", o->output, "Summary: text or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--progress", o->progress,
                  "Progress line on stderr: auto (on a terminal), always, "
                  "never")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd->add_option("--rules", o->rules,
                  "Extraction rules file replacing the embedded defaults");
  cmd->add_option("--log.level", o->log_level, "debug, info, warn, error")
      ->capture_default_str()
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  cmd->add_option("--log.format", o->log_format, "logfmt or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"logfmt", "json"}));
  AddImageFetchFlags(cmd, &o->images);
  cmd->callback([run, o] { *run = [o] { return Fetch(*o); }; });
}

}  // namespace cncert
