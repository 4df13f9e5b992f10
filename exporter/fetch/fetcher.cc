#include "exporter/fetch/fetcher.h"

#include <random>

#include "exporter/archive/source_record.h"
#include "exporter/base/digest.h"
#include "exporter/base/log.h"
#include "exporter/version.h"
#include "parsers/parser.h"

namespace cncert {

namespace {

std::string Extension(const Bulletin& b) {
  if (b.format == "pdf") return ".pdf";
  if (b.format == "html") return ".html";
  if (b.format == "markdown") return ".md";
  return ".txt";
}

FetchConfig WithDefaults(FetchConfig config) {
  if (config.http.user_agent.empty()) {
    config.http.user_agent =
        std::string("cncert_exporter/") + kVersion +
        " (Prometheus exporter for CNCERT's weekly bulletins)";
  }
  if (config.http.allowed_hosts.empty()) {
    for (const auto* list : {&config.cncert_indexes, &config.urls}) {
      for (const auto& u : *list) {
        if (const auto parts = SplitUrl(u))
          config.http.allowed_hosts.insert(parts->host);
      }
    }
  }
  return config;
}

}  // namespace

Fetcher::Fetcher(FetchConfig config, std::string archive_dir,
                 std::shared_ptr<const RuleSet> rules, SelfMetrics& metrics)
    : config_(WithDefaults(std::move(config))),
      archive_dir_(std::move(archive_dir)),
      rules_(std::move(rules)),
      metrics_(metrics),
      client_(config_.http, config_.politeness),
      state_(archive_dir_) {
  client_.set_on_attempt([this] {
    ++requests_;
    metrics_.FetchAttempt(source_);
  });
  client_.set_on_retry([](const FetchResult& r,
                          std::chrono::milliseconds wait) {
    log::Info("retrying", {{"url", r.final_url},
                           {"reason", std::string(FetchFailureName(r.reason))},
                           {"wait", std::to_string(wait.count()) + "ms"}});
  });
  state_.Load();
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
  client_.Interrupt();
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
  source_ = source;
  return client_.Get(url, conditional);
}

FetchOutcome Fetcher::Failed(const std::string& source, FetchFailure reason,
                             const std::string& url, const std::string& message,
                             int status) {
  metrics_.FetchFailure(source, std::string(FetchFailureName(reason)));
  log::Warn("fetch failed", {{"source", source},
                             {"url", url},
                             {"reason", std::string(FetchFailureName(reason))},
                             {"err", message}});
  FetchOutcome o;
  o.url = url;
  o.reason = reason;
  o.message = message;
  o.status = status;
  return o;
}

FetchOutcome Fetcher::Gone(const std::string& url, FetchOutcome o,
                           const FetchResult& r) {
  // What the server says is not there stays gone: later runs do not ask
  // again. 408 and 429 are not that.
  if (r.reason == FetchFailure::kHttp4xx && r.status != 429 &&
      r.status != 408) {
    o.message += " (not asked again)";
    state_.Remember(url, {"", "", "", o.message});
  }
  return o;
}

FetchOutcome Fetcher::Store(const std::string& source, const std::string& url,
                            std::string bytes, const std::string& page_url,
                            std::optional<Date> published) {
  const Bulletin bulletin = ParseBulletin(bytes, *rules_);
  if (!bulletin.ok()) {
    return Failed(source,
                  bulletin.failure == Failure::kPdf ? FetchFailure::kNotPdf
                                                    : FetchFailure::kNoBulletin,
                  url, bulletin.errors.empty() ? "" : bulletin.errors[0]);
  }
  const std::string label = bulletin.identity.IssueLabel();
  FetchOutcome o;
  o.issue = label;
  o.week_end = bulletin.identity.period_end;
  if (held_ && !label.empty() && held_->contains(label)) {
    o.kind = FetchOutcome::Kind::kHeld;
    o.file = label;
    o.body = std::move(bytes);
    return o;
  }
  // The name is ours, never the server's: no path from outside reaches the
  // disk.
  std::string name =
      "fetched-" + (label.empty() ? Sha256Hex(url).substr(0, 16) : label);
  if (bulletin.format != "pdf") name += "-" + Sha256Hex(url).substr(0, 8);
  name += Extension(bulletin);
  const SourceRecord record{url, source, page_url, published};
  if (const Status s = StoreWithSource(archive_dir_, name, bytes, record);
      !s.ok()) {
    return Failed(source, FetchFailure::kWrite, url, s.message());
  }
  metrics_.BulletinFetched(source);
  log::Info("bulletin fetched",
            {{"source", source}, {"url", url}, {"file", name}});
  if (held_ && !label.empty()) held_->insert(label);
  if (on_stored_) on_stored_(name, url);
  o.kind = FetchOutcome::Kind::kStored;
  o.file = name;
  o.body = std::move(bytes);
  return o;
}

FetchOutcome Fetcher::FetchEntry(const std::string& source,
                                 const IndexEntry& entry) {
  auto gone = [this, &entry](FetchOutcome o, const FetchResult& r) {
    return Gone(entry.url, std::move(o), r);
  };
  const FetchResult page = Get(entry.url, source);
  if (!page.ok || page.not_modified) {
    return gone(Failed(source, page.ok ? FetchFailure::kHttp3xx : page.reason,
                       page.final_url, page.message, page.status),
                page);
  }
  const ReportPage report = ParseReportPage(page.body, page.final_url);
  const std::optional<Date> published =
      report.published ? report.published : entry.date;
  FetchOutcome o;
  if (report.pdf_url.empty()) {
    // Some report pages carry the text themselves.
    o = Store(source, entry.url, page.body, "", published);
  } else {
    FetchResult pdf = Get(report.pdf_url, source);
    if (!pdf.ok) {
      return gone(
          Failed(source, pdf.reason, pdf.final_url, pdf.message, pdf.status),
          pdf);
    }
    if (pdf.body.substr(0, 1024).find("%PDF-") == std::string::npos) {
      return Failed(source, FetchFailure::kNotPdf, report.pdf_url,
                    "the linked file is not a PDF");
    }
    o = Store(source, report.pdf_url, std::move(pdf.body), entry.url,
              published);
  }
  if (o.kind == FetchOutcome::Kind::kStored) {
    state_.Remember(entry.url, {"", "", o.file, ""});
  }
  o.body.clear();
  return o;
}

FetchOutcome Fetcher::FetchArticle(const std::string& source,
                                   const std::string& url, bool store) {
  const FetchResult r = Get(url, source);
  if (!r.ok || r.not_modified) {
    return Gone(url,
                Failed(source, r.ok ? FetchFailure::kHttp3xx : r.reason,
                       r.final_url, r.message, r.status),
                r);
  }
  if (!store) {
    FetchOutcome o;
    o.kind = FetchOutcome::Kind::kHeld;
    o.body = r.body;
    const Bulletin b = ParseBulletin(r.body, *rules_);
    if (b.ok()) {
      o.issue = b.identity.IssueLabel();
      o.week_end = b.identity.period_end;
    }
    return o;
  }
  FetchOutcome o = Store(source, url, r.body, "", std::nullopt);
  if (o.kind == FetchOutcome::Kind::kStored) {
    state_.Remember(url, {r.etag, r.last_modified, o.file, ""});
  }
  return o;
}

bool Fetcher::PollIndex(const std::string& index_url) {
  const UrlRecord previous = state_.Recall(index_url);
  const FetchResult index =
      Get(index_url, index_url, {previous.etag, previous.last_modified});
  if (!index.ok) {
    Failed(index_url, index.reason, index.final_url, index.message);
    return false;
  }
  bool ok = true;
  if (!index.not_modified) {
    const auto entries = ParseIndexPage(index.body, index.final_url);
    if (entries.empty()) {
      Failed(index_url, FetchFailure::kNoEntries, index_url,
             "the index page lists no weekly report");
      return false;
    }
    const std::size_t limit = std::min<std::size_t>(
        static_cast<std::size_t>(std::max(config_.max_entries, 0)),
        entries.size());
    for (std::size_t i = 0; i < limit && !stopping(); ++i) {
      if (state_.Handled(entries[i].url)) continue;
      ok = FetchEntry(index_url, entries[i]).kind ==
               FetchOutcome::Kind::kStored &&
           ok;
    }
    ok = ok && !stopping();
    // Only a fully handled index may be answered "not modified" next time.
    UrlRecord now = previous;
    now.etag = ok ? index.etag : "";
    now.last_modified = ok ? index.last_modified : "";
    state_.Remember(index_url, now);
  }
  state_.Save();
  if (ok) metrics_.FetchSucceeded(index_url);
  return ok;
}

bool Fetcher::PollUrl(const std::string& url) {
  const UrlRecord previous = state_.Recall(url);
  const FetchResult r = Get(url, url, {previous.etag, previous.last_modified});
  if (!r.ok) {
    Failed(url, r.reason, r.final_url, r.message);
    return false;
  }
  if (!r.not_modified) {
    const FetchOutcome o = Store(url, url, r.body, "", std::nullopt);
    if (o.kind != FetchOutcome::Kind::kStored) return false;
    state_.Remember(url, {r.etag, r.last_modified, o.file, ""});
  }
  state_.Save();
  metrics_.FetchSucceeded(url);
  return true;
}

}  // namespace cncert
