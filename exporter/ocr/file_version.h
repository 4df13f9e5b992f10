// What tells that a file changed without reading it: its device, inode,
// size, modification time and status-change time. The last is set by the
// kernel on every change and cannot be set back (touch -d sets only the
// first), so a file with the same version holds the same bytes.
#ifndef CNCERT_EXPORTER_OCR_FILE_VERSION_H_
#define CNCERT_EXPORTER_OCR_FILE_VERSION_H_

#include <sys/stat.h>

#include <cstdint>
#include <optional>
#include <string>

namespace cncert {

struct FileVersion {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::int64_t size = 0;
  std::int64_t modified_seconds = 0;
  std::int64_t modified_nanoseconds = 0;
  std::int64_t changed_seconds = 0;
  std::int64_t changed_nanoseconds = 0;
  bool operator==(const FileVersion&) const = default;

  static FileVersion Of(const struct stat& st);
  // Of the regular file at `path` (not followed if it is a symlink).
  static std::optional<FileVersion> OfPath(const std::string& path);
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_OCR_FILE_VERSION_H_
