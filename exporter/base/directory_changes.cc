#include "exporter/base/directory_changes.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "exporter/base/inotify_events.h"
#include "exporter/base/log.h"

namespace cncert {

namespace {

// Anything that can change a file in the directory, or the directory.
constexpr std::uint32_t kEvents = IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE |
                                  IN_CREATE | IN_DELETE | IN_MOVED_FROM |
                                  IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF;

}  // namespace

DirectoryChanges::~DirectoryChanges() {
  if (fd_ >= 0) ::close(fd_);
}

void DirectoryChanges::Refresh() {
  if (fd_ < 0) {
    if (unavailable_) return;
    fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd_ < 0) {
      unavailable_ = true;
      log::Warn(
          "cannot watch image directories; image files are checked at "
          "each parse",
          {{"err", std::strerror(errno)}});
    }
    return;
  }
  DrainInotifyEvents(fd_, [this](const InotifyEvent& event) {
    if ((event.mask & IN_Q_OVERFLOW) != 0) {
      Forget();  // some events were lost: which, nobody knows
      return;
    }
    const auto it = watches_.find(event.watch);
    if (it == watches_.end()) return;
    ++it->second.events;
    // Moved or gone: its path may name another directory now.
    if ((event.mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) != 0) {
      Drop(event.watch, (event.mask & IN_IGNORED) != 0);
    }
  });
}

std::optional<DirectoryChanges::Mark> DirectoryChanges::Watch(
    const std::string& dir) {
  if (fd_ < 0) return std::nullopt;
  auto known = by_dir_.find(dir);
  if (known == by_dir_.end()) {
    if (watches_.size() >= kMaxWatches) return std::nullopt;
    const int wd = ::inotify_add_watch(fd_, dir.c_str(),
                                       kEvents | IN_ONLYDIR | IN_DONT_FOLLOW);
    // The same directory by another name: left to the checks.
    if (wd < 0 || watches_.contains(wd)) return std::nullopt;
    watches_[wd] = {dir, next_serial_++, 0};
    known = by_dir_.emplace(dir, wd).first;
  }
  const Watched& watched = watches_.at(known->second);
  return Mark{known->second, watched.serial, watched.events, epoch_};
}

bool DirectoryChanges::Unchanged(const Mark& mark) const {
  if (mark.epoch != epoch_) return false;
  const auto it = watches_.find(mark.watch);
  return it != watches_.end() && it->second.serial == mark.serial &&
         it->second.events == mark.events;
}

void DirectoryChanges::Drop(int watch, bool ignored) {
  const auto it = watches_.find(watch);
  if (it == watches_.end()) return;
  by_dir_.erase(it->second.dir);
  watches_.erase(it);
  if (!ignored) ::inotify_rm_watch(fd_, watch);
}

}  // namespace cncert
