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

}  // namespace
}  // namespace cncert
