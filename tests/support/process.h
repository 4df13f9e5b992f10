// Real processes for integration tests: the exporter on a port the kernel
// picks, Prometheus on loopback, and a small HTTP client.
#ifndef CNCERT_TESTS_SUPPORT_PROCESS_H_
#define CNCERT_TESTS_SUPPORT_PROCESS_H_

#include <sys/types.h>
#include <time.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cncert::testing {

// Starts `argv` (searched in PATH) with stdout to `out_path` and stderr to
// `err_path` (empty: to stdout), stdin from /dev/null and no signal blocked.
// Returns the pid, or -1.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& out_path,
            const std::string& err_path);

class Process {
 public:
  // Starts `argv[0]` with stdout and stderr to a log file.
  explicit Process(std::vector<std::string> argv);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  bool running();
  pid_t pid() const { return pid_; }  // -1 once it has ended
  // The most memory the process has held resident (VmHWM), in bytes; 0 when
  // it is gone.
  long long PeakResidentBytes() const;
  void Signal(int sig);
  // SIGTERM, then waits; returns the exit status (128+signal if killed).
  int Stop(std::chrono::seconds grace = std::chrono::seconds(10));
  std::string Log() const;
  // Waits until the log contains `text`; false on timeout or exit.
  bool WaitForLog(const std::string& text, std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  std::string log_path_;
};

// The exporter's `serve` on 127.0.0.1 with a kernel-chosen port.
class ExporterServer {
 public:
  explicit ExporterServer(std::vector<std::string> extra_args,
                          bool tls = false);
  bool ok() const { return port_ > 0; }
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  Process& process() { return process_; }

 private:
  Process process_;
  int port_ = -1;
};

struct HttpResult {
  int status = 0;
  std::string body;
  std::string content_type;
  std::string content_encoding;
  std::string vary;
  std::multimap<std::string, std::string> headers;
};
HttpResult HttpGet(
    int port, const std::string& path,
    const std::vector<std::pair<std::string, std::string>>& headers = {});
HttpResult HttpPost(int port, const std::string& path);

// A raw TCP connection to 127.0.0.1:`port` (-1 on failure), for clients
// that misbehave on purpose: slow, partial or oversized requests.
int ConnectLoopback(int port);
// The same from another loopback address (e.g. "127.0.0.2"): a second
// client, as the server sees it.
int ConnectLoopbackFrom(int port, const char* source);

// Whether the other end closes `fd` within `wait`; what it sends meanwhile
// (a last response) is read and dropped.
bool ClosedByPeer(int fd, std::chrono::milliseconds wait);

// A TCP port free on 127.0.0.1 right now.
int FreePort();

// Polls `condition` every 50 ms until true or `timeout`.
template <typename F>
bool Eventually(F condition, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (condition()) return true;
    struct timespec ts {
      0, 50'000'000
    };
    nanosleep(&ts, nullptr);
  }
  return condition();
}

// Runs a command (no shell) and returns exit status and combined output.
struct Output {
  int status = -1;
  std::string text;
};
Output RunCommand(const std::vector<std::string>& argv);

// The value of `series` (exact text before the value) in an exposition.
std::optional<double> ScrapeValue(const std::string& exposition,
                                  const std::string& series);

}  // namespace cncert::testing

#endif  // CNCERT_TESTS_SUPPORT_PROCESS_H_
