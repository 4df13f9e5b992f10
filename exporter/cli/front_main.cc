// cncert_exporter's front. `parse` runs here, in a binary that maps only
// the parsers' libraries: the whole exporter's serving, fetching and TLS
// libraries took two thirds of its start-up (2.1 of 3.4 ms before the
// rules load; a parse of one bulletin took 5.5 ms of CPU, now 3.5). Every
// other command line, one CLI11 refuses here, and a parse whose files
// reference images go to the whole exporter, exec'd in this process's
// place with the same arguments: what it prints and does is the whole
// exporter's.
#include <CLI/CLI.hpp>
#include <cstring>
#include <iostream>

#include "exporter/cli/commands.h"
#include "exporter/cli/hand_over.h"

int main(int argc, char** argv) try {
  cncert::SetHandOverArguments(argv);
  if (argc < 2 || std::strcmp(argv[1], "parse") != 0) {
    cncert::HandOver();
    return 1;
  }
  CLI::App app{cncert::kAppDescription};
  app.require_subcommand(1);
  cncert::CommandRunner run;
  cncert::AddParseCommand(app, &run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError&) {
    // Help, and mistakes, are the whole exporter's to print.
    cncert::HandOver();
    return 1;
  }
  return run ? run() : 0;
} catch (const std::exception& e) {
  std::cerr << "cncert_exporter: " << e.what() << "\n";
  return 1;
}
