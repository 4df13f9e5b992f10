// The consistency checks a careful reader makes. A failed check is a warning
// about the bulletin, never a reason to drop a value.
#ifndef CNCERT_PARSERS_CHECKS_H_
#define CNCERT_PARSERS_CHECKS_H_

#include <string>
#include <vector>

#include "parsers/bulletin.h"

namespace cncert {

std::vector<std::string> CheckConsistency(const Bulletin& bulletin);

}  // namespace cncert

#endif  // CNCERT_PARSERS_CHECKS_H_
