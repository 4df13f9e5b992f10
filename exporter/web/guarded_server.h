// httplib's server, plain or TLS, with the limits that its version in
// Debian 12 (0.11) lacks, so that slow or greedy clients cannot take the
// exporter's few workers:
// - a deadline for each whole request (its read timeout restarts with every
//   byte, so one header line every few seconds held a worker for ever);
// - a cap on the bytes of a request, which bounds the number and size of
//   its headers (read before auth);
// - a cap on the connections of one client address (the rest get a 503);
// - pipelined requests, which httplib's keep-alive loop left unanswered.
// It replaces httplib's per-connection loop (process_and_close_socket), its
// TLS handshake included (under the same deadline), and hands each request
// to httplib's own parser and router.
#ifndef CNCERT_EXPORTER_WEB_GUARDED_SERVER_H_
#define CNCERT_EXPORTER_WEB_GUARDED_SERVER_H_

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace cncert {

struct ConnectionLimits {
  std::chrono::milliseconds request_deadline{10000};  // first byte → last
  std::chrono::milliseconds read_timeout{5000};       // between two bytes
  std::chrono::milliseconds write_timeout{30000};
  std::chrono::milliseconds keep_alive_idle{5000};  // between two requests
  std::size_t keep_alive_max = 100;                 // requests a connection
  std::size_t max_request_bytes = 64u << 10;        // line, headers, body
  int max_connections_per_client = 4;               // 0: no cap
};

class GuardedServer : public httplib::Server {
 public:
  explicit GuardedServer(ConnectionLimits limits) : limits_(limits) {}
  // TLS with a context that `set_up` prepares (certificates, versions,
  // client verification); see ok().
  GuardedServer(ConnectionLimits limits,
                const std::function<bool(SSL_CTX&)>& set_up);
  ~GuardedServer() override;
  GuardedServer(const GuardedServer&) = delete;
  GuardedServer& operator=(const GuardedServer&) = delete;

  // False when the TLS context could not be set up.
  bool ok() const { return !tls_ || ctx_ != nullptr; }

  // Connections open now from `address` (for tests and metrics).
  int connections_from(const std::string& address);

  // Ends idle and half-read connections within a tenth of a second, so
  // that stop() need not wait for slow clients. Call before stop().
  void BeginStop() { stopping_ = true; }

 private:
  bool process_and_close_socket(socket_t sock) override;
  bool Admit(const std::string& address);
  void Release(const std::string& address);

  const ConnectionLimits limits_;
  const bool tls_ = false;
  SSL_CTX* ctx_ = nullptr;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::map<std::string, int> clients_;
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_WEB_GUARDED_SERVER_H_
