#include "exporter/fetcher.h"

#include <fcntl.h>
#include <httplib.h>
#include <openssl/sha.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>

#include "exporter/cncert_pages.h"
#include "exporter/file_reader.h"
#include "exporter/log.h"
#include "exporter/version.h"
#include "parsers/parser.h"

namespace cncert {

namespace {

constexpr const char* kStateFile = ".cncert-fetch-state.json";

std::optional<std::chrono::milliseconds> ParseDuration(
    const std::string& text) {
  static const RE2 kDuration(R"((\d+)(ms|s|m|h|d))");
  long long n = 0;
  std::string unit;
  if (!RE2::FullMatch(text, kDuration, &n, &unit)) return std::nullopt;
  const long long ms = unit == "ms"  ? n
                       : unit == "s" ? n * 1000
                       : unit == "m" ? n * 60000
                       : unit == "h" ? n * 3600000
                                     : n * 86400000;
  return std::chrono::milliseconds(ms);
}

std::string Hex(const unsigned char* data, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 15];
  }
  return out;
}

std::string Sha256Hex(const std::string& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         digest);
  return Hex(digest, sizeof digest);
}

bool WriteFileAtomically(const std::string& dir, const std::string& name,
                         const std::string& data, std::string* error) {
  const std::string tmp = dir + "/." + name + ".part";
  const std::string path = dir + "/" + name;
  const int fd =
      ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = "cannot create " + tmp + ": " + std::strerror(errno);
    return false;
  }
  std::size_t done = 0;
  bool ok = true;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ok = false;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  ok = ok && ::rename(tmp.c_str(), path.c_str()) == 0;
  if (!ok) {
    *error = "cannot write " + path + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
  }
  return ok;
}

std::string Extension(const Bulletin& b) {
  if (b.format == "pdf") return ".pdf";
  if (b.format == "html") return ".html";
  if (b.format == "markdown") return ".md";
  return ".txt";
}

}  // namespace

bool LoadFetchConfig(const std::string& path, FetchConfig* config,
                     std::string* error) {
  const FileContent file = ReadFileCapped(path, 1u << 20);
  if (!file.error.empty()) {
    *error = path + ": " + file.error;
    return false;
  }
  try {
    const YAML::Node root = YAML::Load(file.bytes);
    if (root.IsNull()) return true;
    if (!root.IsMap()) {
      *error = path + ": must be a mapping";
      return false;
    }
    for (const auto& e : root) {
      const auto key = e.first.as<std::string>();
      const YAML::Node& v = e.second;
      auto duration = [&](auto* out) {
        const auto d = ParseDuration(v.as<std::string>());
        if (!d) {
          *error = path + ": " + key + ": '" + v.as<std::string>() +
                   "' is not a duration (e.g. 6h, 30s, 500ms)";
          return false;
        }
        *out =
            std::chrono::duration_cast<std::remove_reference_t<decltype(*out)>>(
                *d);
        return true;
      };
      if (key == "interval") {
        if (!duration(&config->interval)) return false;
      } else if (key == "timeout") {
        if (!duration(&config->timeout)) return false;
      } else if (key == "backoff_min") {
        if (!duration(&config->backoff_min)) return false;
      } else if (key == "jitter") {
        config->jitter = v.as<double>();
        if (config->jitter < 0 || config->jitter > 0.5) {
          *error = path + ": jitter must lie within 0 and 0.5";
          return false;
        }
      } else if (key == "max_bytes") {
        config->max_bytes = v.as<std::size_t>();
      } else if (key == "max_redirects") {
        config->max_redirects = v.as<int>();
      } else if (key == "max_entries") {
        config->max_entries = v.as<int>();
      } else if (key == "user_agent") {
        config->user_agent = v.as<std::string>();
      } else if (key == "allowed_hosts") {
        for (const auto& h : v)
          config->allowed_hosts.insert(h.as<std::string>());
      } else if (key == "cncert_index") {
        for (const auto& u : v)
          config->cncert_indexes.push_back(u.as<std::string>());
      } else if (key == "urls") {
        for (const auto& u : v) config->urls.push_back(u.as<std::string>());
      } else {
        *error = path + ": unknown field '" + key + "'";
        return false;
      }
    }
  } catch (const YAML::Exception& e) {
    *error = path + ": line " + std::to_string(e.mark.line + 1) + ": " + e.msg;
    return false;
  }
  return true;
}

Fetcher::Fetcher(FetchConfig config, std::string archive_dir,
                 std::shared_ptr<const RuleSet> rules, SelfMetrics& metrics)
    : config_(std::move(config)),
      archive_dir_(std::move(archive_dir)),
      rules_(std::move(rules)),
      metrics_(metrics) {
  if (config_.user_agent.empty()) {
    config_.user_agent = std::string("cncert_exporter/") + kVersion;
  }
  if (config_.allowed_hosts.empty()) {
    for (const auto* list : {&config_.cncert_indexes, &config_.urls}) {
      for (const auto& u : *list) {
        if (const auto parts = SplitUrl(u))
          config_.allowed_hosts.insert(parts->host);
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
  for (;;) {
    Clock::time_point next = Clock::time_point::max();
    for (auto& s : sources) {
      if (Clock::now() >= s.due) {
        const bool ok = s.index ? PollIndex(s.url) : PollUrl(s.url);
        const auto interval =
            std::chrono::duration_cast<std::chrono::milliseconds>(
                config_.interval);
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
    if (stop_cv_.wait_until(lock, next, [this] { return stopping_; })) return;
  }
}

FetchResult Fetcher::Get(const std::string& url, const std::string& source,
                         const std::string& etag,
                         const std::string& last_modified) {
  FetchResult result;
  std::set<std::string> visited;
  std::string current = url;
  for (int hop = 0;; ++hop) {
    result.final_url = current;
    const auto parts = SplitUrl(current);
    if (!parts || (parts->scheme != "http" && parts->scheme != "https")) {
      result.reason = "scheme_not_allowed";
      result.message = "only http and https URLs are fetched: " + current;
      return result;
    }
    if (!config_.allowed_hosts.contains(parts->host)) {
      result.reason = "host_not_allowed";
      result.message = "host " + parts->host + " is not in allowed_hosts";
      return result;
    }
    if (!visited.insert(current).second) {
      result.reason = "redirect_loop";
      result.message = "redirect loop at " + current;
      return result;
    }
    metrics_.FetchAttempt(source);
    httplib::Client client(parts->scheme + "://" +
                           (parts->host.find(':') != std::string::npos
                                ? "[" + parts->host + "]"
                                : parts->host) +
                           ":" + std::to_string(parts->port));
    const auto seconds = static_cast<time_t>(config_.timeout.count());
    client.set_connection_timeout(seconds, 0);
    client.set_read_timeout(seconds, 0);
    client.set_write_timeout(seconds, 0);
    client.set_follow_location(false);
    client.enable_server_certificate_verification(true);
    httplib::Headers headers{{"User-Agent", config_.user_agent}};
    if (hop == 0 && !etag.empty()) headers.emplace("If-None-Match", etag);
    if (hop == 0 && !last_modified.empty())
      headers.emplace("If-Modified-Since", last_modified);
    std::string body;
    bool too_large = false;
    const auto start = std::chrono::steady_clock::now();
    auto response = client.Get(
        parts->path, headers,
        [&](const httplib::Response& r) {
          const std::string length = r.get_header_value("Content-Length");
          if (!length.empty() &&
              length.find_first_not_of("0123456789") == std::string::npos &&
              length.size() < 19 && std::stoull(length) > config_.max_bytes) {
            too_large = true;
            return false;
          }
          return true;
        },
        [&](const char* data, std::size_t n) {
          if (body.size() + n > config_.max_bytes) {
            too_large = true;
            return false;
          }
          body.append(data, n);
          return true;
        });
    if (too_large) {
      result.reason = "too_large";
      result.message = "response larger than max_bytes (" +
                       std::to_string(config_.max_bytes) + ")";
      return result;
    }
    if (!response) {
      const auto elapsed = std::chrono::steady_clock::now() - start;
      const httplib::Error error = response.error();
      if (error == httplib::Error::ConnectionTimeout ||
          elapsed >= config_.timeout) {
        result.reason = "timeout";
      } else if (error == httplib::Error::Read) {
        // The peer hung up mid-response.
        result.reason = "truncated";
      } else {
        result.reason = "connection";
      }
      result.message = httplib::to_string(error) + " fetching " + current;
      return result;
    }
    result.status = response->status;
    if (response->status >= 300 && response->status < 400 &&
        response->status != 304) {
      const std::string location = response->get_header_value("Location");
      if (location.empty() || hop >= config_.max_redirects) {
        result.reason = location.empty() ? "http_3xx" : "too_many_redirects";
        result.message = "redirects stop at " + current;
        return result;
      }
      current = ResolveUrl(current, location);
      continue;
    }
    if (response->status == 304) {
      result.ok = true;
      result.not_modified = true;
      return result;
    }
    if (response->status >= 400) {
      result.reason = response->status >= 500 ? "http_5xx" : "http_4xx";
      result.message =
          "HTTP " + std::to_string(response->status) + " for " + current;
      return result;
    }
    // Content-Length promised more than arrived.
    const std::string length = response->get_header_value("Content-Length");
    if (!length.empty() &&
        length.find_first_not_of("0123456789") == std::string::npos &&
        length.size() < 19 && std::stoull(length) != body.size()) {
      result.reason = "truncated";
      result.message =
          "body of " + current + " is shorter than its Content-Length";
      return result;
    }
    result.ok = true;
    result.body = std::move(body);
    result.etag = response->get_header_value("ETag");
    result.last_modified = response->get_header_value("Last-Modified");
    return result;
  }
}

void Fetcher::Fail(const std::string& source, const std::string& reason,
                   const std::string& url, const std::string& message) {
  metrics_.FetchFailure(source, reason);
  log::Warn(
      "fetch failed",
      {{"source", source}, {"url", url}, {"reason", reason}, {"err", message}});
}

std::optional<std::string> Fetcher::Archive(
    const std::string& source, const std::string& url, const std::string& bytes,
    const std::string& page_url, std::optional<std::string> published) {
  const Bulletin bulletin = ParseBulletin(bytes, *rules_);
  if (!bulletin.ok()) {
    Fail(source, bulletin.failure == "pdf" ? "not_pdf" : "no_bulletin", url,
         bulletin.errors.empty() ? "" : bulletin.errors[0]);
    return std::nullopt;
  }
  // The name is ours, never the server's: no path from outside reaches the
  // disk.
  const std::string label = bulletin.identity.IssueLabel();
  std::string name =
      "fetched-" + (label.empty() ? Sha256Hex(url).substr(0, 16) : label);
  if (bulletin.format != "pdf") name += "-" + Sha256Hex(url).substr(0, 8);
  name += Extension(bulletin);
  std::string error;
  nlohmann::json meta = {{"url", url}, {"fetched_from", source}};
  if (!page_url.empty()) meta["page"] = page_url;
  if (published) meta["published"] = *published;
  if (!WriteFileAtomically(archive_dir_, "." + name + ".source.json",
                           meta.dump(2) + "\n", &error) ||
      !WriteFileAtomically(archive_dir_, name, bytes, &error)) {
    Fail(source, "write", url, error);
    return std::nullopt;
  }
  metrics_.BulletinFetched(source);
  log::Info("bulletin fetched",
            {{"source", source}, {"url", url}, {"file", name}});
  return name;
}

bool Fetcher::PollIndex(const std::string& index_url) {
  Remembered previous;
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    previous = state_[index_url];
  }
  const FetchResult index =
      Get(index_url, index_url, previous.etag, previous.last_modified);
  if (!index.ok) {
    Fail(index_url, index.reason, index.final_url, index.message);
    return false;
  }
  bool ok = true;
  if (!index.not_modified) {
    const auto entries = ParseIndexPage(index.body, index.final_url);
    if (entries.empty()) {
      Fail(index_url, "no_entries", index_url,
           "the index page lists no weekly report");
      return false;
    }
    const int limit =
        std::min<int>(config_.max_entries, static_cast<int>(entries.size()));
    for (int i = 0; i < limit; ++i) {
      const IndexEntry& entry = entries[static_cast<std::size_t>(i)];
      {
        std::lock_guard<std::mutex> lock(state_mutex_);
        if (state_.contains(entry.url) && !state_[entry.url].file.empty())
          continue;
      }
      const FetchResult page = Get(entry.url, index_url);
      if (!page.ok || page.not_modified) {
        if (!page.ok)
          Fail(index_url, page.reason, page.final_url, page.message);
        ok = false;
        continue;
      }
      const ReportPage report = ParseReportPage(page.body, page.final_url);
      std::optional<std::string> published;
      if (report.published)
        published = FormatDate(*report.published);
      else if (entry.date)
        published = FormatDate(*entry.date);
      std::optional<std::string> file;
      if (report.pdf_url.empty()) {
        // Some report pages carry the text themselves.
        file = Archive(index_url, entry.url, page.body, "", published);
      } else {
        const FetchResult pdf = Get(report.pdf_url, index_url);
        if (!pdf.ok) {
          Fail(index_url, pdf.reason, pdf.final_url, pdf.message);
          ok = false;
          continue;
        }
        if (pdf.body.substr(0, 1024).find("%PDF-") == std::string::npos) {
          Fail(index_url, "not_pdf", report.pdf_url,
               "the linked file is not a PDF");
          ok = false;
          continue;
        }
        file =
            Archive(index_url, report.pdf_url, pdf.body, entry.url, published);
      }
      if (!file) {
        ok = false;
        continue;
      }
      std::lock_guard<std::mutex> lock(state_mutex_);
      state_[entry.url].file = *file;
    }
  }
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    if (!index.not_modified) {
      // Only a fully handled index may be answered "not modified" next time.
      state_[index_url].etag = ok ? index.etag : "";
      state_[index_url].last_modified = ok ? index.last_modified : "";
    }
  }
  SaveState();
  if (ok) metrics_.FetchSucceeded(index_url);
  return ok;
}

bool Fetcher::PollUrl(const std::string& url) {
  Remembered previous;
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    previous = state_[url];
  }
  const FetchResult r = Get(url, url, previous.etag, previous.last_modified);
  if (!r.ok) {
    Fail(url, r.reason, r.final_url, r.message);
    return false;
  }
  if (!r.not_modified) {
    const auto file = Archive(url, url, r.body, "", std::nullopt);
    if (!file) return false;
    std::lock_guard<std::mutex> lock(state_mutex_);
    state_[url] = {r.etag, r.last_modified, *file};
  }
  SaveState();
  metrics_.FetchSucceeded(url);
  return true;
}

void Fetcher::LoadState() {
  const FileContent file =
      ReadFileCapped(archive_dir_ + "/" + kStateFile, 16u << 20);
  if (!file.error.empty()) return;  // first run
  const auto j = nlohmann::json::parse(file.bytes, nullptr, false);
  if (!j.is_object() || !j.contains("urls") || !j["urls"].is_object()) {
    log::Warn("fetch state unreadable; starting afresh",
              {{"file", kStateFile}});
    return;
  }
  std::lock_guard<std::mutex> lock(state_mutex_);
  for (const auto& [url, v] : j["urls"].items()) {
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
  std::string error;
  if (!WriteFileAtomically(archive_dir_, kStateFile,
                           nlohmann::json{{"urls", urls}}.dump(2), &error)) {
    log::Warn("cannot save fetch state", {{"err", error}});
  }
}

}  // namespace cncert
