// Which bulletin a file holds: kind, year, issue, period, publication date.
#ifndef CNCERT_PARSERS_IDENTITY_H_
#define CNCERT_PARSERS_IDENTITY_H_

#include <string>
#include <vector>

#include "parsers/bulletin.h"
#include "parsers/document.h"
#include "parsers/sections.h"

namespace cncert {

// Reads the title from the container's metadata, else from the text outside
// news and "recent issues" sections. Repost dates and titles of other issues
// are not taken. Problems go to `warnings`.
Identity ReadIdentity(const Document& doc, const Layout& layout,
                      std::vector<std::string>* warnings);

}  // namespace cncert

#endif  // CNCERT_PARSERS_IDENTITY_H_
