// Both wire formats render the same families: names, escaping, types, units
// and timestamps as each format wants them.
#include "exporter/metrics/exposition.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cncert {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<MetricFamily> Families() {
  MetricFamily gauge{"cncert_x_ratio",
                     "A \\ share\nof \"all\".",
                     MetricType::kGauge,
                     "ratio",
                     {}};
  gauge.samples.push_back({{{"issue", "2024-29"}}, 0.016, 1721491200});
  MetricFamily counter{
      "cncert_y_cumulative", "Sum.", MetricType::kCounter, "", {}};
  counter.samples.push_back({{}, 177, 1721491200});
  MetricFamily info{"cncert_bulletin", "Identity.", MetricType::kInfo, "", {}};
  info.samples.push_back(
      {{{"title", "周报\"第29期\""}, {"url", "a\\b"}}, 1, std::nullopt});
  return {gauge, counter, info};
}

TEST(ExpositionTest, TextFormatEscapesAndTimestampsInMilliseconds) {
  const std::string text = RenderText(Families());
  EXPECT_THAT(text,
              HasSubstr("# HELP cncert_x_ratio A \\\\ share\\nof \"all\".\n"));
  EXPECT_THAT(
      text,
      HasSubstr("cncert_x_ratio{issue=\"2024-29\"} 0.016 1721491200000\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE cncert_y_cumulative_total counter\n"));
  EXPECT_THAT(text, HasSubstr("cncert_y_cumulative_total 177 1721491200000\n"));
  // Info metrics are gauges in the text format.
  EXPECT_THAT(text, HasSubstr("# TYPE cncert_bulletin_info gauge\n"));
  EXPECT_THAT(text,
              HasSubstr("cncert_bulletin_info{title=\"周报\\\"第29期\\\"\","
                        "url=\"a\\\\b\"} 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("# EOF")));
}

TEST(ExpositionTest, OpenMetricsNamesFamiliesAndEndsWithEof) {
  const std::string om = RenderOpenMetrics(Families());
  EXPECT_THAT(
      om, HasSubstr("# HELP cncert_x_ratio A \\\\ share\\nof \\\"all\\\".\n"));
  EXPECT_THAT(om, HasSubstr("# UNIT cncert_x_ratio ratio\n"));
  EXPECT_THAT(
      om, HasSubstr("cncert_x_ratio{issue=\"2024-29\"} 0.016 1721491200\n"));
  EXPECT_THAT(om, HasSubstr("# TYPE cncert_y_cumulative counter\n"));
  EXPECT_THAT(om, HasSubstr("# TYPE cncert_bulletin info\n"));
  EXPECT_TRUE(om.ends_with("# EOF\n"));
}

TEST(ExpositionTest, SampleValuesReadBackExactly) {
  EXPECT_EQ(FormatSampleValue(145000), "145000");
  EXPECT_EQ(FormatSampleValue(-0.147), "-0.147");
  EXPECT_EQ(FormatSampleValue(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatSampleValue(std::nan("")), "NaN");
}

TEST(ExpositionTest, LabelValuesThatAreNotUtf8StayValidAndDistinct) {
  // A GBK file name: Prometheus rejects a whole scrape with invalid UTF-8.
  MetricFamily f{
      "cncert_exporter_archive_file_failed", "x", MetricType::kGauge, "", {}};
  f.samples.push_back({{{"file", "\xc4\xe3\xba\xc3.md"}}, 1, std::nullopt});
  f.samples.push_back({{{"file", "\xc4\xe3\xba\xc4%.md"}}, 1, std::nullopt});
  const std::string text = RenderText({f});
  EXPECT_THAT(text, HasSubstr("{file=\"%C4%E3%BA%C3.md\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("{file=\"%C4%E3%BA%C4%25.md\"} 1\n"));
}

}  // namespace
}  // namespace cncert
