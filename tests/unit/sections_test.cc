#include "parsers/sections.h"

#include <gtest/gtest.h>

#include "parsers/normalize.h"

namespace cncert {
namespace {

Layout SegmentRaw(const std::string& text) {
  return SegmentSections(NormalizeText(text), *DefaultRules());
}

std::vector<std::string> Names(const Layout& layout) {
  std::vector<std::string> names;
  for (const auto& s : layout.sections) names.push_back(s.name);
  return names;
}

TEST(SectionsTest, NumberedHeadingsStartSections) {
  const Layout l = SegmentRaw(
      "标题\n一、本周网络安全基本态势\n评价为良。\n（二）本周网络病毒活动情况\n"
      "病毒。\n"
      "3.本周网站安全情况\n网站。\n第四部分 本周重要漏洞情况\n漏洞。\n## "
      "本周事件处理情况\n事件。\n"
      "业界新闻速递\n新闻100起。\n");
  EXPECT_EQ(Names(l),
            (std::vector<std::string>{"lead", "posture", "virus", "website",
                                      "vulnerability", "incident", "news"}));
  EXPECT_TRUE(l.has_headings);
  EXPECT_EQ(l.Text(l.sections[1]), "评价为良。");
  EXPECT_FALSE(l.sections.back().extract);
}

TEST(SectionsTest, TheShippedHeadingsAreAllTriedByTheOwnMatcher) {
  // Then no RE2 set is built to screen lines first: the tries are cheaper.
  const auto rules = DefaultRules();
  EXPECT_EQ(rules->any_heading, nullptr);
  for (const auto& section : rules->sections) {
    for (const auto& heading : section.headings)
      EXPECT_NE(heading.anchored, nullptr) << section.name;
  }
}

TEST(SectionsTest, TheEmbeddedHeadingsAreCompiledByRe2OnlyWhenAsked) {
  // Known good and all the own matcher's: RE2's compile (and memory) is
  // spared at every start, and done when a try is left to it.
  std::vector<RuleError> errors;
  const auto rules = LoadRulesJson(DefaultRulesJson(), "<default>", &errors);
  ASSERT_NE(rules, nullptr);
  const RuleRegex& heading = rules->sections[0].headings[0];
  EXPECT_EQ(heading.compiled, nullptr);
  re2::StringPiece probe("本周网络安全基本态势");
  EXPECT_TRUE(RE2::Consume(&probe, heading.regex()));
  EXPECT_NE(heading.compiled, nullptr);
  // A rules file's headings are compiled on load, to report their errors.
  const auto file = LoadRules(DefaultRulesYaml(), "rules.yaml", &errors);
  ASSERT_NE(file, nullptr);
  EXPECT_NE(file->sections[0].headings[0].compiled, nullptr);
}

TEST(SectionsTest, HeadingsBeyondTheOwnMatcherAreLeftToRe2) {
  // \x{…} is beyond the own matcher: that heading is RE2's, and a set of
  // all headings screens the lines; the other is still the matcher's.
  const std::string yaml = R"(
sections:
  - name: plain
    headings: ['(?:本周)?网站安全(?:情况)?']
  - name: escaped
    headings: ['本周\x{52A8}态']
rules:
  - metric: m
    section: plain
    transform: number
    patterns: ['篡改网站(?P<value>\d+)个']
)";
  std::vector<RuleError> errors;
  const auto rules = LoadRules(yaml, "x.yaml", &errors);
  ASSERT_NE(rules, nullptr) << (errors.empty() ? "" : errors[0].ToString());
  EXPECT_NE(rules->any_heading, nullptr);
  EXPECT_NE(rules->sections[0].headings[0].anchored, nullptr);
  EXPECT_EQ(rules->sections[1].headings[0].anchored, nullptr);
  const Layout l = SegmentSections(
      NormalizeText("标题\n本周动态\n动态。\n网站安全情况：篡改网站3个。\n"
                    "本周动态来了\n"),
      *rules);
  EXPECT_EQ(Names(l), (std::vector<std::string>{"lead", "escaped", "plain"}));
  EXPECT_EQ(l.Text(l.sections[1]), "动态。");
  EXPECT_EQ(l.Text(l.sections[2]), "篡改网站3个。\n本周动态来了")
      << "a heading is the whole line, or what comes before a colon";
}

TEST(SectionsTest, ASentenceStartingLikeAHeadingIsNotOne) {
  const Layout l = SegmentRaw("本周事件处理情况良好,共处理网络安全事件5起。\n");
  EXPECT_FALSE(l.has_headings);
  EXPECT_EQ(Names(l), std::vector<std::string>{"body"});
}

TEST(SectionsTest, TextAfterAHeadingAndColonBelongsToTheSection) {
  const Layout l = SegmentRaw("本周事件处理情况：共处理网络安全事件5起。\n");
  ASSERT_EQ(Names(l), std::vector<std::string>{"incident"});
  EXPECT_EQ(l.Text(l.sections[0]), "共处理网络安全事件5起。");
}

TEST(SectionsTest, LinesOfOneSentenceAreJoined) {
  const Layout l = SegmentRaw(
      "本周事件处理情况\n共处理网络安全事件\n177\n起,"
      "含跨境网络安全事件51起。\n下一句。\n");
  ASSERT_EQ(l.sections.size(), 1u);
  EXPECT_EQ(l.Text(l.sections[0]),
            "共处理网络安全事件177起,含跨境网络安全事件51起。\n下一句。");
}

TEST(SectionsTest, LatinTokensSplitByLineWrappingAreRejoined) {
  const Layout l =
      SegmentRaw("本周网站安全情况\n仿冒页面涉及域名1204个,I\nP地址446个。\n");
  EXPECT_EQ(l.Text(l.sections[0]), "仿冒页面涉及域名1204个,IP地址446个。");
}

TEST(SectionsTest, FigureCaptionsAreDropped) {
  const Layout l =
      SegmentRaw("本周网站安全情况\n图2 境内被篡改网站数量\n数量为5个。\n");
  EXPECT_EQ(l.Text(l.sections[0]), "数量为5个。");
}

TEST(SectionsTest, RecentIssuesAreNotExtracted) {
  const Layout l = SegmentRaw(
      "本周事件处理情况\n共处理网络安全事件5起。\n近期回顾\n周报2024年第28期"
      "\n");
  ASSERT_EQ(l.sections.size(), 2u);
  EXPECT_EQ(l.sections[1].name, "recent");
  EXPECT_FALSE(l.sections[1].extract);
}

// Verdicts worked out before (SpliceImages, an image's prepared lines) are
// taken as they are: the same layout as working them out, and a line is not
// read again.
TEST(SectionsTest, KnownVerdictsAreTakenForTheirLines) {
  const auto rules = DefaultRules();
  const std::string text = NormalizeText(
      "周报\n一、本周网站安全情况\n境内被篡改网站数量为5个;\n图1 数量\n"
      "二、本周事件处理情况:共处理网络安全事件5起。\n近期回顾\n周报\n");
  std::vector<LineVerdict> verdicts;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t eol = text.find('\n', pos);
    const std::string_view line(text.data() + pos, eol - pos);
    if (!line.empty()) verdicts.push_back(ReadLineVerdict(line, pos, *rules));
    pos = eol + 1;
  }
  const Layout worked_out = SegmentSections(text, *rules);
  const Layout known = SegmentSections(text, *rules, verdicts);
  EXPECT_EQ(known.text, worked_out.text);
  EXPECT_EQ(Names(known), Names(worked_out));
  EXPECT_EQ(Names(known), (std::vector<std::string>{"lead", "website",
                                                    "incident", "recent"}));
  ASSERT_EQ(known.pieces.size(), worked_out.pieces.size());
  for (std::size_t i = 0; i < known.pieces.size(); ++i) {
    EXPECT_EQ(known.pieces[i].input_begin, worked_out.pieces[i].input_begin);
    EXPECT_EQ(known.pieces[i].length, worked_out.pieces[i].length);
  }
  // A verdict that says otherwise is believed: the website heading opens
  // news.
  verdicts[1].section =
      static_cast<int>(rules->FindSection("news") - rules->sections.data());
  EXPECT_EQ(Names(SegmentSections(text, *rules, verdicts)),
            (std::vector<std::string>{"lead", "news", "incident", "recent"}));
}

}  // namespace
}  // namespace cncert
