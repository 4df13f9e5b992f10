// The HTTP side: /metrics, landing page, health, readiness, reload and the
// JSON API, on one or more listen addresses, with TLS and basic auth from the
// web config.
#ifndef CNCERT_EXPORTER_WEB_HTTP_SERVER_H_
#define CNCERT_EXPORTER_WEB_HTTP_SERVER_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "exporter/core/exporter.h"
#include "exporter/web/basic_auth.h"
#include "exporter/web/pages.h"
#include "exporter/web/web_config.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace cncert {

class GuardedServer;

struct HttpOptions {
  std::vector<std::string>
      listen_addresses;  // "host:port", ":port", "[::1]:port"
  std::string telemetry_path = "/metrics";
  bool enable_lifecycle = false;
  // Requests served or waiting at once; more get 503. 0: no limit.
  int max_requests = 40;
  WebConfig web_config;
  // The file it came from: reread when it changes, as exporter-toolkit
  // does, so that a revoked password or a new header takes effect without a
  // restart (TLS certificates still need one).
  std::string web_config_file;
  int read_timeout_seconds = 30;
  int write_timeout_seconds = 30;
  std::size_t max_request_bytes = std::size_t{64} * 1024;
  int worker_threads = 8;
  // Plain HTTP (GuardedServer): a whole request must arrive within this,
  // and one client address holds at most this many connections (0: any).
  std::chrono::milliseconds request_deadline{10000};
  int max_connections_per_client = 4;
  // Called for POST /-/reload; returns whether the reload succeeded.
  std::function<bool()> reload;
  // Called for POST /-/quit.
  std::function<void()> quit;
};

class HttpServer {
 public:
  HttpServer(Exporter& exporter, HttpOptions options);
  ~HttpServer();

  // Binds every address; false with a message if one cannot be bound.
  bool Start(std::string* error);
  void Stop();
  // "127.0.0.1:10036" for each bound address (with the real port for ":0").
  const std::vector<std::string>& bound() const { return bound_; }

 private:
  void Route(httplib::Server& server);
  // /api/v1/bulletins: requests at once, and bulletins per page.
  static constexpr int kMaxApiRequests = 4;
  static constexpr std::size_t kMaxApiPage = 1000;
  std::mutex pages_mutex_;
  std::shared_ptr<Pages> pages_;
  std::atomic<int> api_requests_{0};
  static void RespectAcceptEncoding(const httplib::Request& req);
  // One handler per endpoint.
  bool PreRoute(const httplib::Request& req, httplib::Response& res);
  void Lifecycle(const httplib::Request& req, httplib::Response& res);
  void Metrics(const httplib::Request& req, httplib::Response& res);
  void Landing(const httplib::Request& req, httplib::Response& res);
  void Browse(const httplib::Request& req, httplib::Response& res);
  // The pages of the current snapshot, made again after each reload.
  std::shared_ptr<Pages> CurrentPages();
  void Ready(const httplib::Request& req, httplib::Response& res);
  void Bulletins(const httplib::Request& req, httplib::Response& res);
  void LatestBulletin(const httplib::Request& req, httplib::Response& res);

  Exporter& exporter_;
  HttpOptions options_;
  // Users and headers of the web config in force, swapped when it changes.
  struct Access {
    std::shared_ptr<BasicAuth> auth;
    std::map<std::string, std::string> headers;
  };
  std::shared_ptr<const Access> CurrentAccess();

  std::mutex access_mutex_;
  std::shared_ptr<const Access> access_;
  std::chrono::steady_clock::time_point access_checked_;
  std::string access_stamp_;  // size, mtime and inode of the file
  std::vector<std::unique_ptr<GuardedServer>> servers_;
  std::vector<std::thread> threads_;
  std::vector<std::string> bound_;
};

// Splits "host:port" (":port" means all interfaces, "[v6]:port" too).
bool SplitListenAddress(const std::string& address, std::string* host,
                        int* port);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_WEB_HTTP_SERVER_H_
