// Applies the rules to a segmented bulletin.
#ifndef CNCERT_PARSERS_EXTRACT_H_
#define CNCERT_PARSERS_EXTRACT_H_

#include <string>
#include <vector>

#include "parsers/bulletin.h"
#include "parsers/rules.h"
#include "parsers/sections.h"

namespace cncert {

struct Extraction {
  std::vector<Value> values;
  std::vector<std::string> warnings;
};

// A value comes only from its rule's section. Where the layout has headings
// but lacks that section, the lead paragraph (before the first heading) is
// searched instead and a warning says so; "extract: false" sections (news,
// links to other issues) are never searched.
Extraction ExtractValues(const Layout& layout, const RuleSet& rules);

}  // namespace cncert

#endif  // CNCERT_PARSERS_EXTRACT_H_
