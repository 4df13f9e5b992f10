// cncert_exporter: a Prometheus exporter for CNCERT's weekly bulletins.
#include <CLI/CLI.hpp>
#include <iostream>

#include "exporter/cli/commands.h"
#include "exporter/version.h"

int main(int argc, char** argv) try {
  CLI::App app{cncert::kAppDescription};
  app.set_version_flag("--version",
                       std::string("cncert_exporter ") + cncert::kVersion);
  app.require_subcommand(1);
  cncert::CommandRunner run;
  cncert::AddParseCommand(app, &run);
  cncert::AddCheckRulesCommand(app, &run);
  cncert::AddServeCommand(app, &run);
  cncert::AddBackfillCommand(app, &run);
  cncert::AddFetchCommand(app, &run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return run ? run() : 0;
} catch (const std::exception& e) {
  std::cerr << "cncert_exporter: " << e.what() << "\n";
  return 1;
}
