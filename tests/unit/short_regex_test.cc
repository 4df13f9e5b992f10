#include "parsers/short_regex.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <random>
#include <string>
#include <vector>

namespace cncert {
namespace {

// The patterns the parsers search short texts with.
const char* const kPatterns[] = {
    R"((\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2})日?\s*(?:-|~|至|到)\s*(\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2}))",
    R"((\d{1,2})月(\d{1,2})日?\s*(?:-|~|至|到)\s*(?:(\d{1,2})月)?(\d{1,2})日)",
    R"(网络安全信息与动态周报\s*-?\s*(?:\d{4}年)?(?:第\d+期)?\s*(?:\(\d[^)]{0,40}\))?)",
    R"((\d{4})年第(\d{1,3})期)",
    R"(:\s*(\d{4})-(\d{1,2})-(\d{1,2}))",
    R"((\d{4})[-./年](\d{1,2})[-./月](\d{1,2}))",
};

std::string Where(std::string_view text, const re2::StringPiece& p) {
  return p.data() == nullptr ? "unset"
                             : std::to_string(p.data() - text.data()) + "+" +
                                   std::to_string(p.size());
}

// Search() against RE2's unanchored search: the same match and groups, or
// both none.
void ExpectSameAsRe2(const ShortRegex& regex, const RE2& re2,
                     std::string_view text) {
  const int n = re2.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> expected(n);
  std::vector<re2::StringPiece> got(n);
  const bool matched =
      re2.Match(text, 0, text.size(), RE2::UNANCHORED, expected.data(), n);
  ASSERT_EQ(regex.Search(text, got.data(), n), matched)
      << re2.pattern() << " in '" << text << "'";
  for (int i = 0; matched && i < n; ++i) {
    EXPECT_EQ(Where(text, got[i]), Where(text, expected[i]))
        << "group " << i << " of " << re2.pattern() << " in '" << text << "'";
  }
}

// Else each search would be RE2's, at its cost.
TEST(ShortRegexTest, TheOwnMatcherTakesEveryPattern) {
  for (const char* pattern : kPatterns) {
    EXPECT_NE(AnchoredMatcher::Compile(pattern), nullptr) << pattern;
  }
}

TEST(ShortRegexTest, SearchesAsRe2DoesOnTitlesAndDates) {
  const char* const kTexts[] = {
      "网络安全信息与动态周报2019年第22期（5月27日-6月2日）",
      "网络安全信息与动态周报2019年第22期(5月27日-6月2日)",
      "网络安全信息与动态周报-2014年第6期(2014.02.03至2014.02.09)",
      "网络安全信息与动态周报 第3期 (2013-09-02 至 2013-09-08) 附录",
      "本周(在9月8日至14日期间)，境内",
      "12月30日~1月5日",
      "2005年第1期 2005年第2期",
      "发布时间: 2019-06-03 12:00",
      "2019/6/3",
      "123456月7日-8日",
      "",
      "没有日期",
  };
  for (const char* pattern : kPatterns) {
    const ShortRegex regex(pattern);
    const RE2 re2(pattern);
    ASSERT_TRUE(re2.ok()) << pattern;
    for (const char* text : kTexts) ExpectSameAsRe2(regex, re2, text);
  }
}

// Texts made of the patterns' own pieces, where near misses abound.
TEST(ShortRegexTest, SearchesAsRe2DoesOnPiecesOfDates) {
  const std::vector<std::string> kPieces = {"1",
                                            "9",
                                            "20",
                                            "2019",
                                            "0",
                                            "月",
                                            "日",
                                            "年",
                                            "第",
                                            "期",
                                            "至",
                                            "到",
                                            "-",
                                            "~",
                                            ".",
                                            "/",
                                            " ",
                                            "\t",
                                            "(",
                                            ")",
                                            ":",
                                            "周报",
                                            "网络安全信息与动态周报",
                                            "\u3000",
                                            "x"};
  std::mt19937 random(20261204);
  std::uniform_int_distribution<std::size_t> piece(0, kPieces.size() - 1);
  std::uniform_int_distribution<int> length(0, 24);
  for (const char* pattern : kPatterns) {
    const ShortRegex regex(pattern);
    const RE2 re2(pattern);
    for (int i = 0; i < 3000; ++i) {
      std::string text;
      for (int k = length(random); k > 0; --k) text += kPieces[piece(random)];
      ExpectSameAsRe2(regex, re2, text);
    }
  }
}

TEST(ShortRegexTest, BytesThatAreNoUtf8AreLeftToRe2) {
  const char* pattern = R"((\d{1,2})月(\d{1,2})日)";
  const ShortRegex regex(pattern);
  const RE2 re2(pattern);
  ExpectSameAsRe2(regex, re2,
                  "\xff\xfe"
                  "5月6日");
  ExpectSameAsRe2(regex, re2,
                  "5\xe6\x9c"
                  "5月6日");
}

TEST(ShortRegexTest, MatchAtIsAnchored) {
  const ShortRegex regex(R"((\d{4})年)");
  re2::StringPiece g[2];
  EXPECT_FALSE(regex.MatchAt("x2019年", 0, g, 2));
  ASSERT_TRUE(regex.MatchAt("x2019年", 1, g, 2));
  EXPECT_EQ(g[1], "2019");
}

TEST(ShortRegexTest, GroupNumberTakesDigitsAlone) {
  EXPECT_EQ(GroupNumber("07"), 7);
  EXPECT_EQ(GroupNumber("2019"), 2019);
  EXPECT_EQ(GroupNumber(""), std::nullopt);
  EXPECT_EQ(GroupNumber(re2::StringPiece()), std::nullopt);
  EXPECT_EQ(GroupNumber("1x"), std::nullopt);
  EXPECT_EQ(GroupNumber("99999999999"), std::nullopt);
}

}  // namespace
}  // namespace cncert
