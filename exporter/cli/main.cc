// cncert_exporter: a Prometheus exporter for CNCERT's weekly bulletins.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "exporter/cli/commands.h"
#include "exporter/version.h"

namespace {

// Tesseract runs every recognition on four OpenMP threads, which makes small
// images several times slower and fights the exporter's own threads. OpenMP
// reads its limit when the library loads, before main: set it and start
// again.
void LimitOpenMpThreads(char** argv) {
  if (std::getenv("OMP_THREAD_LIMIT") != nullptr) return;
  ::setenv("OMP_THREAD_LIMIT", "1", 1);
  ::execv("/proc/self/exe", argv);  // on failure, go on as we are
}

}  // namespace

int main(int argc, char** argv) try {
  LimitOpenMpThreads(argv);
  CLI::App app{"Prometheus exporter for CNCERT's weekly security bulletins"};
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
