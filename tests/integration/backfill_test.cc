// History end to end with the real tools: backfill → promtool tsdb
// create-blocks-from openmetrics → a Prometheus server on those blocks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <thread>

#include "tests/support/process.h"
#include "tests/support/prometheus.h"
#include "tests/support/synthetic_archive.h"
#include "tests/support/test_support.h"

namespace cncert::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using namespace std::chrono_literals;
using std::chrono::December;
using std::chrono::October;

constexpr Date kFirstMonday{std::chrono::year(2018), October,
                            std::chrono::day(1)};

class BackfillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    fs::create_directory(dir_ + "/archive");
  }
  void TearDown() override { fs::remove_all(dir_); }

  Output Backfill(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{
        CNCERT_EXPORTER_BINARY, "backfill", "--bulletins.dir",
        dir_ + "/archive",      "--output", dir_ + "/history.om"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunCommand(argv);
  }

  std::string dir_;
};

TEST_F(BackfillTest,
       SixtyWeeksAcrossAYearBoundaryComeBackExactlyFromPrometheus) {
  const auto weeks = MakeSyntheticWeeks(kFirstMonday, 40, 60);
  // The year-crossing week 2018-12-31..2019-01-06 is issue 1 of 2019.
  ASSERT_EQ(weeks[13].period_start,
            (Date{std::chrono::year(2018), December, std::chrono::day(31)}));
  ASSERT_EQ(weeks[13].issue, 1);
  WriteSyntheticArchive(dir_ + "/archive", weeks);

  const Output backfill =
      Backfill({"--label", "job=cncert", "--label", "instance=archive"});
  ASSERT_EQ(backfill.status, 0) << backfill.text;
  EXPECT_THAT(backfill.text,
              HasSubstr("60 bulletins written (2018-40 to 2019-47)"));
  const std::string om = ReadFile(dir_ + "/history.om");
  EXPECT_TRUE(om.ends_with("# EOF\n"));
  EXPECT_THAT(
      om, HasSubstr("# TYPE cncert_incidents_handled_cumulative counter\n"));
  EXPECT_THAT(
      om, HasSubstr(
              "# UNIT cncert_bulletin_period_end_timestamp_seconds seconds\n"));

  const Output blocks =
      RunCommand({"promtool", "tsdb", "create-blocks-from", "openmetrics",
                  "--max-block-duration=720h", dir_ + "/history.om",
                  dir_ + "/prometheus/data"});
  ASSERT_EQ(blocks.status, 0) << blocks.text;

  PrometheusServer prometheus(dir_ + "/prometheus",
                              "global:\n  scrape_interval: 1h\n",
                              {"--storage.tsdb.retention.time=100y"});
  ASSERT_TRUE(prometheus.ok()) << prometheus.process().Log();

  // Exactly one sample per week, at the end of its period, equal to the figure.
  const double end =
      static_cast<double>(DateToUnixSeconds(weeks.back().period_end)) + 60;
  for (const std::string series :
       {"cncert_incidents_handled", "cncert_security_posture_rating",
        "cncert_defaced_government_websites_ratio",
        "cncert_infected_hosts_by_malware{malware=\"conficker\"}",
        "cncert_cnvd_vulnerabilities_by_severity{severity=\"high\"}"}) {
    std::string selector = series;
    const std::string job = "job=\"cncert\",instance=\"archive\"";
    selector = selector.find('{') == std::string::npos
                   ? selector + "{" + job + "}"
                   : selector.substr(0, selector.size() - 1) + "," + job + "}";
    const auto j = prometheus.Api("query", {{"query", selector + "[600w]"},
                                            {"time", std::to_string(end)}});
    ASSERT_FALSE(j.is_null()) << series;
    ASSERT_EQ(j["data"]["result"].size(), 1u) << series;
    const auto& values = j["data"]["result"][0]["values"];
    ASSERT_EQ(values.size(), weeks.size()) << series;
    for (std::size_t i = 0; i < weeks.size(); ++i) {
      EXPECT_EQ(values[i][0].get<double>(),
                static_cast<double>(DateToUnixSeconds(weeks[i].period_end)))
          << series << " week " << i;
      EXPECT_EQ(std::stod(values[i][1].get<std::string>()),
                weeks[i].figures.at(series))
          << series << " week " << i;
    }
  }

  for (std::size_t i = 0; i < weeks.size(); i += 7) {
    // Mid-week after the period: the default 5-minute lookback sees nothing,
    // last_over_time over 8 days sees this week's value.
    const double mid =
        static_cast<double>(DateToUnixSeconds(weeks[i].period_end)) +
        3.5 * 86400;
    EXPECT_FALSE(prometheus.Scalar("cncert_phishing_pages", mid).has_value());
    EXPECT_EQ(
        prometheus.Scalar("last_over_time(cncert_phishing_pages[8d])", mid),
        weeks[i].figures.at("cncert_phishing_pages"))
        << "week " << i;
  }

  // increase() over a quarter (13 weeks, evaluated at a sample) is the sum of
  // that quarter's weekly figures.
  for (std::size_t k : {13u, 30u, 59u}) {
    double sum = 0;
    for (std::size_t i = k - 12; i <= k; ++i)
      sum += weeks[i].figures.at("cncert_incidents_handled");
    const double at =
        static_cast<double>(DateToUnixSeconds(weeks[k].period_end));
    // The sample at the window's start is the cumulative value before the
    // quarter. Prometheus 2.x selects [t-13w, t] inclusively: the window holds
    // the sample before the quarter too, so no extrapolation happens.
    if (k >= 13) {
      EXPECT_EQ(
          prometheus.Scalar(
              "increase(cncert_incidents_handled_cumulative_total[13w])", at),
          sum)
          << "quarter ending at week " << k;
    }
    EXPECT_EQ(
        prometheus.Scalar(
            "last_over_time(cncert_incidents_handled_cumulative_total[8d]) - "
            "last_over_time(cncert_incidents_handled_cumulative_total[8d] "
            "offset 13w)",
            at + 3 * 86400),
        sum)
        << "quarter ending at week " << k;
  }
}

// As documented: 1 when nothing is written, whether the archive is empty or
// every file in it fails.
TEST_F(BackfillTest, NothingToWriteIsStatusOneAndNoFile) {
  const Output empty = Backfill();
  EXPECT_EQ(empty.status, 1) << empty.text;
  EXPECT_THAT(empty.text, HasSubstr("nothing written"));
  EXPECT_FALSE(fs::exists(dir_ + "/history.om"));
  fs::copy_file(SourcePath("tests/bad/binary.bin"),
                dir_ + "/archive/binary.bin");
  const Output failed = Backfill();
  EXPECT_EQ(failed.status, 1) << failed.text;
  EXPECT_THAT(failed.text, HasSubstr("skipped binary.bin"));
  EXPECT_THAT(failed.text, HasSubstr("(1 files failed)"));
  EXPECT_FALSE(fs::exists(dir_ + "/history.om"));
}

TEST_F(BackfillTest, BrokenFilesAreSkippedAndReported) {
  WriteSyntheticArchive(dir_ + "/archive",
                        MakeSyntheticWeeks(kFirstMonday, 40, 3));
  fs::copy_file(SourcePath("tests/bad/binary.bin"),
                dir_ + "/archive/binary.bin");
  fs::copy_file(SourcePath("tests/bad/empty.txt"), dir_ + "/archive/empty.txt");
  const Output o = Backfill();
  EXPECT_EQ(o.status, 3) << o.text;
  EXPECT_THAT(o.text,
              HasSubstr("skipped binary.bin: binary: binary data, not text"));
  EXPECT_THAT(o.text, HasSubstr("skipped empty.txt: empty: empty file"));
  EXPECT_THAT(o.text, HasSubstr("3 bulletins written"));
  const Output check =
      RunCommand({"promtool", "tsdb", "create-blocks-from", "openmetrics",
                  dir_ + "/history.om", dir_ + "/blocks"});
  EXPECT_EQ(check.status, 0) << check.text;
}

TEST_F(BackfillTest, TwoFilesOfOneBulletinCountOnce) {
  const auto weeks = MakeSyntheticWeeks(kFirstMonday, 40, 2);
  WriteSyntheticArchive(dir_ + "/archive", weeks);
  WriteFile(dir_ + "/archive/copy-" + weeks[0].file_name + ".txt",
            weeks[0].content);
  const Output o = Backfill();
  EXPECT_EQ(o.status, 0) << o.text;
  EXPECT_THAT(o.text, HasSubstr("2 bulletins written"));
  EXPECT_THAT(o.text, HasSubstr("1 duplicates"));
  const std::string om = ReadFile(dir_ + "/history.om");
  std::size_t samples = 0;
  for (std::size_t p = om.find("\ncncert_incidents_handled ");
       p != std::string::npos;
       p = om.find("\ncncert_incidents_handled ", p + 1)) {
    ++samples;
  }
  EXPECT_EQ(samples, 2u);
}

TEST_F(BackfillTest, NoPartialOutputOnFailure) {
  WriteSyntheticArchive(dir_ + "/archive",
                        MakeSyntheticWeeks(kFirstMonday, 40, 2));
  const Output o =
      RunCommand({CNCERT_EXPORTER_BINARY, "backfill", "--bulletins.dir",
                  dir_ + "/archive", "--output", dir_ + "/no/such/dir/out.om"});
  EXPECT_EQ(o.status, 1);
  EXPECT_THAT(o.text, HasSubstr("cannot create"));
  EXPECT_FALSE(fs::exists(dir_ + "/no"));
  const Output label = Backfill({"--label", "issue=x"});
  EXPECT_EQ(label.status, 1);
  EXPECT_THAT(label.text, HasSubstr("clash"));
  EXPECT_FALSE(fs::exists(dir_ + "/history.om"));
}

TEST_F(BackfillTest, AnOutputThatIsADeviceOrFifoIsWrittenNotReplaced) {
  WriteSyntheticArchive(dir_ + "/archive",
                        MakeSyntheticWeeks(kFirstMonday, 40, 2));
  auto to = [this](const std::string& output) {
    return RunCommand({CNCERT_EXPORTER_BINARY, "backfill", "--bulletins.dir",
                       dir_ + "/archive", "--output", output});
  };
  Output o = to("/dev/null");
  EXPECT_EQ(o.status, 0) << o.text;
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  const std::string fifo = dir_ + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string got;
  std::thread reader([&] { got = ReadFile(fifo); });
  o = to(fifo);
  reader.join();
  EXPECT_EQ(o.status, 0) << o.text;
  EXPECT_TRUE(fs::is_fifo(fifo));
  EXPECT_THAT(got, HasSubstr("# EOF"));
}

}  // namespace
}  // namespace cncert::testing
