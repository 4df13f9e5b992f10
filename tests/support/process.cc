#include "tests/support/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <re2/re2.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/test_support.h"

extern char** environ;

namespace cncert::testing {

namespace {
// TLS clients write with write(2): a server closing on them must not kill the
// test process.
const bool kIgnoreSigpipe = [] {
  ::signal(SIGPIPE, SIG_IGN);
  return true;
}();
}  // namespace

pid_t Spawn(const std::vector<std::string>& argv, const std::string& out_path,
            const std::string& err_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (err_path.empty()) {
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
  } else {
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
  }
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::vector<std::string> storage = argv;
  std::vector<char*> args;
  for (auto& a : storage) args.push_back(a.data());
  args.push_back(nullptr);
  // The child starts with no signal blocked, whatever the test runner did.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  pid_t pid = -1;
  if (posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ) != 0)
    pid = -1;
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

Process::Process(std::vector<std::string> argv) {
  static int counter = 0;
  log_path_ = (std::filesystem::temp_directory_path() /
               ("cncert_proc_" + std::to_string(::getpid()) + "_" +
                std::to_string(counter++) + ".log"))
                  .string();
  pid_ = Spawn(argv, log_path_, "");
}

CommandResult RunExporter(const std::vector<std::string>& args) {
  std::vector<std::string> argv{CNCERT_EXPORTER_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunBinary(argv);
}

CommandResult RunBinary(const std::vector<std::string>& argv) {
  CommandResult result;
  const std::string dir = MakeTempDir();
  const std::string out_path = dir + "/out";
  const std::string err_path = dir + "/err";
  const pid_t pid = Spawn(argv, out_path, err_path);
  if (pid > 0) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.status =
        WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  std::filesystem::remove_all(dir);
  return result;
}

Process::~Process() {
  if (running()) Stop(std::chrono::seconds(5));
  std::filesystem::remove(log_path_);
}

bool Process::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    pid_ = -1;
    return false;
  }
  return true;
}

void Process::Signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

int Process::Stop(std::chrono::seconds grace) {
  if (!running()) return status_;
  ::kill(pid_, SIGTERM);
  if (!Eventually([this] { return !running(); }, grace)) {
    ::kill(pid_, SIGKILL);
    Eventually([this] { return !running(); }, std::chrono::seconds(5));
  }
  return status_;
}

std::string Process::Log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool Process::WaitForLog(const std::string& text,
                         std::chrono::milliseconds timeout) {
  return Eventually([&] { return Log().find(text) != std::string::npos; },
                    timeout);
}

ExporterServer::ExporterServer(std::vector<std::string> extra_args, bool tls)
    : process_([&] {
        std::vector<std::string> argv{CNCERT_EXPORTER_BINARY,    "serve",
                                      "--web.listen-address",    "127.0.0.1:0",
                                      "--bulletins.debounce-ms", "100"};
        argv.insert(argv.end(), extra_args.begin(), extra_args.end());
        return argv;
      }()) {
  (void)tls;
  if (!process_.WaitForLog("msg=listening", std::chrono::seconds(15))) return;
  static const RE2 kAddress(R"(msg=listening address=127\.0\.0\.1:(\d+))");
  RE2::PartialMatch(process_.Log(), kAddress, &port_);
}

namespace {

HttpResult Convert(const httplib::Result& r) {
  HttpResult out;
  if (!r) return out;
  out.status = r->status;
  out.body = r->body;
  out.content_type = r->get_header_value("Content-Type");
  out.content_encoding = r->get_header_value("Content-Encoding");
  out.vary = r->get_header_value("Vary");
  out.headers.insert(r->headers.begin(), r->headers.end());
  return out;
}

}  // namespace

HttpResult HttpGet(
    int port, const std::string& path,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10, 0);
  client.set_decompress(false);
  httplib::Headers h;
  for (const auto& [k, v] : headers) h.emplace(k, v);
  return Convert(client.Get(path, h));
}

HttpResult HttpPost(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(30, 0);
  return Convert(client.Post(path));
}

int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

int ConnectLoopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

int ConnectLoopbackFrom(int port, const char* source) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, source, &from.sin_addr);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool ClosedByPeer(int fd, std::chrono::milliseconds wait) {
  const auto end = std::chrono::steady_clock::now() + wait;
  char buf[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::max<long long>(0, left.count()))) <=
        0) {
      return false;
    }
    if (::recv(fd, buf, sizeof buf, MSG_DONTWAIT) <= 0) return true;
  }
}

long long Process::PeakResidentBytes() const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmHWM:")) {
      return std::stoll(line.substr(6)) * 1024;  // "VmHWM:   1234 kB"
    }
  }
  return 0;
}

Output RunCommand(const std::vector<std::string>& argv) {
  Process p(argv);
  Eventually([&p] { return !p.running(); }, std::chrono::seconds(120));
  Output out;
  out.status = p.Stop();
  out.text = p.Log();
  return out;
}

std::optional<double> ScrapeValue(const std::string& exposition,
                                  const std::string& series) {
  std::istringstream lines(exposition);
  for (std::string line; std::getline(lines, line);) {
    if (line.size() > series.size() &&
        line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return std::nullopt;
}

}  // namespace cncert::testing
