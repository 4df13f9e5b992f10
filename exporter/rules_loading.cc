#include <iostream>

#include "exporter/commands.h"
#include "exporter/file_reader.h"

namespace cncert {

std::shared_ptr<const RuleSet> LoadRulesOrDefault(const std::string& path) {
  if (path.empty()) return DefaultRules();
  const FileContent file = ReadFileCapped(path, 4u << 20);
  if (!file.error.empty()) {
    std::cerr << path << ": " << file.error << "\n";
    return nullptr;
  }
  std::vector<RuleError> errors;
  auto rules = LoadRules(file.bytes, path, &errors);
  for (const auto& e : errors) std::cerr << e.ToString() << "\n";
  return rules;
}

}  // namespace cncert
