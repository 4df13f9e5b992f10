#include "parsers/allocation_watch.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>

namespace cncert {

namespace {
std::atomic<bool> watching{false};
std::atomic<bool> failed{false};

[[maybe_unused]] void* Seen(void* p, std::size_t size) {
  if (p == nullptr && size != 0 && watching.load(std::memory_order_relaxed) &&
      !failed.exchange(true, std::memory_order_relaxed)) {
    (void)!::write(STDERR_FILENO, kAllocationFailedMarker.data(),
                   kAllocationFailedMarker.size());
    (void)!::write(STDERR_FILENO, "\n", 1);
    errno = ENOMEM;
  }
  return p;
}
}  // namespace

void WatchAllocations() {
  failed.store(false);
  watching.store(true);
}

bool AllocationFailed() { return failed.load(); }

}  // namespace cncert

// glibc's allocator behind a check: the executable's definitions take
// precedence for every library.
#if !defined(CNCERT_ADDRESS_SANITIZER) && !defined(CNCERT_NO_ALLOCATION_WATCH)
// NOLINTBEGIN(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t n, std::size_t size);
void* __libc_realloc(void* p, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);

void* malloc(std::size_t size) noexcept {
  return cncert::Seen(__libc_malloc(size), size);
}
void* calloc(std::size_t n, std::size_t size) noexcept {
  return cncert::Seen(__libc_calloc(n, size), n * size);
}
void* realloc(void* p, std::size_t size) noexcept {
  return cncert::Seen(__libc_realloc(p, size), size);
}
void* memalign(std::size_t alignment, std::size_t size) noexcept {
  return cncert::Seen(__libc_memalign(alignment, size), size);
}
void* aligned_alloc(std::size_t alignment, std::size_t size) noexcept {
  return cncert::Seen(__libc_memalign(alignment, size), size);
}
int posix_memalign(void** out, std::size_t alignment,
                   std::size_t size) noexcept {
  if (alignment % sizeof(void*) != 0 || (alignment & (alignment - 1)) != 0) {
    return EINVAL;
  }
  void* p = cncert::Seen(__libc_memalign(alignment, size), size);
  if (p == nullptr && size != 0) return ENOMEM;
  *out = p;
  return 0;
}
}
// NOLINTEND(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
#endif
