// A running exporter on a temporary archive: the fixture of the serve and
// hostile-input integration tests.
#ifndef CNCERT_TESTS_SUPPORT_ARCHIVE_FIXTURE_H_
#define CNCERT_TESTS_SUPPORT_ARCHIVE_FIXTURE_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/test_support.h"

namespace cncert::testing {

class ArchiveFixture : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Add(const std::string& fixture, const std::string& as = "") {
    const std::filesystem::path from = SourcePath(fixture);
    std::filesystem::copy_file(
        from,
        std::filesystem::path(dir_) /
            (as.empty() ? from.filename().string() : as),
        std::filesystem::copy_options::overwrite_existing);
  }
  std::string Metrics(int port) { return HttpGet(port, "/metrics").body; }
  // The bulletin figures and identity only, without self-metrics.
  static std::string Figures(const std::string& exposition) {
    std::istringstream in(exposition);
    std::string out;
    for (std::string line; std::getline(in, line);) {
      if (line.find("cncert_exporter_") != std::string::npos ||
          line.find("process_") != std::string::npos) {
        continue;
      }
      out += line + "\n";
    }
    return out;
  }
  ExporterServer Start(std::vector<std::string> args = {}) {
    args.insert(args.begin(), {"--bulletins.dir", dir_});
    return ExporterServer(args);
  }

  std::string dir_;
};

}  // namespace cncert::testing

#endif  // CNCERT_TESTS_SUPPORT_ARCHIVE_FIXTURE_H_
