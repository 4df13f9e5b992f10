#include "exporter/archive/watcher.h"

#include <dirent.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "exporter/base/inotify_events.h"

namespace cncert {

DirectoryWatcher::DirectoryWatcher(std::string directory,
                                   std::chrono::milliseconds debounce,
                                   std::chrono::milliseconds rescan,
                                   std::function<bool()> on_change)
    : directory_(std::move(directory)),
      debounce_(debounce),
      rescan_(rescan),
      on_change_(std::move(on_change)) {}

DirectoryWatcher::~DirectoryWatcher() { Stop(); }

bool DirectoryWatcher::Start(std::string* error, bool retry_soon) {
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  poke_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  inotify_fd_ = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  bool ok = true;
  if (inotify_fd_ >= 0) Rewatch();
  if (inotify_fd_ < 0 || !watching_) {
    *error = std::string("inotify unavailable: ") + std::strerror(errno);
    if (inotify_fd_ >= 0) ::close(inotify_fd_);
    inotify_fd_ = -1;
    ok = false;
  }
  thread_ = std::thread([this, retry_soon] { Loop(retry_soon); });
  return ok;
}

namespace {

constexpr std::uint32_t kChanges = IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_TO |
                                   IN_MOVED_FROM | IN_DELETE | IN_ATTRIB;

}  // namespace

void DirectoryWatcher::Rewatch() {
  // The directories of the one that went away go with it.
  for (const int wd : subdirectory_watches_) {
    ::inotify_rm_watch(inotify_fd_, wd);
  }
  subdirectory_watches_.clear();
  root_watch_ = ::inotify_add_watch(inotify_fd_, directory_.c_str(),
                                    kChanges | IN_DELETE_SELF | IN_MOVE_SELF);
  watching_ = root_watch_ >= 0;
  if (!watching_) return;
  DIR* dir = ::opendir(directory_.c_str());
  if (dir == nullptr) return;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_type == DT_DIR || entry->d_type == DT_UNKNOWN) {
      WatchSubdirectory(entry->d_name);
    }
  }
  ::closedir(dir);
}

void DirectoryWatcher::WatchSubdirectory(const std::string& name) {
  if (name.empty() || name[0] == '.' ||
      subdirectory_watches_.size() >= kMaxSubdirectories) {
    return;
  }
  // Not a directory (a file of unknown type), or a symlink: not watched.
  const int wd =
      ::inotify_add_watch(inotify_fd_, (directory_ + "/" + name).c_str(),
                          kChanges | IN_ONLYDIR | IN_DONT_FOLLOW);
  if (wd >= 0 && wd != root_watch_) subdirectory_watches_.insert(wd);
}

bool DirectoryWatcher::DrainEvents() {
  bool gone = false;
  DrainInotifyEvents(inotify_fd_, [&](const InotifyEvent& e) {
    if (e.watch != root_watch_) {
      // A directory in it went away: the kernel dropped its watch.
      if (e.mask & IN_IGNORED) subdirectory_watches_.erase(e.watch);
      return;
    }
    gone = gone || (e.mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED));
    if ((e.mask & IN_ISDIR) && (e.mask & (IN_CREATE | IN_MOVED_TO)) &&
        !e.name.empty()) {
      WatchSubdirectory(std::string(e.name));
    }
  });
  return gone;
}

void DirectoryWatcher::Poke() {
  if (poke_fd_ < 0) return;
  const std::uint64_t one = 1;
  (void)!::write(poke_fd_, &one, sizeof one);
}

void DirectoryWatcher::Stop() {
  if (wake_fd_ >= 0) {
    const std::uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);
  }
  if (thread_.joinable()) thread_.join();
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
  if (poke_fd_ >= 0) ::close(poke_fd_);
  inotify_fd_ = wake_fd_ = poke_fd_ = -1;
}

void DirectoryWatcher::Loop(bool retry_soon) {
  using Clock = std::chrono::steady_clock;
  auto next_rescan = Clock::now() + rescan_;
  // The next (debounced) reload.
  Clock::time_point due = retry_soon
                              ? Clock::now() + std::chrono::milliseconds(1000)
                              : Clock::time_point::max();
  // Writes that never pause must not postpone the reload forever: it comes
  // at the latest this long after the first change.
  const auto longest = std::max(debounce_ * 4, std::chrono::milliseconds(2000));
  Clock::time_point first_change = Clock::time_point::max();
  auto changed = [&] {
    const auto now = Clock::now();
    if (first_change == Clock::time_point::max()) first_change = now;
    due = std::min(now + debounce_, first_change + longest);
  };
  for (;;) {
    const auto now = Clock::now();
    const auto wake_at = std::min(due, next_rescan);
    const auto wait =
        std::chrono::duration_cast<std::chrono::milliseconds>(wake_at - now)
            .count();
    pollfd fds[3] = {
        {wake_fd_, POLLIN, 0}, {poke_fd_, POLLIN, 0}, {inotify_fd_, POLLIN, 0}};
    const int n = ::poll(fds, inotify_fd_ >= 0 ? 3 : 2,
                         static_cast<int>(std::max<long long>(
                             0, std::min<long long>(wait, 60000))));
    if (n < 0 && errno != EINTR) return;
    if (fds[0].revents & POLLIN) return;
    if (fds[1].revents & POLLIN) {
      std::uint64_t count = 0;
      (void)!::read(poke_fd_, &count, sizeof count);
      changed();
      continue;
    }
    if (inotify_fd_ >= 0 && (fds[2].revents & POLLIN)) {
      // A replaced directory (mv A A.old; mkdir A) is watched anew.
      if (DrainEvents()) Rewatch();
      changed();  // wait for the burst to end
      continue;
    }
    if (Clock::now() >= std::min(due, next_rescan)) {
      // The directory may have come back since it went away.
      if (inotify_fd_ >= 0 && !watching_) Rewatch();
      first_change = Clock::time_point::max();
      const bool again = on_change_();
      due = again ? Clock::now() + std::chrono::milliseconds(1000)
                  : Clock::time_point::max();
      next_rescan = Clock::now() + rescan_;
    }
  }
}

}  // namespace cncert
