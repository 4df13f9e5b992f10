#include "exporter/fetch/fetcher.h"

#include <nlohmann/json.hpp>
#include <random>

#include "exporter/archive/source_record.h"
#include "exporter/base/digest.h"
#include "exporter/base/files.h"
#include "exporter/base/log.h"
#include "exporter/version.h"
#include "parsers/parser.h"

namespace cncert {

namespace {

constexpr const char* kStateFile = ".cncert-fetch-state.json";

std::string Extension(const Bulletin& b) {
  if (b.format == "pdf") return ".pdf";
  if (b.format == "html") return ".html";
  if (b.format == "markdown") return ".md";
  return ".txt";
}

}  // namespace

Fetcher::Fetcher(FetchConfig config, std::string archive_dir,
                 std::shared_ptr<const RuleSet> rules, SelfMetrics& metrics)
    : config_(std::move(config)),
      archive_dir_(std::move(archive_dir)),
      rules_(std::move(rules)),
      metrics_(metrics) {
  if (config_.http.user_agent.empty()) {
    config_.http.user_agent = std::string("cncert_exporter/") + kVersion;
  }
  if (config_.http.allowed_hosts.empty()) {
    for (const auto* list : {&config_.cncert_indexes, &config_.urls}) {
      for (const auto& u : *list) {
        if (const auto parts = SplitUrl(u))
          config_.http.allowed_hosts.insert(parts->host);
      }
    }
  }
  LoadState();
}

Fetcher::~Fetcher() { Stop(); }

void Fetcher::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void Fetcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(stop_mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Fetcher::Loop() {
  using Clock = std::chrono::steady_clock;
  struct Source {
    std::string url;
    bool index;
    Clock::time_point due;
    std::chrono::milliseconds backoff;
  };
  std::vector<Source> sources;
  for (const auto& u : config_.cncert_indexes)
    sources.push_back({u, true, Clock::now(), {}});
  for (const auto& u : config_.urls)
    sources.push_back({u, false, Clock::now(), {}});
  std::mt19937_64 random(std::random_device{}());
  const auto interval =
      std::chrono::duration_cast<std::chrono::milliseconds>(config_.interval);
  while (!stopping()) {
    Clock::time_point next = Clock::time_point::max();
    for (auto& s : sources) {
      if (stopping()) return;
      if (Clock::now() >= s.due) {
        const bool ok = s.index ? PollIndex(s.url) : PollUrl(s.url);
        if (ok) {
          std::uniform_real_distribution<double> jitter(-config_.jitter,
                                                        config_.jitter);
          s.backoff = {};
          s.due = Clock::now() + interval +
                  std::chrono::milliseconds(static_cast<long long>(
                      static_cast<double>(interval.count()) * jitter(random)));
        } else {
          // Exponential backoff from backoff_min up to the interval.
          s.backoff =
              s.backoff.count() == 0
                  ? std::chrono::duration_cast<std::chrono::milliseconds>(
                        config_.backoff_min)
                  : std::min(interval, s.backoff * 2);
          s.due = Clock::now() + s.backoff;
        }
      }
      next = std::min(next, s.due);
    }
    std::unique_lock<std::mutex> lock(stop_mutex_);
    stop_cv_.wait_until(lock, next, [this] { return stopping(); });
  }
}

FetchResult Fetcher::Get(const std::string& url, const std::string& source,
                         const Conditional& conditional) {
  return HttpGet(url, config_.http, conditional,
                 [this, &source] { metrics_.FetchAttempt(source); });
}

void Fetcher::Fail(const std::string& source, FetchFailure reason,
                   const std::string& url, const std::string& message) {
  metrics_.FetchFailure(source, std::string(FetchFailureName(reason)));
  log::Warn("fetch failed", {{"source", source},
                             {"url", url},
                             {"reason", std::string(FetchFailureName(reason))},
                             {"err", message}});
}

std::optional<std::string> Fetcher::Store(const std::string& source,
                                          const std::string& url,
                                          const std::string& bytes,
                                          const std::string& page_url,
                                          std::optional<Date> published) {
  const Bulletin bulletin = ParseBulletin(bytes, *rules_);
  if (!bulletin.ok()) {
    Fail(source,
         bulletin.failure == Failure::kPdf ? FetchFailure::kNotPdf
                                           : FetchFailure::kNoBulletin,
         url, bulletin.errors.empty() ? "" : bulletin.errors[0]);
    return std::nullopt;
  }
  // The name is ours, never the server's: no path from outside reaches the
  // disk.
  const std::string label = bulletin.identity.IssueLabel();
  std::string name =
      "fetched-" + (label.empty() ? Sha256Hex(url).substr(0, 16) : label);
  if (bulletin.format != "pdf") name += "-" + Sha256Hex(url).substr(0, 8);
  name += Extension(bulletin);
  const SourceRecord record{url, source, page_url, published};
  if (const Status s = StoreWithSource(archive_dir_, name, bytes, record);
      !s.ok()) {
    Fail(source, FetchFailure::kWrite, url, s.message());
    return std::nullopt;
  }
  metrics_.BulletinFetched(source);
  log::Info("bulletin fetched",
            {{"source", source}, {"url", url}, {"file", name}});
  return name;
}

bool Fetcher::Fetched(const std::string& url) {
  std::lock_guard<std::mutex> lock(state_mutex_);
  const auto it = state_.find(url);
  return it != state_.end() && !it->second.file.empty();
}

void Fetcher::Remember(const std::string& url, Remembered r) {
  std::lock_guard<std::mutex> lock(state_mutex_);
  state_[url] = std::move(r);
}

Fetcher::Remembered Fetcher::Recall(const std::string& url) {
  std::lock_guard<std::mutex> lock(state_mutex_);
  const auto it = state_.find(url);
  return it == state_.end() ? Remembered{} : it->second;
}

bool Fetcher::FetchEntry(const std::string& index_url,
                         const IndexEntry& entry) {
  const FetchResult page = Get(entry.url, index_url);
  if (!page.ok) Fail(index_url, page.reason, page.final_url, page.message);
  if (!page.ok || page.not_modified) return false;
  const ReportPage report = ParseReportPage(page.body, page.final_url);
  const std::optional<Date> published =
      report.published ? report.published : entry.date;
  std::optional<std::string> file;
  if (report.pdf_url.empty()) {
    // Some report pages carry the text themselves.
    file = Store(index_url, entry.url, page.body, "", published);
  } else {
    const FetchResult pdf = Get(report.pdf_url, index_url);
    if (!pdf.ok) {
      Fail(index_url, pdf.reason, pdf.final_url, pdf.message);
      return false;
    }
    if (pdf.body.substr(0, 1024).find("%PDF-") == std::string::npos) {
      Fail(index_url, FetchFailure::kNotPdf, report.pdf_url,
           "the linked file is not a PDF");
      return false;
    }
    file = Store(index_url, report.pdf_url, pdf.body, entry.url, published);
  }
  if (!file) return false;
  Remember(entry.url, {"", "", *file});
  return true;
}

bool Fetcher::PollIndex(const std::string& index_url) {
  const Remembered previous = Recall(index_url);
  const FetchResult index =
      Get(index_url, index_url, {previous.etag, previous.last_modified});
  if (!index.ok) {
    Fail(index_url, index.reason, index.final_url, index.message);
    return false;
  }
  bool ok = true;
  if (!index.not_modified) {
    const auto entries = ParseIndexPage(index.body, index.final_url);
    if (entries.empty()) {
      Fail(index_url, FetchFailure::kNoEntries, index_url,
           "the index page lists no weekly report");
      return false;
    }
    const std::size_t limit = std::min<std::size_t>(
        static_cast<std::size_t>(std::max(config_.max_entries, 0)),
        entries.size());
    for (std::size_t i = 0; i < limit && !stopping(); ++i) {
      if (Fetched(entries[i].url)) continue;
      ok = FetchEntry(index_url, entries[i]) && ok;
    }
    ok = ok && !stopping();
    // Only a fully handled index may be answered "not modified" next time.
    Remembered now = previous;
    now.etag = ok ? index.etag : "";
    now.last_modified = ok ? index.last_modified : "";
    Remember(index_url, now);
  }
  SaveState();
  if (ok) metrics_.FetchSucceeded(index_url);
  return ok;
}

bool Fetcher::PollUrl(const std::string& url) {
  const Remembered previous = Recall(url);
  const FetchResult r = Get(url, url, {previous.etag, previous.last_modified});
  if (!r.ok) {
    Fail(url, r.reason, r.final_url, r.message);
    return false;
  }
  if (!r.not_modified) {
    const auto file = Store(url, url, r.body, "", std::nullopt);
    if (!file) return false;
    Remember(url, {r.etag, r.last_modified, *file});
  }
  SaveState();
  metrics_.FetchSucceeded(url);
  return true;
}

void Fetcher::LoadState() {
  const FileContent file = ReadFileCapped(archive_dir_ + "/" + kStateFile,
                                          16u << 20, FileOrigin::kArchive);
  if (!file.error.empty()) return;  // first run
  const auto j = nlohmann::json::parse(file.bytes, nullptr, false);
  if (!j.is_object() || !j.contains("urls") || !j["urls"].is_object()) {
    log::Warn("fetch state unreadable; starting afresh",
              {{"file", kStateFile}});
    return;
  }
  std::lock_guard<std::mutex> lock(state_mutex_);
  for (const auto& [url, v] : j["urls"].items()) {
    if (!v.is_object()) continue;
    state_[url] = {v.value("etag", ""), v.value("last_modified", ""),
                   v.value("file", "")};
  }
}

void Fetcher::SaveState() {
  nlohmann::json urls = nlohmann::json::object();
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    for (const auto& [url, r] : state_) {
      urls[url] = {{"etag", r.etag},
                   {"last_modified", r.last_modified},
                   {"file", r.file}};
    }
  }
  const Status s = WriteFileAtomically(archive_dir_ + "/" + kStateFile,
                                       nlohmann::json{{"urls", urls}}.dump(2));
  if (!s.ok()) log::Warn("cannot save fetch state", {{"err", s.message()}});
}

}  // namespace cncert
