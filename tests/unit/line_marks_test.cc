#include "parsers/line_marks.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace cncert {
namespace {

// The Markdown decoder's two line marks, as it writes them.
const RE2& Heading() {
  static const RE2 kHeading(R"((?m)^[ \t]{0,3}#{1,6}[ \t]*)");
  return kHeading;
}
const RE2& Quote() {
  static const RE2 kQuote(R"((?m)^[ \t]{0,3}>[ \t]?)");
  return kQuote;
}

std::string GlobalReplaced(std::string text, const RE2& mark) {
  RE2::GlobalReplace(&text, mark, "");
  return text;
}

TEST(StripLineMarksTest, ExamplesAsMarkdownReadsThem) {
  EXPECT_EQ(StripLineMarks("# 一、基本态势\n正文 #1\n", Heading(), '#'),
            "一、基本态势\n正文 #1\n");
  EXPECT_EQ(StripLineMarks("   ## 三个空格\n    # 四个空格\n", Heading(), '#'),
            "三个空格\n    # 四个空格\n");
  EXPECT_EQ(StripLineMarks("####### 七\n", Heading(), '#'), "# 七\n");
  EXPECT_EQ(StripLineMarks("> 引用\n>> 两层\n", Quote(), '>'),
            "引用\n> 两层\n");
}

// Against RE2's own GlobalReplace on texts made of what matters: blanks,
// marks, line breaks and other characters, at every length up to 24.
TEST(StripLineMarksTest, LeavesWhatGlobalReplaceLeaves) {
  std::mt19937 random(7);
  const std::string alphabet[] = {" ", "\t", "#", ">", "\n", "a", "中", "\r"};
  for (int n = 0; n < 20000; ++n) {
    std::string text;
    const int length = static_cast<int>(random() % 25);
    for (int i = 0; i < length; ++i) text += alphabet[random() % 8];
    ASSERT_EQ(StripLineMarks(text, Heading(), '#'),
              GlobalReplaced(text, Heading()))
        << "heading in \"" << text << "\"";
    ASSERT_EQ(StripLineMarks(text, Quote(), '>'), GlobalReplaced(text, Quote()))
        << "quote in \"" << text << "\"";
  }
}

// What the section splitter consumed before a heading until it read the
// numbering itself: the reference HeadingNumberingLength() must agree with.
std::size_t ConsumedByExpression(std::string_view line) {
  static const RE2 kPrefix(
      R"(^(?:[#*●■◆▶>\s]*)(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d+[、.)]|第[一二三四五六七八九十\d]+部分[:、]?)?\s*)");
  re2::StringPiece rest(line.data(), line.size());
  EXPECT_TRUE(RE2::Consume(&rest, kPrefix));
  return line.size() - rest.size();
}

TEST(HeadingNumberingTest, Examples) {
  const auto stripped = [](std::string_view line) {
    return line.substr(HeadingNumberingLength(line));
  };
  EXPECT_EQ(stripped("一、本周网络安全基本态势"), "本周网络安全基本态势");
  EXPECT_EQ(stripped("## (二) 网站安全"), "网站安全");
  EXPECT_EQ(stripped("● 3. 漏洞"), "漏洞");
  EXPECT_EQ(stripped("第一部分:概况"), "概况");
  EXPECT_EQ(stripped("第12部分、概况"), "概况");
  // Numbers that are not numbering stay: a figure, a week of a chart.
  EXPECT_EQ(stripped("6611"), "6611");
  EXPECT_EQ(stripped("第3周"), "第3周");
  EXPECT_EQ(stripped("十分"), "十分");
  EXPECT_EQ(stripped("()空"), "()空");
  EXPECT_EQ(stripped(""), "");
}

// Against the expression on lines made of what it reads: decorations,
// blanks, numerals, digits, brackets and separators, and other characters.
TEST(HeadingNumberingTest, ConsumesWhatTheExpressionConsumes) {
  std::mt19937 random(11);
  const std::string alphabet[] = {
      " ", "\t", "\n", "#",  "●",  ">",  "三", "十", "7", "(",  ")",    "、",
      ".", ":",  "第", "部", "分", "本", "a",  "\r", "▶", "周", "部分", "第二"};
  constexpr std::size_t kLetters = std::size(alphabet);
  for (int n = 0; n < 200000; ++n) {
    std::string line;
    const int length = static_cast<int>(random() % 12);
    for (int i = 0; i < length; ++i) line += alphabet[random() % kLetters];
    ASSERT_EQ(HeadingNumberingLength(line), ConsumedByExpression(line))
        << "in \"" << line << "\"";
  }
}

}  // namespace
}  // namespace cncert
