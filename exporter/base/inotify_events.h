// Reads every event waiting on a non-blocking inotify descriptor: the
// archive's watcher and the image directories' changes both drain theirs.
#ifndef CNCERT_EXPORTER_BASE_INOTIFY_EVENTS_H_
#define CNCERT_EXPORTER_BASE_INOTIFY_EVENTS_H_

#include <cstdint>
#include <functional>
#include <string_view>

namespace cncert {

struct InotifyEvent {
  int watch = -1;
  std::uint32_t mask = 0;
  std::string_view name;  // of the entry in the watched directory, if any
};

// Calls `on_event` for each event until the descriptor has none left.
void DrainInotifyEvents(
    int fd, const std::function<void(const InotifyEvent&)>& on_event);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_BASE_INOTIFY_EVENTS_H_
