#include "parsers/markdown_image.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <random>
#include <string>

namespace cncert {
namespace {

// The expression the Markdown decoder asked at each "![" before it read
// references itself: the reference ReadMarkdownImage() must agree with.
std::optional<MarkdownImage> MatchedByExpression(std::string_view text,
                                                 std::size_t at) {
  static const RE2 kImage(
      R"(!\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"\n]*")?\s*\))");
  re2::StringPiece groups[3];
  if (!kImage.Match(text, at, text.size(), RE2::ANCHOR_START, groups, 3)) {
    return std::nullopt;
  }
  return MarkdownImage{groups[0].size(),
                       std::string_view(groups[1].data(), groups[1].size()),
                       std::string_view(groups[2].data(), groups[2].size())};
}

TEST(MarkdownImageTest, Examples) {
  const auto image = ReadMarkdownImage("a ![图1](1.png \"标题\") b", 2);
  ASSERT_TRUE(image);
  EXPECT_EQ(image->alt, "图1");
  EXPECT_EQ(image->src, "1.png");
  EXPECT_EQ(image->length, std::string("![图1](1.png \"标题\")").size());
  const auto angled = ReadMarkdownImage("![](<a b.png>)", 0);
  EXPECT_FALSE(angled);  // blanks end a source, even in angle brackets
  const auto bare = ReadMarkdownImage("![x](  <a.png>  )", 0);
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->src, "a.png");
  EXPECT_FALSE(ReadMarkdownImage("![x]\n(a.png)", 0));
  EXPECT_FALSE(ReadMarkdownImage("![x](a.png", 0));
  EXPECT_FALSE(ReadMarkdownImage("[x](a.png)", 0));
  // A title alone, after blanks: the source is empty.
  const auto titled = ReadMarkdownImage("![a]( \"t x\")", 0);
  ASSERT_TRUE(titled);
  EXPECT_EQ(titled->src, "");
}

// Against the expression, at every "![" of texts made of what it reads.
TEST(MarkdownImageTest, ReadsWhatTheExpressionMatches) {
  std::mt19937 random(5);
  const std::string alphabet[] = {"!",  "[",  "]",  "(",  ")",  "<",
                                  ">",  "\"", " ",  "\t", "\n", "a",
                                  "图", "\r", "![", "](", "\f"};
  constexpr std::size_t kLetters = std::size(alphabet);
  int matched = 0;
  for (int n = 0; n < 300000; ++n) {
    std::string text;
    const int length = static_cast<int>(random() % 14);
    for (int i = 0; i < length; ++i) text += alphabet[random() % kLetters];
    for (std::size_t at = text.find("!["); at != std::string::npos;
         at = text.find("![", at + 1)) {
      const auto want = MatchedByExpression(text, at);
      const auto got = ReadMarkdownImage(text, at);
      ASSERT_EQ(got.has_value(), want.has_value())
          << "\"" << text << "\"@" << at;
      if (!want) continue;
      ++matched;
      ASSERT_EQ(got->length, want->length) << "\"" << text << "\"";
      ASSERT_EQ(got->alt, want->alt) << "\"" << text << "\"";
      ASSERT_EQ(got->src, want->src) << "\"" << text << "\"";
    }
  }
  EXPECT_GT(matched, 1000);  // the texts hold references, not only misses
}

}  // namespace
}  // namespace cncert
