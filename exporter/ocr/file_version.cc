#include "exporter/ocr/file_version.h"

namespace cncert {

FileVersion FileVersion::Of(const struct stat& st) {
  return {st.st_dev,         st.st_ino,          st.st_size,
          st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_ctim.tv_sec,
          st.st_ctim.tv_nsec};
}

std::optional<FileVersion> FileVersion::OfPath(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return std::nullopt;
  }
  return Of(st);
}

}  // namespace cncert
