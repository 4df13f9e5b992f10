// Title, issue, period and publication date in every form of the guide §2.
#include <gtest/gtest.h>

#include "parsers/bulletin_json.h"
#include "tests/support/test_support.h"

namespace cncert {
namespace {

using testing::Parse;

nlohmann::json IdentityOf(const std::string& text) {
  const Bulletin b = Parse(text);
  EXPECT_TRUE(b.ok()) << (b.errors.empty() ? "" : b.errors[0]);
  return IdentityToJson(b.identity);
}

TEST(IdentityTest, TitleWithIssueAndPeriod) {
  const auto id =
      IdentityOf("网络安全信息与动态周报2024年第29期（7月15日-7月21日）\n");
  EXPECT_EQ(id["kind"], "cncert_weekly");
  EXPECT_EQ(id["year"], 2024);
  EXPECT_EQ(id["issue"], 29);
  EXPECT_EQ(id["period_start"], "2024-07-15");
  EXPECT_EQ(id["period_end"], "2024-07-21");
  EXPECT_FALSE(id.contains("published"));
}

TEST(IdentityTest, EmDashHalfWidthBracketsAndZhi) {
  EXPECT_EQ(
      IdentityOf(
          "网络安全信息与动态周报2018年第6期(2月5日—2月11日)\n")["period_end"],
      "2018-02-11");
  EXPECT_EQ(IdentityOf("网络安全信息与动态周报2018年第6期（2月5日至2月11日）\n")
                ["period_start"],
            "2018-02-05");
}

TEST(IdentityTest, DottedFullDatesWithoutIssue) {
  const auto id =
      IdentityOf("网络安全信息与动态周报(2014.02.03至2014.02.09)\n");
  EXPECT_EQ(id["period_start"], "2014-02-03");
  EXPECT_EQ(id["period_end"], "2014-02-09");
  EXPECT_EQ(id["year"], 2014);
  EXPECT_FALSE(id.contains("issue"));
}

TEST(IdentityTest, YearCrossingWeekStartsInThePreviousYear) {
  const auto id =
      IdentityOf("网络安全信息与动态周报2025年第1期（12月30日-1月5日）\n");
  EXPECT_EQ(id["period_start"], "2024-12-30");
  EXPECT_EQ(id["period_end"], "2025-01-05");
}

TEST(IdentityTest, LastIssueOfTheYearEndsInTheNextYear) {
  const auto id =
      IdentityOf("网络安全信息与动态周报2019年第52期（12月30日-1月5日）\n");
  EXPECT_EQ(id["period_start"], "2019-12-30");
  EXPECT_EQ(id["period_end"], "2020-01-05");
}

TEST(IdentityTest, CertOrgCnTitleTakesThePageDate) {
  const auto id = IdentityOf(
      "网络安全信息与动态周报-2026年第12期\n来源：CNCERT　时间：2026-04-03\n");
  EXPECT_EQ(id["year"], 2026);
  EXPECT_EQ(id["issue"], 12);
  EXPECT_EQ(id["published"], "2026-04-03");
  EXPECT_FALSE(id.contains("period_start"));
}

TEST(IdentityTest, FrontMatterDateIsThePublicationDate) {
  const auto id = IdentityOf(
      "---\ntitle: 网络安全信息与动态周报2024年第29期（7月15日-7月21日）\n"
      "url: https://example.invalid/x\ndate: 2024-07-25\n---\n\n正文\n");
  EXPECT_EQ(id["published"], "2024-07-25");
  EXPECT_EQ(id["url"], "https://example.invalid/x");
}

TEST(IdentityTest, RepostDateIsNotThePublicationDate) {
  const Bulletin b = Parse(
      "网络安全信息与动态周报2018年第9期（2月26日—3月4日）\n发布时间：2021-02-"
      "11\n");
  EXPECT_FALSE(b.identity.published.has_value());
  ASSERT_FALSE(b.warnings.empty());
  EXPECT_NE(b.warnings[0].find("2021-02-11"), std::string::npos);
}

TEST(IdentityTest, RewritePeriodInTheBodyTakesItsYearFromThePageDate) {
  const auto id = IdentityOf(
      "《网络安全信息与动态周报》显示，在9月8日至14日期间，我国互联网网络安全指"
      "数整体评价为良。\n"
      "发布时间：2013-09-17\n");
  EXPECT_EQ(id["period_start"], "2013-09-08");
  EXPECT_EQ(id["period_end"], "2013-09-14");
  EXPECT_EQ(id["published"], "2013-09-17");
}

TEST(IdentityTest, PageDateAfterOtherColonsAndBeforeNone) {
  // Colons that follow neither word come first; "日期" as well as "时间".
  const auto id = IdentityOf(
      "来源：国家互联网应急中心 作者：CNCERT\n"
      "《网络安全信息与动态周报》显示，在9月8日至14日期间，我国互联网网络安全指"
      "数整体评价为良。\n"
      "日期：2013-09-17\n");
  EXPECT_EQ(id.value("published", ""), "2013-09-17");
  // A colon at the very start, with no word before it, is not a date's.
  const auto none = IdentityOf("：2013-09-17\n网络安全信息与动态周报\n");
  EXPECT_FALSE(none.contains("published"));
}

TEST(IdentityTest, RewriteMonthWeekWithFullDates) {
  const auto id = IdentityOf(
      "CNCERT发布的2015年9月第2周(2015-09-07至2015-09-13)"
      "《网络安全信息与动态周报》显示。\n");
  EXPECT_EQ(id["period_start"], "2015-09-07");
  EXPECT_EQ(id["period_end"], "2015-09-13");
}

TEST(IdentityTest, TitlesOfOtherIssuesInRecentLinksAreIgnored) {
  const Bulletin b = Parse(
      "本周事件处理情况\n共处理网络安全事件5起。\n近期回顾\n"
      "网络安全信息与动态周报2024年第28期（7月8日-7月14日）\n");
  EXPECT_FALSE(b.identity.issue.has_value());
  EXPECT_TRUE(b.identity.kind.empty());
}

TEST(IdentityTest, ImpossibleDatesAreNotInvented) {
  const auto id =
      IdentityOf("网络安全信息与动态周报2024年第29期（2月30日-3月6日）\n");
  EXPECT_FALSE(id.contains("period_start"));
  EXPECT_EQ(id["issue"], 29);
}

TEST(IdentityTest, PeriodWithoutAnyYearIsLeftOut) {
  const Bulletin b = Parse(
      "《网络安全信息与动态周报》:在9月8日至14日期间,"
      "共处理网络安全事件5起。\n");
  EXPECT_FALSE(b.identity.period_start.has_value());
  bool warned = false;
  for (const auto& w : b.warnings)
    warned = warned || w.find("no year") != std::string::npos;
  EXPECT_TRUE(warned);
}

}  // namespace
}  // namespace cncert
