#include "exporter/base/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace cncert {

namespace {

std::string Errno() { return std::strerror(errno); }

bool WriteAll(int fd, std::string_view data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// A pipe or terminal has no size: read until its end or past the cap.
FileContent ReadStream(int fd, std::size_t max_bytes) {
  FileContent out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      out.error = "read failed: " + Errno();
      out.failure = Failure::kUnreadable;
      return out;
    }
    if (n == 0) return out;
    if (out.bytes.size() + static_cast<std::size_t>(n) > max_bytes) {
      out.bytes.clear();
      out.error =
          "input too large: more than " + std::to_string(max_bytes) + " bytes";
      out.failure = Failure::kTooLarge;
      return out;
    }
    out.bytes.append(buf, static_cast<std::size_t>(n));
  }
}

// A regular file of the size `st` gives, read whole; anything else refused.
FileContent ReadRegular(int fd, const struct stat& st, std::size_t max_bytes) {
  FileContent out;
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    out.error = "not a regular file";
    out.failure = Failure::kNotRegular;
    return out;
  }
  if (static_cast<std::size_t>(st.st_size) > max_bytes) {
    ::close(fd);
    out.error = "file too large: " + std::to_string(st.st_size) +
                " bytes, the limit is " + std::to_string(max_bytes);
    out.failure = Failure::kTooLarge;
    return out;
  }
  out.bytes.resize(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < out.bytes.size()) {
    const ssize_t n =
        ::read(fd, out.bytes.data() + done, out.bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      out.error = "read failed: " + Errno();
      out.failure = Failure::kUnreadable;
      break;
    }
    if (n == 0) break;  // shrank while reading
    done += static_cast<std::size_t>(n);
  }
  out.bytes.resize(done);
  ::close(fd);
  return out;
}

}  // namespace

FileContent ReadFileCapped(const std::string& path, std::size_t max_bytes,
                           FileOrigin origin) {
  FileContent out;
  // An archive entry that is a FIFO must not block the scan; a pipe the
  // operator names is waited for.
  int flags = O_RDONLY | O_CLOEXEC;
  if (origin == FileOrigin::kArchive) flags |= O_NOFOLLOW | O_NONBLOCK;
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) {
    if (errno == ELOOP && origin == FileOrigin::kArchive) {
      out.error = "is a symlink: archive entries must be regular files";
      out.failure = Failure::kNotRegular;
    } else {
      out.error = "cannot open: " + Errno();
      out.failure = Failure::kUnreadable;
    }
    return out;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) st.st_mode = 0;
  if (origin == FileOrigin::kOperator &&
      (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))) {
    out = ReadStream(fd, max_bytes);
    ::close(fd);
    return out;
  }
  return ReadRegular(fd, st, max_bytes);
}

FileContent ReadOpenFile(int fd, std::size_t max_bytes) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) st.st_mode = 0;
  return ReadRegular(fd, st, max_bytes);
}

Status WriteFileAtomically(const std::string& path, std::string_view data) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    return Status::Error("refusing to replace " + path +
                         ": not a regular file");
  }
  const auto slash = path.rfind('/');
  const std::string dir =
      slash == std::string::npos ? "" : path.substr(0, slash + 1);
  const std::string base =
      slash == std::string::npos ? path : path.substr(slash + 1);
  std::string tmp = dir + "." + base + ".XXXXXX";
  // mkostemp creates the file with O_EXCL: a planted file or symlink of the
  // same name makes it pick another name instead of writing through it.
  const int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) {
    return Status::Error("cannot create a temporary file beside " + path +
                         ": " + Errno());
  }
  bool ok = ::fchmod(fd, 0644) == 0 && WriteAll(fd, data) && ::fsync(fd) == 0;
  const int saved = errno;
  ok = (::close(fd) == 0) && ok;
  ok = ok && ::rename(tmp.c_str(), path.c_str()) == 0;
  if (!ok) {
    const std::string why = std::strerror(errno ? errno : saved);
    ::unlink(tmp.c_str());
    return Status::Error("cannot write " + path + ": " + why);
  }
  return Status::Ok();
}

Status WriteOutputFile(const std::string& path, std::string_view data) {
  std::string target = path;
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    char resolved[PATH_MAX];
    if (::realpath(path.c_str(), resolved) == nullptr) {
      return Status::Error("cannot resolve " + path + ": " + Errno());
    }
    target = resolved;
  }
  if (::stat(target.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (!S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode)) {
      return Status::Error("refusing to write " + path +
                           ": not a regular file, device or FIFO");
    }
    const int fd = ::open(target.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return Status::Error("cannot open " + path + ": " + Errno());
    const bool ok = WriteAll(fd, data);
    const std::string why = Errno();
    ::close(fd);
    if (!ok) return Status::Error("cannot write " + path + ": " + why);
    return Status::Ok();
  }
  return WriteFileAtomically(target, data);
}

}  // namespace cncert
