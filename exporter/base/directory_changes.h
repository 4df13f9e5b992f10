// Tells, without a system call, that a file checked earlier is unchanged: its
// directory was watched with inotify from before the check, and nothing has
// happened in it since. Events are read by Refresh(), which the archive calls
// at the start of each scan: what changed before a scan is seen by it.
// Not thread-safe: its owner locks.
#ifndef CNCERT_EXPORTER_BASE_DIRECTORY_CHANGES_H_
#define CNCERT_EXPORTER_BASE_DIRECTORY_CHANGES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace cncert {

class DirectoryChanges {
 public:
  // A directory as it was when a file in it was checked.
  struct Mark {
    int watch = -1;
    std::uint64_t serial = 0;  // of that watch: numbers may come back
    std::uint64_t events = 0;  // seen from it
    std::uint64_t epoch = 0;   // of all marks
  };

  DirectoryChanges() = default;
  ~DirectoryChanges();
  DirectoryChanges(const DirectoryChanges&) = delete;
  DirectoryChanges& operator=(const DirectoryChanges&) = delete;

  // Reads the events that came. The first call starts watching: until
  // then Watch() gives nothing, and a one-off parse pays no system call.
  void Refresh();
  // Ends every mark given so far (events may have been missed).
  void Forget() { ++epoch_; }
  // Call before checking a file in `dir`: a mark that holds while nothing
  // happens in `dir`. Nullopt when it cannot be watched (not a directory, a
  // symlink, the kernel's limit, or Refresh() never called).
  std::optional<Mark> Watch(const std::string& dir);
  bool Unchanged(const Mark& mark) const;

  std::size_t watches() const { return watches_.size(); }

 private:
  // Stops watching `watch` (already stopped by the kernel when `ignored`).
  void Drop(int watch, bool ignored);

  // Beyond this, files are checked each time: inotify's watches are the
  // user's, shared with every other program it runs.
  static constexpr std::size_t kMaxWatches = 4096;
  struct Watched {
    std::string dir;
    std::uint64_t serial = 0;
    std::uint64_t events = 0;
  };
  int fd_ = -1;
  bool unavailable_ = false;
  std::uint64_t epoch_ = 0;
  std::uint64_t next_serial_ = 1;
  std::unordered_map<int, Watched> watches_;
  std::unordered_map<std::string, int> by_dir_;
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_BASE_DIRECTORY_CHANGES_H_
