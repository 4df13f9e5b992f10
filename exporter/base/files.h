// Reading and writing files safely: reads with a size cap that refuse what is
// not a regular file; writes that are atomic (temporary name created
// exclusively, fsync, rename) and never replace a device, FIFO or symlink.
#ifndef CNCERT_EXPORTER_BASE_FILES_H_
#define CNCERT_EXPORTER_BASE_FILES_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "exporter/base/status.h"
#include "parsers/failure.h"

namespace cncert {

// Who named the file. Archive entries must be regular files and never follow
// symlinks (a link could reach any file on the machine). Files the operator
// names follow symlinks (Kubernetes ConfigMaps are symlinks) and may be pipes
// or /dev/stdin.
enum class FileOrigin { kArchive, kOperator };

struct FileContent {
  std::string bytes;
  std::string error;  // non-empty on failure: says what and why
  Failure failure = Failure::kNone;
};

// Files over `max_bytes` are refused before they are read.
FileContent ReadFileCapped(const std::string& path, std::size_t max_bytes,
                           FileOrigin origin);

// Reads the file open on `fd` (which it closes) with the same checks: a
// regular file of at most `max_bytes`.
FileContent ReadOpenFile(int fd, std::size_t max_bytes);

// Replaces `path` with `data` atomically. Refuses when `path` exists and is
// not a regular file. The temporary file is created exclusively beside it
// under a hidden name (".NAME.XXXXXX"), which the archive ignores.
Status WriteFileAtomically(const std::string& path, std::string_view data);

// An output file the operator names (e.g. backfill --output): a symlink is
// followed to its target, a character device or FIFO (/dev/null,
// /dev/stdout, a pipe) is written directly, anything else atomically.
Status WriteOutputFile(const std::string& path, std::string_view data);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_BASE_FILES_H_
