// The synthetic archive used by history, dashboard and benchmark tests parses
// back to exactly the figures it was generated from, in every channel.
#include <gtest/gtest.h>

#include "tests/support/synthetic_archive.h"
#include "tests/support/test_support.h"

namespace cncert::testing {
namespace {

TEST(SyntheticArchiveTest, EveryWeekParsesBackToItsFigures) {
  const auto weeks = MakeSyntheticWeeks(
      Date{std::chrono::year(2018), std::chrono::October, std::chrono::day(1)},
      40, 16);
  for (const auto& w : weeks) {
    SCOPED_TRACE(w.file_name);
    const Bulletin b = Parse(w.content);
    ASSERT_TRUE(b.ok());
    EXPECT_TRUE(b.warnings.empty()) << b.warnings[0];
    EXPECT_EQ(b.identity.issue, w.issue);
    EXPECT_EQ(b.identity.period_start, w.period_start);
    EXPECT_EQ(b.identity.period_end, w.period_end);
    std::map<std::string, double> values;
    for (const auto& v : b.values)
      values[SeriesKey(v.metric, v.labels)] = v.value;
    EXPECT_EQ(values, w.figures);
  }
  EXPECT_EQ(weeks[13].issue, 1);  // 2018-12-31..2019-01-06 is issue 1 of 2019
  EXPECT_EQ(weeks[13].year, 2019);
}

}  // namespace
}  // namespace cncert::testing
