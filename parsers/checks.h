// The consistency checks a careful reader makes. A failed check is a warning
// about the bulletin, never a reason to drop a typed value; figures read from
// images that fail one are not served (the parser decides).
#ifndef CNCERT_PARSERS_CHECKS_H_
#define CNCERT_PARSERS_CHECKS_H_

#include <string>
#include <vector>

#include "parsers/bulletin.h"

namespace cncert {

struct Inconsistency {
  std::string message;
  std::vector<std::string> series;  // the figures involved (series keys)
};

std::vector<Inconsistency> FindInconsistencies(const Bulletin& bulletin);

// The messages of FindInconsistencies.
std::vector<std::string> CheckConsistency(const Bulletin& bulletin);

}  // namespace cncert

#endif  // CNCERT_PARSERS_CHECKS_H_
