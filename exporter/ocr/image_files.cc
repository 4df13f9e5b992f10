#include "exporter/ocr/image_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "exporter/base/files.h"
#include "parsers/strings.h"

namespace cncert {

namespace {

std::string PercentDecode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() &&
        std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<std::string> Components(const std::string& path) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    std::size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    out.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

ImageBytes Refused(std::string why) {
  return {"", ImageFailure::kUnreadable, std::move(why), "", {}};
}

}  // namespace

bool IsRemoteImage(const std::string& src) {
  const std::string lower = LowerAscii(src.substr(0, 8));
  return lower.starts_with("http://") || lower.starts_with("https://") ||
         lower.starts_with("//");
}

LocalImagePath ResolveLocalImage(const std::string& root,
                                 const std::string& bulletin_dir,
                                 const std::string& src) {
  LocalImagePath out;
  std::string path = PercentDecode(src.substr(0, src.find_first_of("?#")));
  if (path.empty() || path[0] == '/' || path.find('\0') != std::string::npos ||
      path.find(':') != std::string::npos) {
    out.error = "not a relative path inside the archive: " + src;
    return out;
  }
  // The bulletin's directory relative to the root, then the image's path.
  std::string relative_dir;
  if (bulletin_dir != root) {
    if (!bulletin_dir.starts_with(root + "/")) {
      out.error = "the bulletin lies outside the archive";
      return out;
    }
    relative_dir = bulletin_dir.substr(root.size() + 1);
  }
  for (auto& p :
       Components(relative_dir.empty() ? path : relative_dir + "/" + path)) {
    if (p.empty() || p == ".") continue;
    if (p == "..") {
      out.error = "'..' in an image path: " + src;
      return out;
    }
    out.components.push_back(std::move(p));
  }
  if (out.components.empty()) {
    out.error = "empty image path";
    return out;
  }
  out.path = root;
  for (const auto& p : out.components) out.path += "/" + p;
  return out;
}

ImageBytes ReadLocalImage(const std::string& root,
                          const std::string& bulletin_dir,
                          const std::string& src, std::size_t max_bytes) {
  LocalImagePath resolved = ResolveLocalImage(root, bulletin_dir, src);
  if (!resolved.error.empty()) return Refused(std::move(resolved.error));
  const std::vector<std::string>& clean = resolved.components;
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return Refused("cannot open the archive: " +
                   std::string(std::strerror(errno)));
  // Component by component, refusing symlinks: nothing may lead outside.
  for (std::size_t i = 0; i < clean.size(); ++i) {
    const bool last = i + 1 == clean.size();
    const int flags =
        O_RDONLY | O_CLOEXEC | O_NOFOLLOW | (last ? O_NONBLOCK : O_DIRECTORY);
    const int next = ::openat(fd, clean[i].c_str(), flags);
    const int saved = errno;
    ::close(fd);
    if (next < 0) {
      return Refused(saved == ELOOP || saved == ENOTDIR
                         ? "a symlink or non-directory on the way to " + src
                         : "cannot open " + src + ": " + std::strerror(saved));
    }
    fd = next;
  }
  // Taken before reading: a file changed while it is read shows a newer
  // version next time, and is read again.
  struct stat st {};
  std::optional<FileVersion> version;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    version = FileVersion::Of(st);
  }
  FileContent file = ReadOpenFile(fd, max_bytes);
  if (file.failure == Failure::kTooLarge) {
    return {"", ImageFailure::kTooLarge, src + ": " + file.error, "", {}};
  }
  if (!file.error.empty()) return Refused(src + ": " + file.error);
  return {std::move(file.bytes), ImageFailure::kNone, "",
          std::move(resolved.path), version};
}

}  // namespace cncert
