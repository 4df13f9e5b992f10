// Where a bulletin's image is: a relative path resolved against the
// bulletin's directory that must stay inside the archive (no "..", no
// symlink on the way), or a remote URL.
#ifndef CNCERT_EXPORTER_OCR_IMAGE_FILES_H_
#define CNCERT_EXPORTER_OCR_IMAGE_FILES_H_

#include <string>

#include "exporter/ocr/ocr_engine.h"

namespace cncert {

bool IsRemoteImage(const std::string& src);

struct ImageBytes {
  std::string bytes;
  ImageFailure failure = ImageFailure::kNone;
  std::string error;
  std::string path;  // local images: the file that was read
};

// Reads `src` relative to `bulletin_dir`, a directory inside `root` (both
// absolute or both relative to the same place). Percent-escapes are decoded;
// a path that leaves `root`, passes a symlink, or names no regular file is
// refused.
ImageBytes ReadLocalImage(const std::string& root,
                          const std::string& bulletin_dir,
                          const std::string& src, std::size_t max_bytes);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_OCR_IMAGE_FILES_H_
