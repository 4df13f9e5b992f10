// Watches the archive directory with inotify and calls back, debounced, after
// files are written, moved, or deleted; also on a timer as a safety net and
// soon again while files are still being written. The directories in it
// (a bulletin's "_files"; not hidden ones, such as the caches) are watched
// too: an image that arrives after its bulletin, or is replaced, is seen.
#ifndef CNCERT_EXPORTER_ARCHIVE_WATCHER_H_
#define CNCERT_EXPORTER_ARCHIVE_WATCHER_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <unordered_set>

namespace cncert {

class DirectoryWatcher {
 public:
  // `on_change` returns true when it wants another call soon (pending files).
  DirectoryWatcher(std::string directory, std::chrono::milliseconds debounce,
                   std::chrono::milliseconds rescan,
                   std::function<bool()> on_change);
  ~DirectoryWatcher();
  DirectoryWatcher(const DirectoryWatcher&) = delete;
  DirectoryWatcher& operator=(const DirectoryWatcher&) = delete;

  // False if inotify is unavailable; the timer still runs. `retry_soon`: call
  // back shortly after starting (files were pending at the first load).
  bool Start(std::string* error, bool retry_soon = false);
  void Stop();
  // Asks for a (debounced) call soon: results of background work arrived.
  void Poke();

 private:
  void Loop(bool retry_soon);
  // Watches the directory's path again: it was replaced or removed.
  void Rewatch();
  // Watches the directory `name` in it, if there is room.
  void WatchSubdirectory(const std::string& name);
  // Reads pending events; true if the directory itself went away.
  bool DrainEvents();

  std::string directory_;
  std::chrono::milliseconds debounce_;
  std::chrono::milliseconds rescan_;
  std::function<bool()> on_change_;
  int inotify_fd_ = -1;
  int wake_fd_ = -1;  // eventfd that ends the loop
  int poke_fd_ = -1;  // eventfd that asks for a call
  bool watching_ = false;
  int root_watch_ = -1;
  // Beyond this, changes in further directories wait for the timer.
  static constexpr std::size_t kMaxSubdirectories = 4096;
  std::unordered_set<int> subdirectory_watches_;
  std::thread thread_;
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_ARCHIVE_WATCHER_H_
