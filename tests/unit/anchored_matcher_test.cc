#include "parsers/anchored_matcher.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "parsers/normalize.h"
#include "parsers/rules.h"
#include "parsers/utf8.h"
#include "tests/support/synthetic_archive.h"

namespace cncert {
namespace {

using Outcome = AnchoredMatcher::Outcome;

// What RE2 says of an anchored try, and what the matcher says; "" when
// they agree. An unsure matcher agrees with anything (RE2 then answers).
std::string Disagreement(const RE2& re2, const AnchoredMatcher& matcher,
                         std::string_view text, std::size_t pos,
                         std::size_t end, Outcome* outcome = nullptr) {
  const int n = re2.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> expected(n);
  std::vector<re2::StringPiece> got(n);
  const bool matched =
      re2.Match(text, pos, end, RE2::ANCHOR_START, expected.data(), n);
  const Outcome o = matcher.Match(text, pos, end, got.data(), n);
  if (outcome != nullptr) *outcome = o;
  if (o == Outcome::kUnsure) return "";
  const auto where = [&](const re2::StringPiece& p) {
    return p.data() == nullptr ? std::string("unset")
                               : std::to_string(p.data() - text.data()) + "+" +
                                     std::to_string(p.size());
  };
  if (matched != (o == Outcome::kMatch)) {
    return "RE2 " + std::string(matched ? "matches" : "does not match") + " '" +
           re2.pattern() + "' at " + std::to_string(pos) + " of '" +
           std::string(text.substr(0, end)) + "'";
  }
  for (int i = 0; matched && i < n; ++i) {
    if (where(expected[i]) != where(got[i])) {
      return "group " + std::to_string(i) + " of '" + re2.pattern() + "' at " +
             std::to_string(pos) + " of '" + std::string(text.substr(0, end)) +
             "': RE2 " + where(expected[i]) + ", matcher " + where(got[i]);
    }
  }
  return "";
}

// Every start of a character in `text`, each try ending at `end`.
void ExpectSameEverywhere(const RE2& re2, const AnchoredMatcher& matcher,
                          std::string_view text, int* unsure) {
  for (std::size_t pos = 0; pos <= text.size();) {
    Outcome outcome{};
    const std::string disagreement =
        Disagreement(re2, matcher, text, pos, text.size(), &outcome);
    ASSERT_EQ(disagreement, "");
    if (outcome == Outcome::kUnsure) ++*unsure;
    if (pos == text.size()) break;
    utf8::Next(text, pos);
  }
}

TEST(AnchoredMatcherTest, HanIsRe2sHan) {
  const RE2 han("\\p{Han}");
  for (char32_t cp = 1; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    std::string s;
    utf8::Append(s, cp);
    ASSERT_EQ(IsHanScript(cp), RE2::FullMatch(s, han))
        << std::hex << static_cast<std::uint32_t>(cp);
  }
}

TEST(AnchoredMatcherTest, EveryShippedPatternIsCompiled) {
  // A pattern the matcher cannot take is left to RE2: correct but slow.
  for (const Rule& rule : DefaultRules()->rules) {
    for (const Pattern& pattern : rule.patterns) {
      ASSERT_NE(pattern.anchored, nullptr) << pattern.source;
      EXPECT_EQ(pattern.anchored->group_count(),
                pattern.regex().NumberOfCapturingGroups());
    }
  }
}

// The headings' start set rules a line out only where every heading fails
// at once, and it does rule out a chart's lines of figures and labels.
TEST(AnchoredMatcherTest, StartSetRulesOutOnlyWhatEveryMatcherDoes) {
  const auto rules = DefaultRules();
  const auto weeks = testing::MakeSyntheticWeeks(
      Date{std::chrono::year(2019), std::chrono::January, std::chrono::day(7)},
      1, 4);
  std::vector<std::string> lines = {
      "6611", "第3周", "1,234", "", "本周网站安全情况", "近期回顾", "%"};
  for (const auto& week : weeks) {
    const std::string text = NormalizeText(week.body);
    for (std::size_t pos = 0; pos < text.size();) {
      const std::size_t eol = std::min(text.find('\n', pos), text.size());
      lines.push_back(text.substr(pos, eol - pos));
      pos = eol + 1;
    }
  }
  int ruled_out = 0;
  for (const std::string& line : lines) {
    const bool may = rules->heading_starts.MayStartAt(line, 0);
    ruled_out += may ? 0 : 1;
    for (const auto& section : rules->sections) {
      for (const auto& heading : section.headings) {
        re2::StringPiece whole;
        if (!may) {
          EXPECT_EQ(heading.anchored->Match(line, 0, line.size(), &whole, 1),
                    AnchoredMatcher::Outcome::kNoMatch)
              << line;
        }
      }
    }
  }
  for (const char* figures : {"6611", "第3周", "1,234", "%", ""}) {
    EXPECT_FALSE(rules->heading_starts.MayStartAt(figures, 0)) << figures;
  }
  EXPECT_TRUE(rules->heading_starts.MayStartAt("近期回顾", 0));
  EXPECT_GE(ruled_out, 5);
  // A pattern the matcher does not take makes the set rule nothing out.
  AnchoredMatcher::StartSet set;
  EXPECT_TRUE(set.MayStartAt("6611", 0));
  const auto matcher = AnchoredMatcher::Compile("近期回顾");
  set.Add(matcher.get());
  EXPECT_FALSE(set.MayStartAt("6611", 0));
  set.Add(nullptr);
  EXPECT_TRUE(set.MayStartAt("6611", 0));
}

TEST(AnchoredMatcherTest, SyntaxBeyondItIsLeftToRe2) {
  for (const char* regex :
       {"^a", "a$", "a\\b", "(?s:.)", "\\x{4e00}", "\\S", "[[:alpha:]]",
        "(?i:k)", "(?i:s)", "(?i:中)", "(?i:[a-c])", "(?:a?)*", "(?:a|)+",
        "(?:b*){2}", "a{1000}", "a{2", "(?P<v>a",
        "(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)"}) {
    EXPECT_EQ(AnchoredMatcher::Compile(regex), nullptr) << regex;
  }
  for (const char* regex :
       {"", "a|", "(?:a|b)", "[^a]", "(?i:com)", "a{0,3}?", "(?P<v>\\d+)",
        "[]a]", "[a-]", "\\.\\(\\)", "\\s", "[^\\s)]"}) {
    EXPECT_NE(AnchoredMatcher::Compile(regex), nullptr) << regex;
  }
}

// Where Perl's order of tries decides the groups: the cases a backtracker
// gets wrong first.
TEST(AnchoredMatcherTest, GroupsAreRe2sWhereTheOrderOfTriesDecides) {
  const struct {
    const char* regex;
    const char* text;
  } kCases[] = {
      {"(?:a|ab)(c|bcd)(d*)", "abcd"},
      {"(a+?)(a*)", "aaaa"},
      {"(a*?)(a?)b", "aab"},
      {"(?:(a)x|ay)", "ay"},  // the group set by the failed try is unset
      {"((?:ab){0,3}?)(c|abc)", "ababc"},
      {"((?:ab){0,3})(c|abc)", "ababc"},
      {"([a-c]{2,4})(.*)", "abcabc"},
      {"(.*)", "ab\ncd"},            // '.' stops at a line break
      {"([^x]*)", "ab\ncd"},         // a negated class does not
      {"约?为?约?(\\d+)", "约约7"},  // the third 约 after none
      {"\\.?(?i:com)的", ".CoM的"},
      {"(\\p{Han}+)(\\d)", "中文字5"},
      {"([^。;]{0,4}?)(?:降至|为)(\\d+)", "数量较多为12"},
      {"(?P<value>\\d+)(?:个|,)", "12,"},
      {"(?:大幅增加|增加|大幅)(\\d)", "大幅增加3"},
      {"()", "x"},
      {"(a)|b", "b"},
      // RE2's \s is [\t\n\f\r ]: not the vertical tab, nor U+3000.
      {"(\\d+)\\s*(至|-)\\s*(\\d+)", "3 \t\n至\f\r 4"},
      {"([^\\s]+)(\\s+)(.)", "ab \v\x0b c"},
      {"(\\s*)(.)", "\u3000 x"},
      {"(\\s*)(.)", "\t\u3000"},
      // Repeats of one class taken whole where nothing that follows can
      // start with one of their characters.
      {"(\\d{1,3})((?:,\\d{3})*)个", "1,234个"},
      {"(\\d{2,3})(x)", "1234x"},
      {"([^;。]+)(;)", "ab中;c"},
      {"(\\d+)(\\.\\d+)?%", "12.5%"},
      {"([万亿]?)(个)", "万个"},
  };
  for (const auto& c : kCases) {
    const RE2 re2(c.regex);
    ASSERT_TRUE(re2.ok()) << c.regex;
    const auto matcher = AnchoredMatcher::Compile(c.regex);
    ASSERT_NE(matcher, nullptr) << c.regex;
    const std::string_view text = c.text;
    // Tries start and end between characters, as extraction's do.
    const auto between = [&text](std::size_t at) {
      return at == text.size() || (text[at] & 0xC0) != 0x80;
    };
    for (std::size_t pos = 0; pos <= text.size(); ++pos) {
      for (std::size_t end = pos; end <= text.size(); ++end) {
        if (!between(pos) || !between(end)) continue;
        Outcome outcome{};
        EXPECT_EQ(Disagreement(re2, *matcher, text, pos, end, &outcome), "");
        EXPECT_NE(outcome, Outcome::kUnsure) << c.regex << " at " << pos;
      }
    }
  }
}

// `regex` tried at the start of `text`, up to `end` (its end by default);
// the whole match in `*whole`, if given.
Outcome TryAtStart(const char* regex, std::string_view text,
                   std::size_t end = std::string_view::npos,
                   re2::StringPiece* whole = nullptr) {
  const auto matcher = AnchoredMatcher::Compile(regex);
  if (matcher == nullptr) {
    ADD_FAILURE() << regex << " is not compiled";
    return Outcome::kUnsure;
  }
  re2::StringPiece group;
  return matcher->Match(text, 0, std::min(end, text.size()),
                        whole != nullptr ? whole : &group, 1);
}

TEST(AnchoredMatcherTest, ALoopIsNotRetriedWhereItFailedBefore) {
  // Exponential for a plain backtracker: each 'a' matched two ways.
  EXPECT_EQ(TryAtStart("(?:a|a)*b", std::string(5000, 'a')), Outcome::kNoMatch);
  re2::StringPiece whole;
  EXPECT_EQ(TryAtStart("(?:a|a)*b", "aab", std::string_view::npos, &whole),
            Outcome::kMatch);
  EXPECT_EQ(whole, "aab");
}

TEST(AnchoredMatcherTest, ALongTryIsHandedBack) {
  // A counted repeat is not remembered: 2^40 ways, handed to RE2.
  EXPECT_EQ(TryAtStart("(?:a|a){0,40}b", std::string(40, 'a')),
            Outcome::kUnsure);
  // A lazy loop taking characters counts them too: a paragraph too long
  // to scan is handed back, not scanned for ever.
  const std::string paragraph = "x" + std::string(100000, 'z');
  EXPECT_EQ(TryAtStart("x[^;]*?y", paragraph), Outcome::kUnsure);
  EXPECT_EQ(TryAtStart("x[^;]*?y", paragraph + "y", 2000), Outcome::kNoMatch);
}

TEST(AnchoredMatcherTest, BytesThatAreNoUtf8AreHandedBack) {
  const std::string text =
      "a\xE4\xB8"
      "c";
  EXPECT_EQ(TryAtStart("a[^b]c", text), Outcome::kUnsure);
  EXPECT_EQ(TryAtStart("a[^b]+c", text), Outcome::kUnsure);  // a run
  // A literal is compared byte for byte, as RE2 does.
  EXPECT_EQ(TryAtStart("a\xE4\xB8\xAD", text), Outcome::kNoMatch);
}

TEST(AnchoredMatcherTest, ShippedPatternsAgreeWithRe2OnBulletins) {
  const auto weeks = testing::MakeSyntheticWeeks(
      Date{std::chrono::year(2019), std::chrono::January, std::chrono::day(7)},
      1, 12);
  int unsure = 0;
  for (const auto& week : weeks) {
    const std::string text = NormalizeText(week.body);
    for (const Rule& rule : DefaultRules()->rules) {
      for (const Pattern& pattern : rule.patterns) {
        ExpectSameEverywhere(pattern.regex(), *pattern.anchored, text, &unsure);
      }
    }
  }
  EXPECT_EQ(unsure, 0);
}

}  // namespace

// Texts a pattern matches, by a random walk through its program, and the
// same with a character or a piece of wording changed: matches and near
// misses, many of each, wherever the pattern's branches lead.
class AnchoredMatcherExamples {
 public:
  explicit AnchoredMatcherExamples(const AnchoredMatcher& matcher)
      : m_(matcher) {}

  // How many repeats of one class `matcher` takes whole: the runs its
  // program reaches (what a repeat made a run held is not reached).
  static int Runs(const AnchoredMatcher& matcher) {
    std::vector<bool> seen(matcher.program_.size());
    std::vector<std::uint32_t> to_visit = {0};
    int runs = 0;
    while (!to_visit.empty()) {
      const std::uint32_t pc = to_visit.back();
      to_visit.pop_back();
      if (seen[pc]) continue;
      seen[pc] = true;
      const auto& in = matcher.program_[pc];
      switch (in.op) {
        case AnchoredMatcher::Op::kSplit:
          to_visit.push_back(in.a);
          to_visit.push_back(in.b);
          break;
        case AnchoredMatcher::Op::kJump:
          to_visit.push_back(in.a);
          break;
        case AnchoredMatcher::Op::kMatch:
          break;
        case AnchoredMatcher::Op::kRun:
          ++runs;
          to_visit.push_back(in.next);
          break;
        default:
          to_visit.push_back(in.next);
      }
    }
    return runs;
  }

  // What a match of `matcher` may start with, where it is kept.
  static const void* StartsAt0(const AnchoredMatcher& matcher) {
    return matcher.starts_.front();
  }

  std::string Example(std::mt19937* random) const {
    std::string out;
    std::uint32_t pc = 0;
    for (int steps = 0; steps < 400; ++steps) {
      const auto& in = m_.program_[pc];
      switch (in.op) {
        case AnchoredMatcher::Op::kLiteral:
          out.append(m_.literals_, in.a, in.b);
          ++pc;
          break;
        case AnchoredMatcher::Op::kClass:
          out += Member(m_.classes_[in.a], random);
          ++pc;
          break;
        case AnchoredMatcher::Op::kSplit:
          pc = (*random)() % 2 == 0 ? in.a : in.b;
          break;
        case AnchoredMatcher::Op::kJump:
          pc = in.a;
          break;
        case AnchoredMatcher::Op::kSave:
          ++pc;
          break;
        case AnchoredMatcher::Op::kRun: {
          const int most =
              in.max == AnchoredMatcher::kNoBound ? in.min + 3 : in.max;
          const int count =
              in.min + static_cast<int>((*random)() % (most - in.min + 1));
          for (int i = 0; i < count; ++i)
            out += Member(m_.classes_[in.a], random);
          pc = in.next;
          break;
        }
        case AnchoredMatcher::Op::kMatch:
          return out;
      }
    }
    return out;
  }

 private:
  static std::string Member(const AnchoredMatcher::CharClass& c,
                            std::mt19937* random) {
    static const std::vector<std::string> kPool = {
        "中", "被", "网", "。", ";",  "\n", "1",  "7",  "a", "C", ")",
        "(",  ",",  ".",  "%",  "万", "亿", "、", "𠀀", "é", " ", "为"};
    std::vector<std::string> members;
    for (const auto& candidate : kPool) {
      std::size_t pos = 0;
      if (c.Contains(utf8::Next(candidate, pos))) members.push_back(candidate);
    }
    for (char32_t cp = 0; cp < 0x80; ++cp) {
      if (c.ascii[cp] && cp != 0)
        members.emplace_back(1, static_cast<char>(cp));
    }
    if (members.empty()) return "中";
    return members[(*random)() % members.size()];
  }

  const AnchoredMatcher& m_;
};

namespace {

TEST(AnchoredMatcherTest, ShippedPatternsAgreeWithRe2OnTheirOwnExamples) {
  std::mt19937 random(13);
  const std::vector<std::string> kPieces = {
      "1",  "23", "4,567", "8.9", "%",     "万",  ",",  ";",
      "。", "(",  ")",     "\n",  "个",    "为",  "约", "较上周",
      "了", "被", "数量",  "x",   "GOV类", "增长"};
  int unsure = 0;
  for (const Rule& rule : DefaultRules()->rules) {
    for (const Pattern& pattern : rule.patterns) {
      const AnchoredMatcherExamples examples(*pattern.anchored);
      int matched = 0;
      for (int i = 0; i < 200; ++i) {
        std::string text = kPieces[random() % kPieces.size()] +
                           examples.Example(&random) +
                           kPieces[random() % kPieces.size()];
        // Half of them changed at one character boundary: a piece put in,
        // or a character taken out.
        std::vector<std::size_t> boundaries;
        for (std::size_t pos = 0; pos < text.size(); utf8::Next(text, pos))
          boundaries.push_back(pos);
        const std::size_t at = boundaries[random() % boundaries.size()];
        if (i % 4 == 1) text.insert(at, kPieces[random() % kPieces.size()]);
        if (i % 4 == 3) {
          std::size_t next = at;
          utf8::Next(text, next);
          text.erase(at, next - at);
        }
        ExpectSameEverywhere(pattern.regex(), *pattern.anchored, text, &unsure);
        std::vector<re2::StringPiece> whole(1);
        for (const std::size_t pos : boundaries) {
          if (pos < text.size() &&
              pattern.anchored->Match(text, pos, text.size(), whole.data(),
                                      1) == Outcome::kMatch) {
            ++matched;
            break;
          }
        }
      }
      // The texts reach the pattern's matches, not only its misses.
      EXPECT_GT(matched, 50) << pattern.source;
    }
  }
  EXPECT_EQ(unsure, 0);
}

}  // namespace
}  // namespace cncert

namespace cncert {
namespace {

// A repeat of one class is taken in one step only where giving a character
// back could never help: what follows cannot be empty nor start with one.
TEST(AnchoredMatcherTest, ARepeatIsTakenWholeOnlyWhereNothingIsGivenBack) {
  const struct {
    const char* regex;
    int runs;
  } kCases[] = {
      {"(\\d+)个", 1},
      // ',' follows the first; the loop's \d{3} is in its first round and
      // in the rest.
      {"\\d{1,3}(?:,\\d{3})+", 3},
      {"\\d+\\d", 0},      // the next may be a digit
      {"\\d+", 0},         // the match may end anywhere in it
      {"\\d+(?:个)?", 0},  // so may this one
      {"[^;。]+;", 1},
      {"[^;。]+。", 0},  // '。' is one of its characters
      {"\\d{3}\\d", 1},  // a fixed count gives nothing back
      {"\\d+?个", 0},    // lazy
  };
  for (const auto& c : kCases) {
    const auto matcher = AnchoredMatcher::Compile(c.regex);
    ASSERT_NE(matcher, nullptr) << c.regex;
    EXPECT_EQ(AnchoredMatcherExamples::Runs(*matcher), c.runs) << c.regex;
  }
}

// The rules' patterns keep a thousand start sets, a few hundred distinct;
// each is kept once, whichever pattern it came from.
TEST(AnchoredMatcherTest, MatchersShareEqualStartSets) {
  const auto a = AnchoredMatcher::Compile("(?:甲|乙)丙");
  const auto b = AnchoredMatcher::Compile("(?:乙|甲)丁+");
  const auto c = AnchoredMatcher::Compile("甲丙");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(AnchoredMatcherExamples::StartsAt0(*a),
            AnchoredMatcherExamples::StartsAt0(*b));
  EXPECT_NE(AnchoredMatcherExamples::StartsAt0(*a),
            AnchoredMatcherExamples::StartsAt0(*c));
  // Shared, the sets still rule out what each pattern rules out.
  re2::StringPiece whole;
  EXPECT_EQ(c->Match("乙丙", 0, 6, &whole, 1),
            AnchoredMatcher::Outcome::kNoMatch);
  EXPECT_EQ(a->Match("乙丙", 0, 6, &whole, 1),
            AnchoredMatcher::Outcome::kMatch);
}

}  // namespace
}  // namespace cncert
