// Bad inputs: each gets a clear error, or keeps its good figures with a
// warning.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "parsers/parser.h"
#include "tests/support/test_support.h"

namespace cncert {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Parse;
using testing::ReadFile;
using testing::SourcePath;

Bulletin ParseBad(const std::string& name) {
  return Parse(ReadFile(SourcePath("tests/bad/" + name)));
}

TEST(BadInputTest, EmptyFile) {
  EXPECT_THAT(ParseBad("empty.txt").errors, ElementsAre("empty file"));
}

TEST(BadInputTest, BinaryFile) {
  EXPECT_THAT(ParseBad("binary.bin").errors,
              ElementsAre("binary data, not text (NUL byte at offset 8)"));
}

TEST(BadInputTest, BytesInNoKnownEncoding) {
  EXPECT_THAT(
      ParseBad("not_text.txt").errors,
      ElementsAre(HasSubstr("text is neither UTF-8 nor GB18030: invalid UTF-8 "
                            "byte 0x80 at offset 0")));
}

TEST(BadInputTest, HugeInputIsRefusedWithoutParsing) {
  const std::string huge(100u << 20, 'a');
  const Bulletin b = ParseBulletin(huge, *DefaultRules());
  EXPECT_THAT(
      b.errors,
      ElementsAre("file too large: 104857600 bytes, the limit is 33554432"));
}

TEST(BadInputTest, TruncatedBulletinKeepsWhatItStatesAndWarns) {
  const Bulletin b = ParseBad("truncated.md");
  ASSERT_TRUE(b.ok());
  ASSERT_NE(b.Find("cncert_incidents_handled"), nullptr);
  EXPECT_EQ(b.Find("cncert_incidents_handled")->value, 177);
  // "含跨境网络安全事件5" was cut: 5 is not the figure (51 was).
  EXPECT_EQ(b.Find("cncert_incidents_cross_border"), nullptr);
  EXPECT_THAT(b.warnings, Contains(HasSubstr("text ends mid-sentence")));
}

TEST(BadInputTest, InvalidUtf8KeepsTheRestWithAWarning) {
  const Bulletin b = ParseBad("invalid_utf8.txt");
  ASSERT_TRUE(b.ok());
  EXPECT_THAT(b.warnings, Contains(HasSubstr("invalid UTF-8 byte 0xFF")));
  ASSERT_NE(b.Find("cncert_cnvd_vulnerabilities"), nullptr);
  EXPECT_EQ(b.Find("cncert_cnvd_vulnerabilities")->value, 298);
  EXPECT_EQ(b.Find("cncert_new_virus_names")->value, 36);
}

TEST(BadInputTest, ScriptsStylesAndNavigationNeverBecomeFigures) {
  const Bulletin b = ParseBad("script_noise.html");
  ASSERT_TRUE(b.ok());
  std::map<std::string, double> values;
  for (const auto& v : b.values)
    values[SeriesKey(v.metric, v.labels)] = v.value;
  EXPECT_EQ(values, (std::map<std::string, double>{
                        {"cncert_security_posture_rating", 2},
                        {"cncert_incidents_handled", 190},
                        {"cncert_incidents_cross_border", 70}}));
}

TEST(BadInputTest, PageWithOnlyNoiseNumbersHoldsNoBulletin) {
  const Bulletin b = ParseBad("noise_only.html");
  EXPECT_THAT(b.errors,
              ElementsAre(HasSubstr("no CNCERT weekly bulletin found")));
  EXPECT_TRUE(b.values.empty());
}

TEST(BadInputTest, DeeplyNestedHtmlDoesNotOverflowTheStack) {
  std::string html = "<html><body>";
  for (int i = 0; i < 100000; ++i) html += "<div>";
  html += "网络安全信息与动态周报2020年第2期</body></html>";
  const Bulletin b = Parse(html);
  // Nesting beyond any real page's is refused before gumbo spends time on
  // it, with a clear reason instead of a crash.
  EXPECT_EQ(b.failure, Failure::kResources);
  EXPECT_THAT(b.errors, ElementsAre(HasSubstr("nested 100002 elements deep")));
}

TEST(BadInputTest, UnclosedFormattingTagsDoNotTakeAllMemory) {
  // 60 KB of "<b>" once grew gumbo's tree to 9 GB. Now the tags are read as
  // spans, and the text behind them still counts.
  std::string html =
      "<html><body><p>网络安全信息与动态周报2020年第2期(1月6日-1月12日)</p>"
      "<p>本周网络安全基本态势</p>";
  for (int i = 0; i < 2000; ++i) html += "<b>";
  html += "<p>本周,互联网网络安全态势整体评价为良。</p>";
  const Bulletin b = Parse(html);
  ASSERT_TRUE(b.ok()) << b.errors[0];
  ASSERT_NE(b.Find("cncert_security_posture_rating"), nullptr);
  EXPECT_THAT(b.warnings, Contains(HasSubstr("formatting tags pile up")));
}

TEST(BadInputTest, HtmlWithTooManyTagsIsRefused) {
  std::string html = "<html><body>";
  for (int i = 0; i < 210000; ++i) html += "<i></i>";
  const Bulletin b = Parse(html);
  EXPECT_EQ(b.failure, Failure::kResources);
  EXPECT_THAT(b.errors, ElementsAre(HasSubstr("more than the 200000")));
}

TEST(BadInputTest, HugeFrontMatterIsNotHandedToYamlCpp) {
  // Flow syntax that the plain reader declines, 120 KB of it: yaml-cpp's
  // memory grows with its input, so front matter past 64 KiB is ignored and
  // the body still counts.
  std::string md = "---\ntitle: [网络安全信息与动态周报2020年第2期]\nx: [";
  for (int i = 0; i < 40000; ++i) md += "a, ";
  md +=
      "b]\n---\n# 网络安全信息与动态周报2020年第2期(1月6日-1月12日)\n\n"
      "本周网络安全基本态势\n\n本周,互联网网络安全态势整体评价为良。\n";
  const Bulletin b = Parse(md);
  ASSERT_TRUE(b.ok()) << b.errors[0];
  EXPECT_NE(b.Find("cncert_security_posture_rating"), nullptr);
  EXPECT_THAT(b.warnings,
              Contains("front matter of 120063 bytes is over the limit of "
                       "65536; ignored"));
}

TEST(BadInputTest, PdfThatIsNotOne) {
  const Bulletin b = Parse("%PDF-1.4\nthis is not really a pdf\n%%EOF\n");
  EXPECT_THAT(b.errors, ElementsAre(HasSubstr("not a readable PDF")));
}

}  // namespace
}  // namespace cncert
