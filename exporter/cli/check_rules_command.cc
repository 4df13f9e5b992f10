// cncert_exporter check-rules FILE...: validates rules files, naming file,
// line, rule and problem for every error.
#include <iostream>

#include "exporter/base/rules_file.h"
#include "exporter/cli/commands.h"

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
        const LoadedRules loaded = LoadRulesFile(path);
        for (const auto& p : loaded.problems) std::cerr << p << "\n";
        if (loaded.rules) {
          std::cout << path << ": OK (" << loaded.rules->sections.size()
                    << " sections, " << loaded.rules->rules.size()
                    << " rules)\n";
        } else {
          const std::size_t n = loaded.problems.size();
          std::cout << path << ": FAILED (" << n << " problem"
                    << (n == 1 ? "" : "s") << ")\n";
          status = 1;
        }
      }
      return status;
    };
  });
}

}  // namespace cncert
