#include "exporter/web/http_server.h"

#include <httplib.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <optional>

#include "exporter/base/host_port.h"
#include "exporter/base/log.h"
#include "exporter/web/guarded_server.h"
#include "exporter/web/pages.h"
#include "exporter/web/task_queue.h"
#include "parsers/strings.h"

namespace cncert {

namespace {

constexpr const char* kTextFormat = "text/plain; version=0.0.4; charset=utf-8";
constexpr const char* kPlainText = "text/plain; charset=utf-8";

bool IsReadOnlyPath(const std::string& path, const std::string& telemetry) {
  return path == telemetry || path == "/" || path == "/-/healthy" ||
         path == "/-/ready" || path.starts_with("/api/v1/") ||
         path == "/bulletins" || path.starts_with("/bulletins/") ||
         path.starts_with("/figures/") || path == "/style.css" ||
         path == "/favicon.svg";
}

}  // namespace

bool SplitListenAddress(const std::string& address, std::string* host,
                        int* port) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) return false;
  *host = address.substr(0, colon);
  const std::string port_text = address.substr(colon + 1);
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  *port = std::stoi(port_text);
  if (*port > 65535) return false;
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  if (host->empty()) *host = "0.0.0.0";
  return true;
}

HttpServer::HttpServer(Exporter& exporter, HttpOptions options)
    : exporter_(exporter),
      options_(std::move(options)),
      access_(std::make_shared<Access>(Access{
          std::make_shared<BasicAuth>(options_.web_config.basic_auth_users),
          options_.web_config.headers})) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Route(httplib::Server& server) {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;
  server.set_pre_routing_handler([this](Req req, Res res) {
    return PreRoute(req, res) ? httplib::Server::HandlerResponse::Handled
                              : httplib::Server::HandlerResponse::Unhandled;
  });
  server.Get(options_.telemetry_path,
             [this](Req req, Res res) { Metrics(req, res); });
  server.Get("/", [this](Req req, Res res) { Landing(req, res); });
  server.Get("/-/healthy",
             [](Req, Res res) { res.set_content("Healthy\n", kPlainText); });
  server.Get("/-/ready", [this](Req req, Res res) { Ready(req, res); });
  server.Get("/api/v1/bulletins",
             [this](Req req, Res res) { Bulletins(req, res); });
  server.Get("/api/v1/bulletins/latest",
             [this](Req req, Res res) { LatestBulletin(req, res); });
  server.Get("/bulletins", [this](Req req, Res res) { Browse(req, res); });
  server.Get(R"(/bulletins/([0-9-]{4,16}))",
             [this](Req req, Res res) { Browse(req, res); });
  server.Get(R"(/figures/([a-z_:]{1,128}))",
             [this](Req req, Res res) { Browse(req, res); });
  server.Get(R"(/api/v1/bulletins/([0-9-]{4,16}))",
             [this](Req req, Res res) { Browse(req, res); });
  server.Get("/api/v1/history", [this](Req req, Res res) { Browse(req, res); });
  server.Get("/favicon.svg", [](Req, Res res) {
    res.set_header("Cache-Control", "max-age=86400");
    res.set_content(Pages::Icon(), "image/svg+xml");
  });
  server.Get("/style.css", [](Req, Res res) {
    res.set_header("Cache-Control", "max-age=3600");
    res.set_content(Pages::Css(), "text/css; charset=utf-8");
  });
  server.set_error_handler([](Req, Res res) {
    if (res.status == 404 && res.body.empty()) {
      res.set_content("404 page not found\n", kPlainText);
    }
  });
  server.set_exception_handler(
      [](Req req, Res res, const std::exception_ptr& ep) {
        std::string what = "unknown";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        log::Error("request failed", {{"path", req.path}, {"err", what}});
        res.status = 500;
        res.set_content("Internal Server Error\n", kPlainText);
      });
}

namespace {

// The q value of `coding` in an Accept-Encoding list: its own entry, else
// "*", else 0.
double QualityOf(const std::string& header, std::string_view coding) {
  double star = 0;
  double own = -1;
  std::size_t pos = 0;
  while (pos <= header.size()) {
    std::size_t end = header.find(',', pos);
    if (end == std::string::npos) end = header.size();
    std::string item = LowerAscii(header.substr(pos, end - pos));
    pos = end + 1;
    const std::size_t semi = item.find(';');
    std::string name = item.substr(0, semi);
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    double q = 1;
    if (semi != std::string::npos) {
      const std::size_t at = item.find("q=", semi);
      if (at != std::string::npos) q = std::atof(item.c_str() + at + 2);
    }
    if (name == coding) own = q;
    if (name == "*") star = q;
  }
  return own >= 0 ? own : star;
}

}  // namespace

// httplib compresses whenever "gzip" or "br" occurs in Accept-Encoding, even
// as "gzip;q=0", and offers no hook: rewrite the header to the codings the
// client accepts before it looks.
void HttpServer::RespectAcceptEncoding(const httplib::Request& req) {
  if (!req.has_header("Accept-Encoding")) return;
  const std::string header = req.get_header_value("Accept-Encoding");
  std::string accepted;
  for (const char* coding : {"br", "gzip"}) {
    if (QualityOf(header, coding) > 0) {
      accepted += accepted.empty() ? coding : std::string(", ") + coding;
    }
  }
  auto& headers = const_cast<httplib::Headers&>(req.headers);
  headers.erase("Accept-Encoding");
  headers.emplace("Accept-Encoding", accepted.empty() ? "identity" : accepted);
}

// Before routing: shedding, headers, auth, lifecycle and methods. True when
// the request is answered here.
bool HttpServer::PreRoute(const httplib::Request& req, httplib::Response& res) {
  if (BoundedTaskQueue::Shedding()) {
    if (req.path == options_.telemetry_path) {
      exporter_.self_metrics().ScrapeRejected();
    }
    res.status = 503;
    res.set_header("Retry-After", "1");
    res.set_content("Too many concurrent requests (--web.max-requests)\n",
                    kPlainText);
    return true;
  }
  RespectAcceptEncoding(req);
  res.set_header("Vary", "Accept-Encoding");
  const auto access = CurrentAccess();
  for (const auto& [name, value] : access->headers) {
    res.set_header(name, value);
  }
  if (access->auth->enabled()) {
    const auto outcome = access->auth->Check(
        req.get_header_value("Authorization"), req.remote_addr);
    if (outcome == BasicAuth::Outcome::kTooManyFailures) {
      res.status = 429;
      res.set_header("Retry-After",
                     std::to_string(BasicAuth::kFailureWindow.count()));
      res.set_content("Too many failed logins; try again later\n", kPlainText);
      return true;
    }
    if (outcome == BasicAuth::Outcome::kDenied) {
      res.status = 401;
      res.set_header("WWW-Authenticate", "Basic");
      res.set_content("Unauthorized\n", kPlainText);
      return true;
    }
  }
  // One range at most: 1,500 ranges of one response once built 685 MB.
  if (const std::string range = req.get_header_value("Range");
      range.find(',') != std::string::npos) {
    res.status = 416;
    res.set_content("Only a single range is served\n", kPlainText);
    return true;
  }
  // Handled before the body is read: `curl -X POST` sends no Content-Length.
  if (req.path == "/-/reload" || req.path == "/-/quit") {
    Lifecycle(req, res);
    return true;
  }
  if (IsReadOnlyPath(req.path, options_.telemetry_path) &&
      req.method != "GET" && req.method != "HEAD") {
    res.status = 405;
    res.set_header("Allow", "GET, HEAD");
    res.set_content("Method Not Allowed\n", kPlainText);
    return true;
  }
  return false;
}

namespace {

// What tells a changed file: size, modification time and inode.
std::string ChangeStamp(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  return std::to_string(st.st_size) + "/" + std::to_string(st.st_mtim.tv_sec) +
         "." + std::to_string(st.st_mtim.tv_nsec) + "/" +
         std::to_string(st.st_ino);
}

}  // namespace

std::shared_ptr<const HttpServer::Access> HttpServer::CurrentAccess() {
  std::lock_guard<std::mutex> lock(access_mutex_);
  if (options_.web_config_file.empty()) return access_;
  // At most once a second: a stat, and a reparse only when it changed.
  const auto now = std::chrono::steady_clock::now();
  if (now - access_checked_ < std::chrono::seconds(1)) return access_;
  access_checked_ = now;
  const std::string stamp = ChangeStamp(options_.web_config_file);
  if (access_stamp_.empty()) access_stamp_ = stamp;
  if (stamp == access_stamp_) return access_;
  access_stamp_ = stamp;
  std::string error;
  const auto config = LoadWebConfig(options_.web_config_file, &error);
  if (!config) {
    log::Error("web config changed but is invalid; keeping the previous one",
               {{"file", options_.web_config_file}, {"err", error}});
    return access_;
  }
  access_ = std::make_shared<Access>(Access{
      std::make_shared<BasicAuth>(config->basic_auth_users), config->headers});
  log::Info("web config reloaded (users and headers; TLS needs a restart)",
            {{"file", options_.web_config_file}});
  return access_;
}

void HttpServer::Metrics(const httplib::Request&, httplib::Response& res) {
  const auto snapshot = exporter_.snapshot();
  const auto self = exporter_.self_metrics().Render();
  std::string body;
  body.reserve((snapshot ? snapshot->exposition.size() : 0) + self->size());
  if (snapshot) body = snapshot->exposition;
  body += *self;
  res.set_content(body, kTextFormat);
}

std::shared_ptr<Pages> HttpServer::CurrentPages() {
  const auto snapshot = exporter_.snapshot();
  std::lock_guard<std::mutex> lock(pages_mutex_);
  if (!pages_ || pages_->snapshot() != snapshot.get()) {
    pages_ = std::make_shared<Pages>(snapshot, options_.telemetry_path);
  }
  return pages_;
}

namespace {

void SendPage(httplib::Response& res, const std::string& html) {
  res.set_header("Content-Security-Policy", Pages::kContentSecurityPolicy);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_content(html, "text/html; charset=utf-8");
}

void NotFound(httplib::Response& res) {
  res.status = 404;
  res.set_content("404 page not found\n", "text/plain; charset=utf-8");
}

}  // namespace

void HttpServer::Landing(const httplib::Request&, httplib::Response& res) {
  SendPage(res, CurrentPages()->Home(exporter_.self_metrics().CurrentStatus()));
}

// /bulletins, /bulletins/<issue>, /figures/<figure> and their JSON.
void HttpServer::Browse(const httplib::Request& req, httplib::Response& res) {
  const auto pages = CurrentPages();
  const std::string what = req.matches.size() > 1 ? req.matches[1].str() : "";
  if (req.path == "/bulletins") {
    SendPage(res, pages->BulletinList());
  } else if (req.path == "/api/v1/history") {
    res.set_content(pages->HistoryJson(), "application/json");
  } else if (req.path.starts_with("/bulletins/")) {
    const auto page = pages->BulletinPage(what);
    page ? SendPage(res, *page) : NotFound(res);
  } else if (req.path.starts_with("/figures/")) {
    const auto page = pages->FigurePage(what);
    page ? SendPage(res, *page) : NotFound(res);
  } else {
    const auto json = pages->BulletinJson(what);
    if (json) {
      res.set_content(*json, "application/json");
    } else {
      NotFound(res);
    }
  }
}

void HttpServer::Ready(const httplib::Request&, httplib::Response& res) {
  if (exporter_.ready()) {
    res.set_content("Ready\n", kPlainText);
  } else {
    res.status = 503;
    res.set_content("Not ready: the archive has not been loaded yet\n",
                    kPlainText);
  }
}

void HttpServer::Bulletins(const httplib::Request& req,
                           httplib::Response& res) {
  // Megabytes each with provenance: a few at a time.
  struct InFlight {
    explicit InFlight(std::atomic<int>& n) : n_(n), count_(++n) {}
    ~InFlight() { --n_; }
    std::atomic<int>& n_;
    int count_;
  } in_flight(api_requests_);
  if (in_flight.count_ > kMaxApiRequests) {
    res.status = 503;
    res.set_header("Retry-After", "1");
    res.set_content("Too many concurrent API requests\n", kPlainText);
    return;
  }
  const bool provenance = req.get_param_value("provenance") == "1";
  std::optional<std::size_t> offset;
  std::optional<std::size_t> limit;
  for (const auto& [name, out] :
       {std::pair{"offset", &offset}, std::pair{"limit", &limit}}) {
    if (!req.has_param(name)) continue;
    const std::string v = req.get_param_value(name);
    if (v.empty() || v.size() > 9 ||
        v.find_first_not_of("0123456789") != std::string::npos) {
      res.status = 400;
      res.set_content(std::string(name) + " must be a non-negative integer\n",
                      kPlainText);
      return;
    }
    *out = std::stoul(v);
  }
  if (limit && (*limit == 0 || *limit > kMaxApiPage)) {
    res.status = 400;
    res.set_content(
        "limit must lie within 1 and " + std::to_string(kMaxApiPage) + "\n",
        kPlainText);
    return;
  }
  const auto snapshot = exporter_.snapshot();
  if (!snapshot) {
    res.set_content("{\"bulletins\":[]}", "application/json");
    return;
  }
  if (offset || limit) {
    res.set_content(snapshot->BulletinsJsonPage(provenance, offset.value_or(0),
                                                limit.value_or(kMaxApiPage)),
                    "application/json");
    return;
  }
  res.set_content(snapshot->BulletinsJsonOnce(provenance), "application/json");
}

void HttpServer::LatestBulletin(const httplib::Request&,
                                httplib::Response& res) {
  const auto snapshot = exporter_.snapshot();
  if (!snapshot || !snapshot->Newest()) {
    res.status = 404;
    res.set_content("{\"error\":\"no bulletin loaded\"}", "application/json");
    return;
  }
  res.set_content(snapshot->latest_json, "application/json");
}

void HttpServer::Lifecycle(const httplib::Request& req,
                           httplib::Response& res) {
  constexpr const char* kText = "text/plain; charset=utf-8";
  if (req.method != "POST" && req.method != "PUT") {
    res.status = 405;
    res.set_header("Allow", "POST, PUT");
    res.set_content("Only POST or PUT requests allowed\n", kText);
    return;
  }
  if (!options_.enable_lifecycle) {
    res.status = 403;
    res.set_content("Lifecycle API is not enabled (--web.enable-lifecycle)\n",
                    kText);
    return;
  }
  if (req.path == "/-/quit") {
    res.set_content("Requesting termination... Goodbye!\n", kText);
    if (options_.quit) options_.quit();
    return;
  }
  if (options_.reload && options_.reload()) {
    res.set_content("Reloaded\n", kText);
  } else {
    res.status = 500;
    res.set_content(
        "Reload failed; the previous state is kept (see the logs)\n", kText);
  }
}

bool HttpServer::Start(std::string* error) {
  for (const auto& address : options_.listen_addresses) {
    std::string host;
    int port = 0;
    if (!SplitListenAddress(address, &host, &port)) {
      *error =
          "invalid --web.listen-address '" + address + "' (want host:port)";
      return false;
    }
    ConnectionLimits limits;
    limits.request_deadline = options_.request_deadline;
    limits.read_timeout =
        std::chrono::seconds(std::min(options_.read_timeout_seconds, 5));
    limits.write_timeout = std::chrono::seconds(options_.write_timeout_seconds);
    limits.max_request_bytes = options_.max_request_bytes;
    limits.max_connections_per_client = options_.max_connections_per_client;
    std::unique_ptr<GuardedServer> server;
    if (options_.web_config.tls) {
      std::string tls_error;
      const TlsConfig tls = *options_.web_config.tls;
      server = std::make_unique<GuardedServer>(
          limits, [&tls, &tls_error](SSL_CTX& ctx) {
            return SetUpTlsContext(tls, ctx, &tls_error);
          });
      if (!server->ok()) {
        *error = "TLS set-up failed: " + tls_error;
        return false;
      }
    } else {
      server = std::make_unique<GuardedServer>(limits);
    }
    const auto limit = static_cast<std::size_t>(options_.max_requests);
    const auto workers =
        limit == 0
            ? static_cast<std::size_t>(options_.worker_threads)
            : std::min(limit,
                       static_cast<std::size_t>(options_.worker_threads));
    server->new_task_queue = [workers, limit] {
      return new BoundedTaskQueue(workers, limit);
    };
    server->set_read_timeout(options_.read_timeout_seconds, 0);
    server->set_write_timeout(options_.write_timeout_seconds, 0);
    server->set_payload_max_length(options_.max_request_bytes);
    server->set_keep_alive_max_count(100);
    // Headers and body go out in separate writes: without this, Nagle's
    // algorithm and delayed ACKs stall every keep-alive response by 40 ms.
    server->set_tcp_nodelay(true);
    // httplib sets SO_REUSEPORT, which lets a second exporter listen on the
    // same port and take half the scrapes. SO_REUSEADDR alone, as
    // Prometheus' Go exporters bind: the second start fails, a restart
    // does not wait for the old connections' TIME_WAIT.
    server->set_socket_options([](socket_t sock) {
      const int yes = 1;
      ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    Route(*server);
    int bound_port = port;
    if (port == 0) {
      bound_port = server->bind_to_any_port(host);
      if (bound_port < 0) {
        *error = "cannot listen on " + address;
        return false;
      }
    } else if (!server->bind_to_port(host, port)) {
      *error =
          "cannot listen on " + address + " (address in use or not permitted)";
      return false;
    }
    bound_.push_back(FormatHostPort(host, bound_port));
    GuardedServer* raw = server.get();
    servers_.push_back(std::move(server));
    threads_.emplace_back([raw] { raw->listen_after_bind(); });
    // Stop() must find the server listening: stopping one that has not
    // started yet does nothing, and the join would then wait forever.
    for (int i = 0; i < 5000 && !raw->is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  return true;
}

void HttpServer::Stop() {
  for (auto& s : servers_) {
    s->BeginStop();
    s->stop();
  }
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

}  // namespace cncert
