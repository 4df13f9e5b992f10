// Helpers shared by the tests: fixture paths, file I/O, running the binary.
#ifndef CNCERT_TESTS_SUPPORT_TEST_SUPPORT_H_
#define CNCERT_TESTS_SUPPORT_TEST_SUPPORT_H_

#include <string>
#include <vector>

#include "parsers/bulletin.h"

namespace cncert::testing {

std::string SourcePath(const std::string& relative);
std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& bytes);
// A fresh directory under the system temp dir, removed by the caller.
std::string MakeTempDir();

// Parses `bytes` with the default rules.
Bulletin Parse(const std::string& bytes);

// A minimal bulletin: title line, then `heading` and `body` (one section).
std::string MiniBulletin(const std::string& heading, const std::string& body);

struct CommandResult {
  int status = -1;
  std::string out;
  std::string err;
};
// Runs the exporter binary with `args` (no shell involved).
CommandResult RunExporter(const std::vector<std::string>& args);
// Any command line, argv[0] the binary's path.
CommandResult RunBinary(const std::vector<std::string>& argv);

// A bcrypt hash of `password` (cost 5: fast, for tests only).
std::string Bcrypt(const std::string& password);

}  // namespace cncert::testing

#endif  // CNCERT_TESTS_SUPPORT_TEST_SUPPORT_H_
