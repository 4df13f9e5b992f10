#include "exporter/base/rules_file.h"

#include "exporter/base/files.h"

namespace cncert {

LoadedRules LoadRulesFile(const std::string& path) {
  if (path.empty()) return {DefaultRules(), {}};
  constexpr std::size_t kMaxRulesBytes = 4u << 20;
  const FileContent file =
      ReadFileCapped(path, kMaxRulesBytes, FileOrigin::kOperator);
  if (!file.error.empty()) return {nullptr, {path + ": " + file.error}};
  std::vector<RuleError> errors;
  LoadedRules out;
  out.rules = LoadRules(file.bytes, path, &errors);
  for (const auto& e : errors) out.problems.push_back(e.ToString());
  return out;
}

}  // namespace cncert
