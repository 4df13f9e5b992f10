#include "exporter/web/guarded_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>

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
  // `ssl`: the connection's TLS session (its socket non-blocking), or null.
  GuardedStream(int sock, SSL* ssl, const ConnectionLimits& limits,
                const std::atomic<bool>& stopping)
      : sock_(sock), ssl_(ssl), limits_(limits), stopping_(stopping) {}

  void BeginRequest() {
    deadline_ = Clock::now() + limits_.request_deadline;
    request_bytes_ = 0;
  }
  // The request ran out of time or bytes, or stalled: httplib answers 400
  // and would read the rest as further requests; the connection ends
  // instead.
  bool cut() const { return cut_; }
  // Bytes of a further request already here: read ahead, or decrypted.
  bool buffered() const {
    return begin_ < end_ || (ssl_ != nullptr && SSL_pending(ssl_) > 0);
  }

  bool is_readable() const override {
    return buffered() || Wait(sock_, POLLIN, ReadWait(), &stopping_);
  }
  bool is_writable() const override {
    return Wait(sock_, POLLOUT, limits_.write_timeout);
  }
  ssize_t read(char* ptr, size_t size) override {
    // A client that keeps sending a byte now and then still ends here.
    if (Clock::now() >= deadline_) return Cut();
    if (begin_ >= end_) {
      if (request_bytes_ >= limits_.max_request_bytes) return Cut();
      const ssize_t n = Receive();
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
    if (ssl_ != nullptr) {
      if (size == 0) return 0;
      const int want = static_cast<int>(std::min<size_t>(size, 1 << 20));
      for (;;) {
        const int n = SSL_write(ssl_, ptr, want);
        if (n > 0) return n;
        const int error = SSL_get_error(ssl_, n);
        if (error == SSL_ERROR_WANT_WRITE &&
            Wait(sock_, POLLOUT, limits_.write_timeout)) {
          continue;
        }
        if (error == SSL_ERROR_WANT_READ &&
            Wait(sock_, POLLIN, limits_.write_timeout)) {
          continue;
        }
        return -1;
      }
    }
    // The head waits for the body: one send for both.
    if (pending_.size() + size <= kCoalesceBytes) {
      pending_.append(ptr, size);
      return static_cast<ssize_t>(size);
    }
    return SendAll(ptr, size) ? static_cast<ssize_t>(size) : -1;
  }
  // Sends what write() kept back; called when a response is complete and
  // before the next read (a "100 Continue" must be out before the body
  // comes).
  bool Flush() { return pending_.empty() || SendAll(nullptr, 0); }
  // Asked for by every request: looked up once for the connection.
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    if (!remote_.known) Endpoint(sock_, true, &remote_.ip, &remote_.port);
    remote_.known = true;
    ip = remote_.ip;
    port = remote_.port;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    if (!local_.known) Endpoint(sock_, false, &local_.ip, &local_.port);
    local_.known = true;
    ip = local_.ip;
    port = local_.port;
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

  // pending_ and then `size` bytes at `ptr`, waiting for room no longer
  // than the write timeout. Tried at once: the socket has room nearly
  // always, and a poll before each send would double the system calls.
  bool SendAll(const char* ptr, std::size_t size) {
    iovec parts[2] = {{pending_.data(), pending_.size()},
                      {const_cast<char*>(ptr), size}};
    iovec* next = parts;
    std::size_t left = 2;
    for (;;) {
      while (left > 0 && next->iov_len == 0) ++next, --left;
      if (left == 0) break;
      msghdr message{};
      message.msg_iov = next;
      message.msg_iovlen = left;
      const ssize_t n = ::sendmsg(sock_, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EINTR) continue;
        if ((errno == EAGAIN || errno == EWOULDBLOCK) &&
            Wait(sock_, POLLOUT, limits_.write_timeout)) {
          continue;
        }
        pending_.clear();
        return false;
      }
      for (auto sent = static_cast<std::size_t>(n); sent > 0;) {
        const std::size_t part = std::min(sent, next->iov_len);
        next->iov_base = static_cast<char*>(next->iov_base) + part;
        next->iov_len -= part;
        sent -= part;
        if (next->iov_len == 0 && left > 1) ++next, --left;
      }
    }
    pending_.clear();
    return true;
  }

  // What arrives next, waiting no longer than the request's deadline.
  ssize_t Receive() {
    if (ssl_ == nullptr) {
      if (!Flush()) return -1;
      // Tried at once, as sends are; polled for only when nothing is here.
      ssize_t n = 0;
      do {
        n = ::recv(sock_, buffer_, sizeof buffer_, MSG_DONTWAIT);
      } while (n < 0 && errno == EINTR);
      if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) return n;
      if (!Wait(sock_, POLLIN, ReadWait(), &stopping_)) return Cut();
      do {
        n = ::recv(sock_, buffer_, sizeof buffer_, 0);
      } while (n < 0 && errno == EINTR);
      return n;
    }
    for (;;) {
      const int n = SSL_read(ssl_, buffer_, sizeof buffer_);
      if (n > 0) return n;
      const int error = SSL_get_error(ssl_, n);
      if (error == SSL_ERROR_ZERO_RETURN) return 0;
      const short events = error == SSL_ERROR_WANT_READ    ? POLLIN
                           : error == SSL_ERROR_WANT_WRITE ? POLLOUT
                                                           : 0;
      if (events == 0) return -1;
      if (Clock::now() >= deadline_ ||
          !Wait(sock_, events, ReadWait(), &stopping_)) {
        return Cut();
      }
    }
  }

  int sock_;
  SSL* ssl_;
  const ConnectionLimits& limits_;
  const std::atomic<bool>& stopping_;
  bool cut_ = false;
  Clock::time_point deadline_ = Clock::now();
  std::size_t request_bytes_ = 0;
  char buffer_[4096];
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  struct Address {
    bool known = false;
    std::string ip;
    int port = 0;
  };
  mutable Address remote_;
  mutable Address local_;
  // A response's head, kept until its body (or its end) is sent.
  static constexpr std::size_t kCoalesceBytes = 4096;
  std::string pending_;
};

// The TLS handshake, done within `deadline`: a client that sends its
// hello a byte at a time holds a worker no longer than a slow request.
SSL* Handshake(int sock, SSL_CTX* ctx, Clock::time_point deadline,
               const std::atomic<bool>& stopping) {
  SSL* ssl = SSL_new(ctx);
  if (ssl == nullptr) return nullptr;
  const int flags = ::fcntl(sock, F_GETFL, 0);
  if (flags < 0 || ::fcntl(sock, F_SETFL, flags | O_NONBLOCK) < 0 ||
      SSL_set_fd(ssl, sock) != 1) {
    SSL_free(ssl);
    return nullptr;
  }
  for (;;) {
    const int r = SSL_accept(ssl);
    if (r == 1) return ssl;
    const int error = SSL_get_error(ssl, r);
    const short events = error == SSL_ERROR_WANT_READ    ? POLLIN
                         : error == SSL_ERROR_WANT_WRITE ? POLLOUT
                                                         : 0;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    if (events == 0 || left.count() <= 0 ||
        !Wait(sock, events, left, &stopping)) {
      SSL_free(ssl);
      return nullptr;
    }
  }
}

void Refuse(int sock) {
  static constexpr char kBusy[] =
      "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n"
      "Retry-After: 1\r\nContent-Type: text/plain; charset=utf-8\r\n"
      "Content-Length: 32\r\n\r\nToo many connections from you.\r\n";
  (void)::send(sock, kBusy, sizeof kBusy - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
}

}  // namespace

GuardedServer::GuardedServer(ConnectionLimits limits,
                             const std::function<bool(SSL_CTX&)>& set_up)
    : limits_(limits), tls_(true), ctx_(SSL_CTX_new(TLS_server_method())) {
  if (ctx_ != nullptr && !set_up(*ctx_)) {
    SSL_CTX_free(ctx_);
    ctx_ = nullptr;
  }
}

GuardedServer::~GuardedServer() {
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
}

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
  SSL* ssl = nullptr;
  if (!Admit(address)) {
    if (!tls_) Refuse(sock);  // over TLS, a plain answer would be noise
  } else if (tls_ && (ctx_ == nullptr ||
                      (ssl = Handshake(sock, ctx_,
                                       Clock::now() + limits_.request_deadline,
                                       stopping_)) == nullptr)) {
    Release(address);
  } else {
    GuardedStream stream(sock, ssl, limits_, stopping_);
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
      const bool sent = stream.Flush();
      if (!ok || !sent || closed || stream.cut()) break;
    }
    Release(address);
  }
  if (ssl != nullptr) {
    if (ok) SSL_shutdown(ssl);  // best effort: the socket does not wait
    SSL_free(ssl);
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

}  // namespace cncert
