#include "parsers/transforms.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string>

namespace cncert {
namespace {

TEST(ParseChineseNumberTest, ScaleWords) {
  EXPECT_EQ(ParseChineseNumber("14.5万"), 145000);
  EXPECT_EQ(ParseChineseNumber("112万个"), 1120000);
  EXPECT_EQ(ParseChineseNumber("9.0万"), 90000);
  EXPECT_EQ(ParseChineseNumber("1.2亿"), 120000000);
  EXPECT_EQ(ParseChineseNumber("3千万"), 30000000);
}

TEST(ParseChineseNumberTest, PlainAndSeparated) {
  EXPECT_EQ(ParseChineseNumber("177"), 177);
  EXPECT_EQ(ParseChineseNumber("1,547"), 1547);
  EXPECT_EQ(ParseChineseNumber("约92个"), 92);
  EXPECT_EQ(ParseChineseNumber("4.25"), 4.25);
}

TEST(ParseChineseNumberTest, ChineseNumerals) {
  EXPECT_EQ(ParseChineseNumber("三十"), 30);
  EXPECT_EQ(ParseChineseNumber("十五"), 15);
  EXPECT_EQ(ParseChineseNumber("一百二十"), 120);
  EXPECT_EQ(ParseChineseNumber("三千零五"), 3005);
  EXPECT_EQ(ParseChineseNumber("两万"), 20000);
  EXPECT_EQ(ParseChineseNumber("无"), 0);
}

TEST(ParseChineseNumberTest, NotANumber) {
  EXPECT_FALSE(ParseChineseNumber("").has_value());
  EXPECT_FALSE(ParseChineseNumber("个").has_value());
  EXPECT_FALSE(ParseChineseNumber("abc").has_value());
}

// Values are rounded from their digits once, as strtod rounds the decimal
// literal: whether computed on strtod's fast path or by strtod itself.
TEST(ParseChineseNumberTest, RoundsAsStrtodDoes) {
  std::mt19937_64 random(20261129);
  for (int i = 0; i < 20000; ++i) {
    const int digits = 1 + static_cast<int>(random() % 19);
    std::string number;
    for (int d = 0; d < digits; ++d) {
      number += static_cast<char>('0' + random() % 10);
    }
    const int decimals = static_cast<int>(random() % (digits + 1));
    if (decimals > 0 && decimals < digits) {
      number.insert(number.size() - decimals, ".");
    }
    const bool wan = random() % 3 == 0;
    // The same value as a C literal: 万 is e4.
    const std::string literal = number + (wan ? "e4" : "");
    const double expected = std::strtod(literal.c_str(), nullptr);
    const auto parsed = ParseChineseNumber(number + (wan ? "万" : ""));
    ASSERT_TRUE(parsed.has_value()) << number;
    ASSERT_EQ(*parsed, expected) << number << (wan ? "万" : "");
    if (expected <= 100 && !wan) {
      const auto ratio = ParsePercent(number + "%");
      ASSERT_TRUE(ratio.has_value()) << number;
      ASSERT_EQ(*ratio, std::strtod((number + "e-2").c_str(), nullptr))
          << number << "%";
    }
  }
}

TEST(ParsePercentTest, ExactDecimalRatios) {
  EXPECT_EQ(ParsePercent("1.6%"), 0.016);
  EXPECT_EQ(ParsePercent("59.7"), 0.597);
  EXPECT_EQ(ParsePercent("14.7%"), 0.147);
  EXPECT_EQ(ParsePercent("100%"), 1.0);
  EXPECT_EQ(ParsePercent("0"), 0.0);
}

TEST(ParsePercentTest, OutOfRangeIsRejected) {
  EXPECT_FALSE(ParsePercent("100.1%").has_value());
  EXPECT_FALSE(ParsePercent("250%").has_value());
  EXPECT_FALSE(ParsePercent("%").has_value());
}

TEST(ChangeDirectionTest, Words) {
  for (const char* up :
       {"上升", "增长", "增加", "大幅增加", "大幅上升", "涨幅"}) {
    EXPECT_EQ(ChangeDirection(up), 1) << up;
  }
  for (const char* down : {"下降", "减少", "下跌", "大幅减少", "降幅"}) {
    EXPECT_EQ(ChangeDirection(down), -1) << down;
  }
  EXPECT_EQ(ChangeDirection("持平"), 0);
  EXPECT_FALSE(ChangeDirection("变化").has_value());
}

}  // namespace
}  // namespace cncert
