// The extraction rules a command or a reload uses: the file the operator
// names, else the embedded defaults.
#ifndef CNCERT_EXPORTER_BASE_RULES_FILE_H_
#define CNCERT_EXPORTER_BASE_RULES_FILE_H_

#include <memory>
#include <string>
#include <vector>

#include "parsers/rules.h"

namespace cncert {

struct LoadedRules {
  std::shared_ptr<const RuleSet> rules;  // null when the file is invalid
  // Every problem, each naming file, line, rule and what is wrong.
  std::vector<std::string> problems;
};

// An empty path gives the embedded defaults.
LoadedRules LoadRulesFile(const std::string& path);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_BASE_RULES_FILE_H_
