#include "exporter/base/inotify_events.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace cncert {

void DrainInotifyEvents(
    int fd, const std::function<void(const InotifyEvent&)>& on_event) {
  alignas(inotify_event) std::array<char, 16384> buffer{};
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // EAGAIN: all read
    for (ssize_t at = 0; at < n;) {
      inotify_event event{};
      std::memcpy(&event, buffer.data() + at, sizeof event);
      // The name is padded with NULs to `len`.
      const char* name = buffer.data() + at + sizeof event;
      at += static_cast<ssize_t>(sizeof event + event.len);
      on_event({event.wd, event.mask,
                event.len > 0
                    ? std::string_view(name, ::strnlen(name, event.len))
                    : std::string_view()});
    }
  }
}

}  // namespace cncert
