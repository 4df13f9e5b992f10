// The remote images of bulletins, kept in the archive's .cncert-images/:
// each stored once under the SHA-256 of its bytes, and a small file per
// URL that names it. Written atomically; a restart downloads nothing again.
#ifndef CNCERT_EXPORTER_FETCH_IMAGE_STORE_H_
#define CNCERT_EXPORTER_FETCH_IMAGE_STORE_H_

#include <cstddef>
#include <optional>
#include <string>

#include "exporter/base/status.h"

namespace cncert {

class ImageStore {
 public:
  explicit ImageStore(const std::string& archive_dir);

  // "//host/…" as https; other sources unchanged.
  static std::string Url(const std::string& src);

  // The bytes stored for `url`, if any.
  std::optional<std::string> Stored(const std::string& url,
                                    std::size_t max_bytes) const;
  // The SHA-256 of what is stored for `url`, without reading it ("" none).
  std::string StoredHash(const std::string& url) const;
  // The small file that names what is stored for `url`.
  std::string LinkPath(const std::string& url) const;
  Status Put(const std::string& url, const std::string& bytes) const;

 private:
  std::string dir_;
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_FETCH_IMAGE_STORE_H_
