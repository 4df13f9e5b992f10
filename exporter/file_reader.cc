#include "exporter/file_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cncert {

FileContent ReadFileCapped(const std::string& path, std::size_t max_bytes) {
  FileContent out;
  const int fd =
      ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    out.error = std::string("cannot open: ") + std::strerror(errno);
    return out;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    out.error = "not a regular file";
    return out;
  }
  if (static_cast<std::size_t>(st.st_size) > max_bytes) {
    ::close(fd);
    out.error = "file too large: " + std::to_string(st.st_size) +
                " bytes, the limit is " + std::to_string(max_bytes);
    return out;
  }
  out.bytes.resize(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < out.bytes.size()) {
    const ssize_t n =
        ::read(fd, out.bytes.data() + done, out.bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      out.error = std::string("read failed: ") + std::strerror(errno);
      break;
    }
    if (n == 0) break;  // shrank while reading
    done += static_cast<std::size_t>(n);
  }
  out.bytes.resize(done);
  ::close(fd);
  return out;
}

}  // namespace cncert
