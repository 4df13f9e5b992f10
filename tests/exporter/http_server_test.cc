// The web server's life cycle, in process.
#include "exporter/web/http_server.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/test_support.h"

namespace cncert {
namespace {

TEST(HttpServerTest, StopRightAfterStartDoesNotHang) {
  // Stopping a server whose listener thread has not started yet once left
  // the join waiting forever (an early SIGTERM).
  const std::string dir = testing::MakeTempDir();
  ExporterOptions exporter_options;
  exporter_options.archive_dir = dir;
  Exporter exporter(exporter_options);
  ASSERT_TRUE(exporter.Reload(ReloadScope::kRulesAndArchive).ok);
  for (int i = 0; i < 50; ++i) {
    HttpOptions options;
    options.listen_addresses = {"127.0.0.1:0"};
    HttpServer server(exporter, options);
    std::string error;
    ASSERT_TRUE(server.Start(&error)) << error;
    server.Stop();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cncert
