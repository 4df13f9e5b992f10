#include "exporter/web/guarded_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace cncert {

namespace {

using Clock = std::chrono::steady_clock;

// Address and port of a socket's peer (or itself).
bool Endpoint(int sock, bool peer, std::string* ip, int* port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  auto* sa = reinterpret_cast<sockaddr*>(&addr);
  if ((peer ? ::getpeername(sock, sa, &len) : ::getsockname(sock, sa, &len)) !=
      0) {
    return false;
  }
  char buf[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
    ::inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
    *port = ntohs(in->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
    *port = ntohs(in6->sin6_port);
  } else {
    return false;
  }
  *ip = buf;
  return true;
}

// Waits for `events` on `sock` at most `timeout`, in slices so that a stop
// is noticed; true when ready.
bool Wait(int sock, short events, std::chrono::milliseconds timeout,
          const std::atomic<bool>* stopping = nullptr) {
  const auto end = Clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - Clock::now());
    const auto total =
        std::max<std::chrono::milliseconds::rep>(0, left.count());
    const auto slice =
        stopping ? std::min<std::chrono::milliseconds::rep>(total, 100) : total;
    pollfd p{sock, events, 0};
    int r = 0;
    do {
      r = ::poll(&p, 1, static_cast<int>(slice));
    } while (r < 0 && errno == EINTR);
    if (r != 0) return r > 0;
    if (total <= slice || (stopping && stopping->load())) return false;
  }
}

// A socket stream whose reads end at the request's deadline and byte cap,
// and which keeps what it read ahead (a pipelined request) for the next.
class GuardedStream : public httplib::Stream {
 public:
  GuardedStream(int sock, const ConnectionLimits& limits,
                const std::atomic<bool>& stopping)
      : sock_(sock), limits_(limits), stopping_(stopping) {}

  void BeginRequest() {
    deadline_ = Clock::now() + limits_.request_deadline;
    request_bytes_ = 0;
  }
  // The request ran out of time or bytes, or stalled: httplib answers 400
  // and would read the rest as further requests; the connection ends
  // instead.
  bool cut() const { return cut_; }
  bool buffered() const { return begin_ < end_; }

  bool is_readable() const override {
    return buffered() || Wait(sock_, POLLIN, ReadWait(), &stopping_);
  }
  bool is_writable() const override {
    return Wait(sock_, POLLOUT, limits_.write_timeout);
  }
  ssize_t read(char* ptr, size_t size) override {
    // A client that keeps sending a byte now and then still ends here.
    if (Clock::now() >= deadline_) return Cut();
    if (!buffered()) {
      if (request_bytes_ >= limits_.max_request_bytes) return Cut();
      if (!Wait(sock_, POLLIN, ReadWait(), &stopping_)) return Cut();
      ssize_t n = 0;
      do {
        n = ::recv(sock_, buffer_, sizeof buffer_, 0);
      } while (n < 0 && errno == EINTR);
      if (n <= 0) return n;
      begin_ = 0;
      end_ = static_cast<std::size_t>(n);
      request_bytes_ += end_;
    }
    const std::size_t n = std::min(size, end_ - begin_);
    std::memcpy(ptr, buffer_ + begin_, n);
    begin_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    if (!is_writable()) return -1;
    ssize_t n = 0;
    do {
      n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n;
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    Endpoint(sock_, true, &ip, &port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    Endpoint(sock_, false, &ip, &port);
  }
  socket_t socket() const override { return sock_; }

 private:
  // The read timeout, cut short by the request's deadline.
  std::chrono::milliseconds ReadWait() const {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline_ - Clock::now());
    return std::clamp(left, std::chrono::milliseconds(0), limits_.read_timeout);
  }

  ssize_t Cut() {
    cut_ = true;
    return -1;
  }

  int sock_;
  const ConnectionLimits& limits_;
  const std::atomic<bool>& stopping_;
  bool cut_ = false;
  Clock::time_point deadline_ = Clock::now();
  std::size_t request_bytes_ = 0;
  char buffer_[4096];
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

void Refuse(int sock) {
  static constexpr char kBusy[] =
      "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n"
      "Retry-After: 1\r\nContent-Type: text/plain; charset=utf-8\r\n"
      "Content-Length: 32\r\n\r\nToo many connections from you.\r\n";
  (void)::send(sock, kBusy, sizeof kBusy - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
}

}  // namespace

int GuardedServer::connections_from(const std::string& address) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = clients_.find(address);
  return it == clients_.end() ? 0 : it->second;
}

bool GuardedServer::Admit(const std::string& address) {
  std::lock_guard<std::mutex> lock(mutex_);
  int& n = clients_[address];
  if (limits_.max_connections_per_client > 0 &&
      n >= limits_.max_connections_per_client) {
    return false;
  }
  ++n;
  return true;
}

void GuardedServer::Release(const std::string& address) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = clients_.find(address);
  if (it != clients_.end() && --it->second <= 0) clients_.erase(it);
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
  std::string address;
  int port = 0;
  Endpoint(sock, true, &address, &port);
  bool ok = false;
  if (!Admit(address)) {
    Refuse(sock);
  } else {
    GuardedStream stream(sock, limits_, stopping_);
    for (std::size_t i = 0; i < limits_.keep_alive_max; ++i) {
      // Idle between requests; a pipelined request is already here.
      if (!stream.buffered()) {
        const auto idle_end = Clock::now() + limits_.keep_alive_idle;
        bool readable = false;
        while (!stopping_ && Clock::now() < idle_end && !readable) {
          readable = Wait(sock, POLLIN, std::chrono::milliseconds(100));
        }
        if (!readable) break;
      }
      stream.BeginRequest();
      bool closed = false;
      ok = process_request(stream, i + 1 == limits_.keep_alive_max || stopping_,
                           closed, nullptr);
      if (!ok || closed || stream.cut()) break;
    }
    Release(address);
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

}  // namespace cncert
