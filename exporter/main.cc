// cncert_exporter: a Prometheus exporter for CNCERT's weekly bulletins.
#include <CLI/CLI.hpp>
#include <iostream>

#include "exporter/commands.h"
#include "exporter/version.h"

int main(int argc, char** argv) {
  CLI::App app{"Prometheus exporter for CNCERT's weekly security bulletins"};
  app.set_version_flag("--version", std::string("cncert_exporter ") +
                                        cncert::kVersion);
  app.require_subcommand(1);
  cncert::CommandRunner run;
  cncert::AddParseCommand(app, &run);
  cncert::AddCheckRulesCommand(app, &run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return run ? run() : 0;
}
