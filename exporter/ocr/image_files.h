// Where a bulletin's image is: a relative path resolved against the
// bulletin's directory that must stay inside the archive (no "..", no
// symlink on the way), or a remote URL.
#ifndef CNCERT_EXPORTER_OCR_IMAGE_FILES_H_
#define CNCERT_EXPORTER_OCR_IMAGE_FILES_H_

#include <optional>
#include <string>
#include <vector>

#include "exporter/ocr/file_version.h"
#include "exporter/ocr/ocr_engine.h"

namespace cncert {

bool IsRemoteImage(const std::string& src);

struct ImageBytes {
  std::string bytes;
  ImageFailure failure = ImageFailure::kNone;
  std::string error;
  std::string path;                    // local images: the file that was read
  std::optional<FileVersion> version;  // of `path`, taken before reading
};

// Where `src` lies: relative to `bulletin_dir`, a directory inside `root`
// (both absolute or both relative to the same place), percent-escapes
// decoded. A path that leaves `root` is refused (`error`).
struct LocalImagePath {
  std::vector<std::string> components;  // below `root`
  std::string path;                     // `root` and the components
  std::string error;
};
LocalImagePath ResolveLocalImage(const std::string& root,
                                 const std::string& bulletin_dir,
                                 const std::string& src);

// Reads the image ResolveLocalImage names. A path that passes a symlink or
// names no regular file is refused too.
ImageBytes ReadLocalImage(const std::string& root,
                          const std::string& bulletin_dir,
                          const std::string& src, std::size_t max_bytes);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_OCR_IMAGE_FILES_H_
