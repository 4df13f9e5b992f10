#include "exporter/cli/hand_over.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <string>

#include "parsers/plugin.h"

namespace cncert {

namespace {
char** arguments = nullptr;
}  // namespace

void SetHandOverArguments(char** argv) { arguments = argv; }

void HandOver() {
  const std::string whole = PluginPath(kWholeExporter);
  std::cout.flush();
  ::execv(whole.c_str(), arguments);
  std::cerr << "cncert_exporter: cannot run the whole exporter, " << whole
            << ": " << std::strerror(errno) << "\n";
}

}  // namespace cncert
