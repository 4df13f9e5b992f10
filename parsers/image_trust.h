// Which figures read from images are served. An invented figure is worse
// than a missing one: a figure from an image is dropped, with a warning that
// says why, when its words were read with low confidence, when it fails a
// consistency check, or when its image names another issue.
#ifndef CNCERT_PARSERS_IMAGE_TRUST_H_
#define CNCERT_PARSERS_IMAGE_TRUST_H_

#include <string>
#include <vector>

#include "parsers/bulletin.h"
#include "parsers/checks.h"

namespace cncert {

// `image_text`: each image's normalized text (for the issue it names);
// `found`: FindInconsistencies() of the bulletin as it is. Whether any
// value was dropped.
bool DropUntrustedImageValues(const std::vector<std::string>& image_text,
                              const std::vector<ImageRef>& images,
                              double min_confidence,
                              const std::vector<Inconsistency>& found,
                              Bulletin* bulletin);

}  // namespace cncert

#endif  // CNCERT_PARSERS_IMAGE_TRUST_H_
