// A real Prometheus server (Debian's package) on loopback scrapes the exporter.
#include "tests/support/prometheus.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "tests/support/test_support.h"

namespace cncert::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

TEST(PrometheusTest, ScrapesTheExporterAndSeesTheSeedFigures) {
  const std::string dir = MakeTempDir();
  fs::create_directory(dir + "/archive");
  fs::copy_file(SourcePath("samples/bulletins/2024-29_wechat.md"),
                dir + "/archive/seed.md");
  ExporterServer exporter({"--bulletins.dir", dir + "/archive"});
  ASSERT_TRUE(exporter.ok()) << exporter.process().Log();

  PrometheusServer prometheus(dir + "/prometheus",
                              "global:\n  scrape_interval: 1s\n"
                              "scrape_configs:\n"
                              "  - job_name: cncert\n"
                              "    static_configs:\n"
                              "      - targets: ['" +
                                  exporter.address() + "']\n");
  ASSERT_TRUE(prometheus.ok()) << prometheus.process().Log();
  EXPECT_TRUE(Eventually(
      [&] { return prometheus.Scalar("up{job=\"cncert\"}") == 1; }, 30s))
      << prometheus.process().Log();
  EXPECT_TRUE(Eventually(
      [&] {
        return prometheus.Scalar("cncert_incidents_handled{job=\"cncert\"}") ==
               177;
      },
      10s));
  EXPECT_EQ(prometheus.Scalar("cncert_security_posture_rating"), 2);
  EXPECT_EQ(prometheus.Scalar("cncert_incidents_cross_border"), 51);
  EXPECT_EQ(prometheus.Scalar("count(cncert_bulletin_info{issue=\"2024-29\"})"),
            1);
  EXPECT_EQ(
      prometheus
          .Scalar("scrape_samples_post_metric_relabeling{job=\"cncert\"} > 0")
          .has_value(),
      true);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cncert::testing
