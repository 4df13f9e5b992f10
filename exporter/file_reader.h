// Reads a file with a size cap, refusing what is not a regular file.
#ifndef CNCERT_EXPORTER_FILE_READER_H_
#define CNCERT_EXPORTER_FILE_READER_H_

#include <cstddef>
#include <string>

namespace cncert {

struct FileContent {
  std::string bytes;
  std::string error;  // non-empty on failure: says what and why
};

// Files over `max_bytes` are refused before they are read.
FileContent ReadFileCapped(const std::string& path, std::size_t max_bytes);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_FILE_READER_H_
