// cncert_exporter check-rules FILE...: validates rules files, naming file,
// line, rule and problem for every error.
#include <iostream>

#include "exporter/commands.h"
#include "exporter/file_reader.h"

namespace cncert {

void AddCheckRulesCommand(CLI::App& app, CommandRunner* run) {
  auto* cmd = app.add_subcommand(
      "check-rules", "Validate extraction rules files (or print the defaults)");
  auto files = std::make_shared<std::vector<std::string>>();
  auto print_default = std::make_shared<bool>(false);
  cmd->add_option("files", *files, "Rules files (YAML)");
  cmd->add_flag(
      "--print-default", *print_default,
      "Print the embedded default rules, a starting point for your own");
  cmd->callback([run, files, print_default] {
    *run = [files, print_default]() -> int {
      if (*print_default) {
        std::cout << DefaultRulesYaml();
        return 0;
      }
      if (files->empty()) {
        std::cerr << "check-rules: name at least one rules file\n";
        return 2;
      }
      int status = 0;
      for (const auto& path : *files) {
        const FileContent file = ReadFileCapped(path, 4u << 20);
        if (!file.error.empty()) {
          std::cerr << path << ": " << file.error << "\n";
          status = 1;
          continue;
        }
        std::vector<RuleError> errors;
        const auto rules = LoadRules(file.bytes, path, &errors);
        for (const auto& e : errors) std::cerr << e.ToString() << "\n";
        if (rules) {
          std::cout << path << ": OK (" << rules->sections.size()
                    << " sections, " << rules->rules.size() << " rules)\n";
        } else {
          std::cout << path << ": FAILED (" << errors.size() << " problem"
                    << (errors.size() == 1 ? "" : "s") << ")\n";
          status = 1;
        }
      }
      return status;
    };
  });
}

}  // namespace cncert
