#include "parsers/child_call.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>

#include "parsers/allocation_watch.h"

namespace cncert {

namespace {

// How the child says what happened besides a signal.
constexpr int kExitOverMemory = 86;
constexpr int kExitThrew = 87;
// Where the child writes its result: dup'ed here before the other
// descriptors are closed, so that no sibling child holds our pipe open.
constexpr int kResultFd = 3;

void WriteAll(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ::_exit(kExitThrew);
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

void Complain(const char* what) {
  const std::size_t n = std::strlen(what);
  (void)!::write(STDERR_FILENO, what, n);
  (void)!::write(STDERR_FILENO, "\n", 1);
}

// What the process has writable and private (VmData: heaps, anonymous
// mappings, thread stacks), in bytes; 0 if it cannot be read.
std::size_t CurrentData() {
  std::FILE* f = std::fopen("/proc/self/status", "re");
  if (f == nullptr) return 0;
  std::size_t kb = 0;
  char line[128];
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::sscanf(line, "VmData: %zu kB", &kb) == 1) break;
  }
  std::fclose(f);
  return kb << 10;
}

[[noreturn]] void RunChild(const ChildBudget& budget,
                           const std::function<std::string()>& work,
                           int result_fd, int stderr_fd) {
  ::dup2(stderr_fd, STDERR_FILENO);
  if (result_fd != kResultFd) ::dup2(result_fd, kResultFd);
  ::close_range(kResultFd + 1, ~0U, 0);
  // The service's MemoryMax covers the child too: if the kernel must kill
  // something, it is this call, not the exporter.
  if (const int oom = ::open("/proc/self/oom_score_adj", O_WRONLY); oom >= 0) {
    (void)!::write(oom, "1000", 4);
    ::close(oom);
  }
  if (ChildMemoryBudgetEnforced()) {
    // A data limit, not an address-space one: every way memory is taken
    // counts against it (brk, anonymous mappings, and the reserved heaps of
    // ended threads that glibc makes writable when the main heap is full).
    // With an address-space limit as well, the kernel lets a reserved
    // region be made writable past the data limit once the address space
    // is full, and those heaps grew unchecked.
    // Without /proc, no limit rather than one every call would fail.
    if (const std::size_t now = CurrentData(); now > 0) {
      const rlim_t limit = now + budget.memory_bytes;
      const rlimit data{limit, limit};
      ::setrlimit(RLIMIT_DATA, &data);
    }
  }
  const auto seconds = static_cast<rlim_t>(
      std::chrono::ceil<std::chrono::seconds>(budget.time).count() + 1);
  const rlimit cpu{seconds, seconds};
  ::setrlimit(RLIMIT_CPU, &cpu);
  WatchAllocations();
  std::string output;
  try {
    output = work();
  } catch (const std::bad_alloc&) {
    ::_exit(kExitOverMemory);
  } catch (const std::exception& e) {
    Complain(e.what());
    ::_exit(kExitThrew);
  } catch (...) {
    ::_exit(kExitThrew);
  }
  // The library may have gone on with less than it needed.
  if (AllocationFailed()) ::_exit(kExitOverMemory);
  const std::uint64_t size = output.size();
  WriteAll(kResultFd, reinterpret_cast<const char*>(&size), sizeof size);
  WriteAll(kResultFd, output.data(), output.size());
  ::_exit(0);
}

// The last line the child wrote on stderr (libraries say why they abort).
std::string LastLine(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size <= 0) return "";
  constexpr off_t kTail = 1024;
  const off_t from = st.st_size > kTail ? st.st_size - kTail : 0;
  std::string tail(static_cast<std::size_t>(st.st_size - from), '\0');
  const ssize_t n = ::pread(fd, tail.data(), tail.size(), from);
  tail.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) {
    tail.pop_back();
  }
  const std::size_t eol = tail.rfind('\n');
  return eol == std::string::npos ? tail : tail.substr(eol + 1);
}

bool Said(int fd, std::string_view marker) {
  char buf[4096];
  const ssize_t n = ::pread(fd, buf, sizeof buf, 0);
  return n > 0 &&
         std::string_view(buf, static_cast<std::size_t>(n)).find(marker) !=
             std::string_view::npos;
}

std::string SignalName(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return abbrev != nullptr ? std::string("SIG") + abbrev
                           : "signal " + std::to_string(sig);
}

std::string Megabytes(std::size_t bytes) {
  return std::to_string(bytes >> 20) + " MB";
}

std::string Seconds(std::chrono::milliseconds t) {
  const long long ms = t.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s"
                        : std::to_string(ms) + " ms";
}

// Reads the child's result until it closes the pipe or the deadline
// passes. False at the deadline.
bool ReadResult(int fd, std::chrono::steady_clock::time_point deadline,
                std::size_t cap, std::string* out) {
  char buf[1 << 16];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) return false;
    if (ready < 0) return true;  // as if closed: the exit status tells
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return true;
    if (out->size() < cap) out->append(buf, static_cast<std::size_t>(n));
  }
}

}  // namespace

bool ChildMemoryBudgetEnforced() { return kAllocationsWatched; }

bool ReadersRunInChildren() {
#ifdef CNCERT_ADDRESS_SANITIZER
  return false;
#else
  return true;
#endif
}

ChildResult CallInChild(const ChildBudget& budget,
                        const std::function<std::string()>& work) {
  ChildResult result;
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    result.error = std::string("cannot make a pipe: ") + std::strerror(errno);
    return result;
  }
  const int stderr_fd = ::memfd_create("cncert-child-stderr", MFD_CLOEXEC);
  if (stderr_fd < 0) {
    result.error = std::string("cannot make a memfd: ") + std::strerror(errno);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return result;
  }
  const pid_t pid = ::fork();
  if (pid == 0) RunChild(budget, work, pipe_fds[1], stderr_fd);
  ::close(pipe_fds[1]);
  if (pid < 0) {
    result.error = std::string("cannot start a child: ") + std::strerror(errno);
    ::close(pipe_fds[0]);
    ::close(stderr_fd);
    return result;
  }
  std::string raw;
  const bool in_time =
      ReadResult(pipe_fds[0], std::chrono::steady_clock::now() + budget.time,
                 budget.memory_bytes + sizeof(std::uint64_t), &raw);
  ::close(pipe_fds[0]);
  if (!in_time) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const std::string said = LastLine(stderr_fd);
  const bool watched_failure = Said(stderr_fd, kAllocationFailedMarker);
  ::close(stderr_fd);
  const auto with_said = [&said](const std::string& what) {
    return said.empty() ? what : what + ": " + said;
  };
  // Libraries that abort on a failed allocation say so first.
  const bool out_of_memory_said =
      said.find("Out of memory") != std::string::npos ||
      said.find("bad_alloc") != std::string::npos || watched_failure;

  std::uint64_t size = 0;
  if (!in_time) {
    result.outcome = ChildOutcome::kOverTime;
    result.error = "went over its time budget of " + Seconds(budget.time);
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
             raw.size() >= sizeof size &&
             (std::memcpy(&size, raw.data(), sizeof size),
              size == raw.size() - sizeof size)) {
    result.outcome = ChildOutcome::kDone;
    result.output = raw.substr(sizeof size);
  } else if ((WIFEXITED(status) && WEXITSTATUS(status) == kExitOverMemory) ||
             (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL &&
              out_of_memory_said)) {
    result.outcome = ChildOutcome::kOverMemory;
    result.error =
        "went over its memory budget of " + Megabytes(budget.memory_bytes);
  } else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
    result.outcome = ChildOutcome::kOverMemory;
    result.error =
        "was killed from outside (the kernel's OOM killer, when the "
        "service's memory limit is reached)";
  } else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU) {
    result.outcome = ChildOutcome::kOverTime;
    result.error = "went over its CPU time budget of " + Seconds(budget.time);
  } else if (WIFSIGNALED(status)) {
    result.outcome = ChildOutcome::kCrashed;
    result.error = with_said("crashed (" + SignalName(WTERMSIG(status)) + ")");
  } else {
    result.outcome = ChildOutcome::kCrashed;
    result.error =
        with_said(WIFEXITED(status) && WEXITSTATUS(status) == kExitThrew
                      ? std::string("failed with an exception")
                      : "stopped without a result");
  }
  return result;
}

}  // namespace cncert
