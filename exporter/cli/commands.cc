#include "exporter/cli/commands.h"

#include <iostream>

#include "exporter/base/rules_file.h"

namespace cncert {

std::shared_ptr<const RuleSet> LoadRulesOrDefault(const std::string& path) {
  LoadedRules loaded = LoadRulesFile(path);
  for (const auto& p : loaded.problems) std::cerr << p << "\n";
  return std::move(loaded.rules);
}

}  // namespace cncert
