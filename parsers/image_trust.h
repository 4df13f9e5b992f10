// Which figures read from images are served. An invented figure is worse
// than a missing one: a figure from an image is dropped, with a warning that
// says why, when its words were read with low confidence, when it fails a
// consistency check, or when its image names another issue.
#ifndef CNCERT_PARSERS_IMAGE_TRUST_H_
#define CNCERT_PARSERS_IMAGE_TRUST_H_

#include <string>
#include <string_view>
#include <vector>

#include "parsers/bulletin.h"
#include "parsers/checks.h"

namespace cncert {

// The issue an image's normalized text names ("2024年第29期": "2024-29"), or
// "".
std::string IssueNamedIn(std::string_view image_text);

// `named_issues`: per image, IssueNamedIn() its text; `found`:
// FindInconsistencies() of the bulletin as it is. Whether any value was
// dropped.
bool DropUntrustedImageValues(const std::vector<std::string>& named_issues,
                              const std::vector<ImageRef>& images,
                              double min_confidence,
                              const std::vector<Inconsistency>& found,
                              Bulletin* bulletin);

}  // namespace cncert

#endif  // CNCERT_PARSERS_IMAGE_TRUST_H_
