#include "exporter/fetch/image_store.h"

#include <sys/stat.h>

#include "exporter/base/digest.h"
#include "exporter/base/files.h"

namespace cncert {

namespace {

std::string UrlLinkName(const std::string& url) {
  return "url-" + Sha256Hex(url).substr(0, 32);
}

}  // namespace

ImageStore::ImageStore(const std::string& archive_dir)
    : dir_(archive_dir + "/.cncert-images") {}

std::string ImageStore::Url(const std::string& src) {
  return src.starts_with("//") ? "https:" + src : src;
}

std::optional<std::string> ImageStore::Stored(const std::string& url,
                                              std::size_t max_bytes) const {
  const FileContent link =
      ReadFileCapped(LinkPath(url), 256, FileOrigin::kArchive);
  if (!link.error.empty()) return std::nullopt;
  FileContent stored =
      ReadFileCapped(dir_ + "/" + link.bytes, max_bytes, FileOrigin::kArchive);
  if (!stored.error.empty()) return std::nullopt;
  return std::move(stored.bytes);
}

std::string ImageStore::StoredHash(const std::string& url) const {
  const FileContent link =
      ReadFileCapped(LinkPath(url), 256, FileOrigin::kArchive);
  if (!link.error.empty() || !IsSha256Hex(link.bytes)) return "";
  return link.bytes;
}

std::string ImageStore::LinkPath(const std::string& url) const {
  return dir_ + "/" + UrlLinkName(url);
}

Status ImageStore::Put(const std::string& url, const std::string& bytes) const {
  const std::string hash = Sha256Hex(bytes);
  ::mkdir(dir_.c_str(), 0755);
  if (Status s = WriteFileAtomically(dir_ + "/" + hash, bytes); !s.ok()) {
    return s;
  }
  return WriteFileAtomically(LinkPath(url), hash);
}

}  // namespace cncert
