// How `parse` reads the images its files reference. The whole exporter
// reads them with OCR (parse_images.cc); the parse-only front, which maps
// none of OCR's, fetching's or serving's libraries, hands the command to
// the whole exporter instead (front_images.cc). Each binary links one.
#ifndef CNCERT_EXPORTER_CLI_PARSE_IMAGES_H_
#define CNCERT_EXPORTER_CLI_PARSE_IMAGES_H_

#include <memory>
#include <string>

#include "exporter/cli/image_flags.h"
#include "parsers/images.h"

namespace cncert {

class ParseImages {
 public:
  virtual ~ParseImages() = default;
  // Called once, before anything is printed, when a file references
  // images and --ocr is on.
  virtual void Start() {}
  // Whether Start() hands the whole command to another process (which
  // parses every file again) and returns only if it could not: then no
  // more files need parsing here once one that references images is found.
  virtual bool HandsOver() const { return false; }
  // The reader of a file's images (relative to its directory), or null
  // when they are not read.
  virtual std::unique_ptr<ImageReader> ForFile(const std::string& path) = 0;
  // After each file read with images.
  virtual void Done() {}
};

// `print_text`: --image-text, the recognised text on stderr.
std::unique_ptr<ParseImages> MakeParseImages(const ImageFlags& flags,
                                             bool print_text);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_CLI_PARSE_IMAGES_H_
