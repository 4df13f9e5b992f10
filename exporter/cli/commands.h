// The subcommands of cncert_exporter, each registered on the CLI11 app.
#ifndef CNCERT_EXPORTER_CLI_COMMANDS_H_
#define CNCERT_EXPORTER_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "parsers/rules.h"

namespace cncert {

// What --help says the program is: the same in the front and the whole
// exporter.
inline constexpr const char* kAppDescription =
    "Prometheus exporter for CNCERT's weekly security bulletins";

// Runs after parsing the command line; returns the exit status.
using CommandRunner = std::function<int()>;

void AddParseCommand(CLI::App& app, CommandRunner* run);
void AddCheckRulesCommand(CLI::App& app, CommandRunner* run);
void AddServeCommand(CLI::App& app, CommandRunner* run);
void AddBackfillCommand(CLI::App& app, CommandRunner* run);
void AddFetchCommand(CLI::App& app, CommandRunner* run);

// The rules a command uses: the file given by --rules, else the embedded
// defaults. Prints every problem of a bad file to stderr and returns null.
std::shared_ptr<const RuleSet> LoadRulesOrDefault(const std::string& path);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_CLI_COMMANDS_H_
