// cncert_exporter serve: the Prometheus exporter.
#include <signal.h>
#include <unistd.h>

#include <iostream>

#include "exporter/archive/watcher.h"
#include "exporter/base/log.h"
#include "exporter/cli/commands.h"
#include "exporter/cli/image_flags.h"
#include "exporter/core/exporter.h"
#include "exporter/fetch/fetcher.h"
#include "exporter/fetch/image_fetch.h"
#include "exporter/fetch/url.h"
#include "exporter/version.h"
#include "exporter/web/http_server.h"

namespace cncert {

namespace {

struct ServeOptions {
  std::string bulletins_dir = CNCERT_DEFAULT_BULLETINS_DIR;
  std::vector<std::string> listen_addresses;
  std::string telemetry_path = "/metrics";
  std::string web_config_file;
  bool enable_lifecycle = false;
  int max_requests = 40;
  int max_connections_per_client = 4;
  int request_deadline_seconds = 10;
  std::string rules;
  std::string log_level = "info";
  std::string log_format = "logfmt";
  std::vector<std::string> fetch_indexes;
  std::vector<std::string> fetch_urls;
  std::string fetch_config;
  int debounce_ms = 500;
  int settle_ms = 2000;
  int rescan_seconds = 300;
  ImageFlags images;
};

// The web server's options from the flags; else the exit status, after
// logging why (2: a bad flag, 1: a bad file).
int MakeHttpOptions(const ServeOptions& o, HttpOptions* http) {
  http->listen_addresses = o.listen_addresses;
  if (http->listen_addresses.empty())
    http->listen_addresses.push_back(":10036");
  http->telemetry_path = o.telemetry_path;
  http->enable_lifecycle = o.enable_lifecycle;
  http->max_requests = o.max_requests;
  http->max_connections_per_client = o.max_connections_per_client;
  http->request_deadline = std::chrono::seconds(o.request_deadline_seconds);
  if (o.telemetry_path.empty() || o.telemetry_path[0] != '/' ||
      o.telemetry_path == "/") {
    log::Error(
        "invalid --web.telemetry-path: must start with '/' and not be '/'",
        {{"path", o.telemetry_path}});
    return 2;
  }
  if (!o.web_config_file.empty()) {
    std::string error;
    auto config = LoadWebConfig(o.web_config_file, &error);
    if (!config) {
      log::Error("invalid web config", {{"err", error}});
      return 1;
    }
    http->web_config = *config;
    http->web_config_file = o.web_config_file;
  }
  return 0;
}

// The fetcher's configuration: the file, then the flags' sources; else the
// exit status.
int MakeFetchConfig(const ServeOptions& o, FetchConfig* fetch) {
  if (!o.fetch_config.empty()) {
    if (const Status s = LoadFetchConfig(o.fetch_config, fetch); !s.ok()) {
      log::Error("invalid fetch config", {{"err", s.message()}});
      return 1;
    }
  }
  fetch->cncert_indexes.insert(fetch->cncert_indexes.end(),
                               o.fetch_indexes.begin(), o.fetch_indexes.end());
  fetch->urls.insert(fetch->urls.end(), o.fetch_urls.begin(),
                     o.fetch_urls.end());
  for (const auto* list : {&fetch->cncert_indexes, &fetch->urls}) {
    for (const auto& url : *list) {
      const auto parts = SplitUrl(url);
      if (!parts || (parts->scheme != "http" && parts->scheme != "https")) {
        log::Error("invalid fetch URL: only http and https", {{"url", url}});
        return 2;
      }
    }
  }
  return 0;
}

// SIGHUP, SIGTERM and SIGINT go to the waiting main thread only: blocked
// before any thread starts.
sigset_t BlockSignals() {
  // A client that goes away mid-response must not end the process.
  ::signal(SIGPIPE, SIG_IGN);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// Until SIGTERM or SIGINT; SIGHUP reloads.
void WaitForSignals(const sigset_t& signals, Exporter& exporter) {
  for (;;) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGHUP) {
      log::Info("SIGHUP: reloading rules and archive");
      (void)exporter.Reload(ReloadScope::kRulesAndArchive);
      continue;
    }
    log::Info("shutting down", {{"signal", strsignal(sig)}});
    return;
  }
}

// The OCR service for the archive's images, its results kept in the
// archive (.cncert-ocr/) where it is writable. Without Tesseract the
// exporter runs on, reading text only.
std::shared_ptr<OcrService> StartImageReading(const ServeOptions& o) {
  const std::string cache = o.bulletins_dir + "/.cncert-ocr";
  const bool writable = ::access(o.bulletins_dir.c_str(), W_OK) == 0;
  std::string error;
  std::shared_ptr<OcrService> ocr = OcrService::Create(
      o.bulletins_dir, writable ? cache : "", o.images.ToOptions(),
      OcrService::Mode::kBackground, nullptr, &error);
  if (!ocr) {
    log::Warn("images are not read", {{"err", error}});
    return nullptr;
  }
  if (!writable) {
    log::Warn("the archive is read-only: OCR results are kept in memory only",
              {{"dir", o.bulletins_dir}});
  }
  return ocr;
}

int Serve(const ServeOptions& o) {
  if (!log::Configure(o.log_level, o.log_format)) {
    std::cerr << "invalid --log.level or --log.format\n";
    return 2;
  }
  HttpOptions http;
  if (const int status = MakeHttpOptions(o, &http)) return status;
  FetchConfig fetch;
  if (const int status = MakeFetchConfig(o, &fetch)) return status;
  const bool fetching = !fetch.cncert_indexes.empty() || !fetch.urls.empty();
  if (fetching && ::access(o.bulletins_dir.c_str(), W_OK) != 0) {
    log::Error("fetching needs a writable archive directory",
               {{"dir", o.bulletins_dir}});
    return 1;
  }
  if (::access(o.bulletins_dir.c_str(), R_OK | X_OK) != 0) {
    log::Error("cannot read the archive directory", {{"dir", o.bulletins_dir}});
    return 1;
  }
  const sigset_t signals = BlockSignals();

  std::shared_ptr<OcrService> ocr;
  if (o.images.ocr) ocr = StartImageReading(o);
  Exporter exporter(
      {o.bulletins_dir, o.rules, ocr, std::chrono::milliseconds(o.settle_ms)});
  if (ocr) {
    ocr->set_metrics(&exporter.self_metrics());
    ocr->set_min_confidence(o.images.min_confidence);
  }
  log::Info("starting cncert_exporter",
            {{"version", kVersion}, {"dir", o.bulletins_dir}});
  const ReloadOutcome first = exporter.Reload(ReloadScope::kRulesAndArchive);
  if (!first.ok) {
    log::Error("the first load failed; fix the rules file and start again");
    return 1;
  }
  http.reload = [&exporter] {
    return exporter.Reload(ReloadScope::kRulesAndArchive).ok;
  };
  http.quit = [] { ::kill(::getpid(), SIGTERM); };
  HttpServer server(exporter, http);
  std::string error;
  if (!server.Start(&error)) {
    log::Error("cannot start the web server", {{"err", error}});
    return 1;
  }
  for (const auto& address : server.bound()) {
    log::Info("listening",
              {{"address", address},
               {"tls", http.web_config.tls ? "true" : "false"},
               {"basic_auth",
                http.web_config.basic_auth_users.empty() ? "false" : "true"}});
  }
  DirectoryWatcher watcher(
      o.bulletins_dir, std::chrono::milliseconds(o.debounce_ms),
      std::chrono::seconds(o.rescan_seconds), [&exporter] {
        return exporter.Reload(ReloadScope::kArchive).retry_soon;
      });
  if (!watcher.Start(&error, first.retry_soon)) {
    log::Warn(
        "watching the archive directory is not possible; rescanning on a timer",
        {{"err", error}});
  }
  if (ocr) ocr->Start([&watcher] { watcher.Poke(); });
  std::unique_ptr<ImageFetch> image_fetch;  // outlives the fetcher's thread
  std::unique_ptr<Fetcher> fetcher;
  if (fetching) {
    // The rules of the first load: already read and validated.
    fetcher = std::make_unique<Fetcher>(fetch, o.bulletins_dir,
                                        exporter.snapshot()->rules,
                                        exporter.self_metrics());
    if (o.images.fetch) {
      // A fetched article's images come along at once, from the fetcher's
      // thread (the OCR worker would otherwise fetch them when it gets to
      // them).
      image_fetch = std::make_unique<ImageFetch>(
          o.bulletins_dir,
          o.images.FetchLimits(fetcher->config().http.user_agent),
          fetcher->config().politeness, exporter.snapshot()->rules);
      fetcher->set_on_stored(
          [&image_fetch](const std::string& file, const std::string&) {
            std::vector<WalkFailure> failures;
            image_fetch->Bring(file, &failures);
            for (const auto& f : failures) {
              log::Warn("image not fetched", {{"file", file},
                                              {"url", f.url},
                                              {"reason", f.reason},
                                              {"err", f.message}});
            }
          });
    }
    fetcher->Start();
    log::Info("fetching bulletins",
              {{"indexes", std::to_string(fetch.cncert_indexes.size())},
               {"urls", std::to_string(fetch.urls.size())},
               {"interval", std::to_string(fetch.interval.count()) + "s"}});
  }
  WaitForSignals(signals, exporter);
  if (fetcher) fetcher->Stop();
  if (ocr) ocr->Stop();
  watcher.Stop();
  server.Stop();
  log::Info("stopped");
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app, CommandRunner* run) {
  auto o = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand(
      "serve", "Serve the newest bulletin of the archive on /metrics");
  cmd->add_option(
         "--bulletins.dir", o->bulletins_dir,
         "Archive directory: one file per bulletin (Markdown, HTML, PDF, text)")
      ->capture_default_str();
  cmd->add_option("--web.listen-address", o->listen_addresses,
                  "Address to listen on (repeatable) [default: :10036]");
  cmd->add_option("--web.telemetry-path", o->telemetry_path,
                  "Path of the metrics")
      ->capture_default_str();
  cmd->add_option("--web.config.file", o->web_config_file,
                  "exporter-toolkit web config: TLS, basic auth, headers");
  cmd->add_flag("--web.enable-lifecycle", o->enable_lifecycle,
                "Enable POST /-/reload and /-/quit");
  cmd->add_option("--web.max-requests", o->max_requests,
                  "Requests served or waiting at once; more get 503 (0: no "
                  "limit)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--web.max-connections-per-client",
                  o->max_connections_per_client,
                  "Connections one client address may hold open; more get "
                  "503 (0: no limit; plain HTTP)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--web.request-timeout", o->request_deadline_seconds,
                  "Seconds a whole request (line, headers, body) may take "
                  "to arrive (plain HTTP)")
      ->capture_default_str()
      ->check(CLI::Range(1, 600));
  cmd->add_option("--rules", o->rules,
                  "Extraction rules file replacing the embedded defaults");
  cmd->add_option("--log.level", o->log_level, "debug, info, warn, error")
      ->capture_default_str()
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  cmd->add_option("--log.format", o->log_format, "logfmt or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"logfmt", "json"}));
  cmd->add_option(
      "--fetch.cncert-index", o->fetch_indexes,
      "Poll this cert.org.cn weekly-report index and archive new bulletins "
      "(repeatable); the official one is "
      "https://www.cert.org.cn/publish/main/44/index.html");
  cmd->add_option("--fetch.url", o->fetch_urls,
                  "Fetch this single article (e.g. a WeChat page) into the "
                  "archive (repeatable)");
  cmd->add_option(
      "--fetch.config", o->fetch_config,
      "YAML: interval, jitter, timeout, max_bytes, max_redirects, user_agent, "
      "allowed_hosts, backoff_min, cncert_index, urls");
  cmd->add_option("--bulletins.debounce-ms", o->debounce_ms,
                  "Quiet time after a change in the archive before reloading")
      ->capture_default_str()
      ->check(CLI::Range(10, 60000));
  cmd->add_option("--bulletins.settle-ms", o->settle_ms,
                  "A file that fails while it is still changing is retried "
                  "this long (being written), then reported; never for more "
                  "than 15 times this")
      ->capture_default_str()
      ->check(CLI::Range(10, 600000));
  cmd->add_option(
         "--bulletins.rescan-interval", o->rescan_seconds,
         "Seconds between full rescans, in case change events are missed")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  AddImageFlags(cmd, &o->images, /*with_cache=*/false);
  cmd->add_option("--images.retry-after", o->images.retry_seconds,
                  "Seconds after which an image that could not be downloaded "
                  "or read is tried again")
      ->capture_default_str()
      ->check(CLI::Range(1, 7 * 86400));
  cmd->callback([run, o] { *run = [o] { return Serve(*o); }; });
}

}  // namespace cncert
