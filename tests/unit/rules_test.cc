#include "parsers/rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "parsers/extract.h"
#include "parsers/parser.h"
#include "parsers/sections.h"
#include "tests/support/process.h"
#include "tests/support/test_support.h"

namespace cncert {
namespace {

using ::testing::HasSubstr;
using testing::ReadFile;
using testing::SourcePath;

TEST(RulesTest, DefaultRulesLoadAndCoverTheContract) {
  const auto rules = DefaultRules();
  ASSERT_NE(rules, nullptr);
  // Every metric of docs/metrics.md has a rule.
  for (const char* metric :
       {"cncert_security_posture_rating",
        "cncert_infected_hosts",
        "cncert_infected_hosts_by_malware",
        "cncert_new_virus_names",
        "cncert_new_virus_families",
        "cncert_malware_hosting_domains",
        "cncert_malware_hosting_ips",
        "cncert_malware_hosting_domains_foreign_ratio",
        "cncert_malware_hosting_domains_com_ratio",
        "cncert_malware_hosting_ips_foreign_ratio",
        "cncert_malware_hosting_direct_ips",
        "cncert_defaced_websites",
        "cncert_backdoored_websites",
        "cncert_phishing_pages",
        "cncert_defaced_government_websites",
        "cncert_defaced_government_websites_ratio",
        "cncert_defaced_government_websites_change_ratio",
        "cncert_backdoored_government_websites",
        "cncert_backdoored_government_websites_ratio",
        "cncert_backdoored_government_websites_change_ratio",
        "cncert_phishing_domains",
        "cncert_phishing_ips",
        "cncert_phishing_pages_per_ip",
        "cncert_cnvd_vulnerabilities",
        "cncert_cnvd_vulnerabilities_by_severity",
        "cncert_cnvd_vulnerabilities_remote",
        "cncert_cnvd_threat_rating",
        "cncert_incidents_handled",
        "cncert_incidents_cross_border",
        "cncert_phishing_complaints_handled",
        "cncert_malicious_app_platforms",
        "cncert_malicious_app_urls_handled"}) {
    EXPECT_FALSE(rules->Help(metric).empty()) << metric;
  }
  EXPECT_TRUE(rules->IsCounter("cncert_incidents_handled"));
  EXPECT_FALSE(rules->IsCounter("cncert_security_posture_rating"));
}

TEST(RulesTest, LiteralPrefixIsWhatEveryMatchStartsWith) {
  EXPECT_EQ(LiteralPrefix("境内感染网络病毒的?主机(?:数量|数)"),
            "境内感染网络病毒");
  EXPECT_EQ(LiteralPrefix("顶级域为\\.?com"), "顶级域为");
  EXPECT_EQ(LiteralPrefix("顶级域为\\.com的"), "顶级域为.com的");
  EXPECT_EQ(LiteralPrefix("共处理+起"), "共处理");
  EXPECT_EQ(LiteralPrefix("漏洞{1,2}"), "漏");
  EXPECT_EQ(LiteralPrefix("ab*c"), "a");
  EXPECT_EQ(LiteralPrefix("在\\d+个"), "在");
  EXPECT_EQ(LiteralPrefix("被?(?:木马)"), "");
  EXPECT_EQ(LiteralPrefix("(?i)cnvd"), "");
  EXPECT_EQ(LiteralPrefix("[高中]危"), "");
  // A top-level alternative may start with anything.
  EXPECT_EQ(LiteralPrefix("新增(?P<value>\\d+)|(?P<value2>\\d+)个"), "");
  EXPECT_EQ(LiteralPrefix("新增(?:a|b)"), "新增");
}

TEST(RulesTest, LiteralPrefixesAreTheStartsOfEveryMatch) {
  using V = std::vector<std::string>;
  EXPECT_EQ(LiteralPrefixes("境内感染网络病毒的?主机"), V{"境内感染网络病毒"});
  // A group of plain alternatives is joined to what follows it.
  EXPECT_EQ(LiteralPrefixes("(?:其中|含)(?:了)?跨境"),
            (V{"其中了跨境", "其中跨境", "含了跨境", "含跨境"}));
  // An optional part: a match starts with it and what follows, or with
  // what follows alone.
  EXPECT_EQ(LiteralPrefixes("(?:新增)?高危漏洞(?:有)?"),
            (V{"新增高危漏洞", "高危漏洞"}));
  EXPECT_EQ(LiteralPrefixes("(?:境内)?被植入后门的?网站"),
            (V{"境内被植入后门", "被植入后门"}));
  EXPECT_EQ(LiteralPrefixes("被?(?:木马|\\*+)或被?"),
            (V{"*", "木马或", "被*", "被木马或"}));
  // Repeated parts are not joined: "aabcx" does not start with "abc".
  EXPECT_EQ(LiteralPrefixes("a*(?:bc|d)x"), (V{"a", "bcx", "dx"}));
  EXPECT_EQ(LiteralPrefixes("(?:ab|c)+d"), (V{"ab", "c"}));
  EXPECT_EQ(LiteralPrefixes("(?:a|b\\d)c"), (V{"ac", "b"}));
  // What follows with no known start: the alternatives alone.
  EXPECT_EQ(LiteralPrefixes("(?:新增|共)\\d+"), (V{"共", "新增"}));
  // A chain of optional parts does not double the starts with each.
  const auto chain =
      LiteralPrefixes("a?b?c?d?e?f?g?h?i?j?k?l?m?n?o?p?q?r?s?t?u?v?w?y?z?x");
  EXPECT_FALSE(chain.empty());
  EXPECT_LE(chain.size(), 40u);
  // One that begins with another adds no start.
  EXPECT_EQ(LiteralPrefixes("(?:新增|新)\\d"), V{"新"});
  // Unknown: nothing, and the pattern is searched for everywhere.
  EXPECT_EQ(LiteralPrefixes("(?:新增|\\d)个"), V{});
  EXPECT_EQ(LiteralPrefixes("(?:新增){0,1}个"), V{});
  EXPECT_EQ(LiteralPrefixes("(?:新增)??个"), V{});
  EXPECT_EQ(LiteralPrefixes("(?i:cnvd)"), V{});
  EXPECT_EQ(LiteralPrefixes("(?:|新增)个"), V{});
  EXPECT_EQ(LiteralPrefixes("被?\\d+"), V{});
  EXPECT_EQ(LiteralPrefixes("(?:新增"), V{});
  EXPECT_EQ(LiteralPrefixes("新增\\d+|共\\d+"), V{});
  EXPECT_EQ(LiteralPrefixes("[(|]新增"), V{});
}

// The embedded rules leave RE2 to the first pattern that needs it; each is
// valid RE2 then, and numbers its groups as the rules were told on load.
TEST(RulesTest, EmbeddedPatternsCompileInRe2WhenNeeded) {
  std::vector<RuleError> errors;
  const auto rules =
      LoadRules(DefaultRulesYaml(), "<default>", &errors, /*known_good=*/true);
  ASSERT_NE(rules, nullptr);
  for (const auto& rule : rules->rules) {
    for (const auto& pattern : rule.patterns) {
      EXPECT_EQ(pattern.compiled, nullptr) << pattern.source;
      const RE2& re2 = pattern.regex();
      ASSERT_TRUE(re2.ok()) << pattern.source << ": " << re2.error();
      const auto& groups = re2.NamedCapturingGroups();
      const auto number = [&groups](const char* name) {
        const auto it = groups.find(name);
        return it == groups.end() ? 0 : it->second;
      };
      EXPECT_EQ(pattern.value_group, number("value")) << pattern.source;
      EXPECT_EQ(pattern.direction_group, number("direction")) << pattern.source;
    }
  }
  // A rules file's patterns are compiled on load: their errors are named.
  const auto file = LoadRules(DefaultRulesYaml(), "rules.yaml", &errors);
  ASSERT_NE(file, nullptr);
  EXPECT_NE(file->rules.front().patterns.front().compiled, nullptr);
}

// The starts hold for every match, not only for the examples above: texts
// made of the patterns' own pieces, searched without anchoring.
TEST(RulesTest, LiteralPrefixesHoldOnGeneratedTexts) {
  struct Case {
    std::string pattern;
    std::vector<std::string> pieces;  // texts are made of these
  };
  const std::vector<Case> cases = {
      {"(?:其中|含)(?:了)?跨境", {"其中", "含", "了", "跨境", "跨"}},
      {"(?:新增)?高危漏洞(?:有)?", {"新增", "高危漏洞", "高危", "有"}},
      {"被?(?:木马|\\*+)或被?", {"被", "木马", "*", "或", "马"}},
      {"a*(?:bc|d)x", {"a", "b", "c", "d", "x"}},
      {"(?:ab|c)+d", {"a", "b", "c", "d"}},
      {"(?:a|b\\d)c", {"a", "b", "1", "c"}},
      {"(?:新增|共)\\d+", {"新增", "共", "1", "新"}},
      {"(?:境内)?被植入后门的?网站", {"境内", "被植入后门", "的", "网站"}},
      // More joined starts than are worth searching for: some not joined.
      {"a?b?c?d?e?x", {"a", "b", "c", "d", "e", "x"}}};
  std::mt19937 random(11);
  for (const Case& c : cases) {
    const RE2 regex(c.pattern);
    ASSERT_TRUE(regex.ok()) << c.pattern;
    const auto prefixes = LiteralPrefixes(c.pattern);
    ASSERT_FALSE(prefixes.empty()) << c.pattern;
    int matches = 0;
    for (int round = 0; round < 1000; ++round) {
      std::string text;
      for (int i = 0; i < 10; ++i) text += c.pieces[random() % c.pieces.size()];
      re2::StringPiece match;
      for (std::size_t pos = 0;
           pos < text.size() &&
           regex.Match(text, pos, text.size(), RE2::UNANCHORED, &match, 1);) {
        ++matches;
        const std::string_view m(match.data(), match.size());
        ASSERT_TRUE(
            std::any_of(prefixes.begin(), prefixes.end(),
                        [m](const std::string& p) { return m.starts_with(p); }))
            << c.pattern << " matched '" << m << "' in '" << text << "'";
        pos = static_cast<std::size_t>(match.data() - text.data()) + 1;
      }
    }
    EXPECT_GT(matches, 100) << c.pattern;
  }
}

// Prefixes that end alike are found by their shared tail ("安全漏洞" of
// the 32 starts of the first pattern; "ab", also inside the head "Zabc",
// of the second); extraction still finds the first and the last match
// where an unanchored search does.
TEST(RulesTest, PrefixesFoundByTheirSharedTailMissNoMatch) {
  struct Case {
    std::string pattern;
    std::string tail;
    std::size_t heads;
    std::vector<std::string> pieces;  // texts are made of these
  };
  const std::vector<Case> cases = {
      {R"((?:新收录|收集整理|收录|新增)(?:了)?(?:网络|信息系统|信息)?安全漏洞(?P<value>\d+)个)",
       "安全漏洞",
       32,
       {"新收录",
        "收集整理",
        "收录",
        "新增",
        "了",
        "网络",
        "信息系统",
        "信息",
        "安全漏洞",
        "1",
        "23",
        "个",
        ",",
        "新",
        "安全",
        "漏洞",
        "收",
        "整理",
        "系统",
        "安全漏洞7个",
        "信息安全漏洞45个",
        "了网络安全漏洞6个"}},
      {R"((?:Zabc)?ab(?P<value>\d))",
       "ab",
       2,
       {"Z", "ab", "c", "5", "Zabc", "abc", "Zab", "ab7"}},
  };
  std::mt19937 random(17);
  for (const Case& c : cases) {
    const std::string yaml = R"(
sections:
  - name: s
    headings: ['本周情况']
rules:
  - metric: first
    section: s
    transform: number
    pick: first
    patterns: [')" + c.pattern +
                             R"(']
  - metric: last
    section: s
    transform: number
    pick: last
    patterns: [')" + c.pattern +
                             R"(']
)";
    std::vector<RuleError> errors;
    const auto rules = LoadRules(yaml, "tails.yaml", &errors);
    ASSERT_NE(rules, nullptr) << (errors.empty() ? "" : errors[0].ToString());
    const Pattern& loaded = rules->rules[0].patterns[0];
    ASSERT_TRUE(loaded.literal_tail.has_value()) << c.pattern;
    EXPECT_EQ(rules->literals[*loaded.literal_tail].literal(), c.tail);
    EXPECT_EQ(loaded.literal_heads.size(), c.heads);
    const RE2 regex(c.pattern);
    int found = 0;
    for (int round = 0; round < 2000; ++round) {
      std::string body;
      for (int i = 0; i < 16; ++i) body += c.pieces[random() % c.pieces.size()];
      const Layout layout = SegmentSections("本周情况\n" + body + "\n", *rules);
      const Extraction extraction = ExtractValues(layout, *rules);
      // Where an unanchored search finds a match, match after match.
      std::vector<std::size_t> begins;
      re2::StringPiece match;
      for (std::size_t pos = 0;
           regex.Match(layout.text, pos, layout.text.size(), RE2::UNANCHORED,
                       &match, 1);
           pos = begins.back() + match.size()) {
        begins.push_back(match.data() - layout.text.data());
      }
      if (begins.empty()) {
        EXPECT_TRUE(extraction.values.empty()) << body;
        continue;
      }
      ++found;
      ASSERT_EQ(extraction.values.size(), 2u) << body;
      EXPECT_EQ(extraction.values[0].provenance.begin, begins.front()) << body;
      EXPECT_EQ(extraction.values[1].provenance.begin, begins.back()) << body;
    }
    EXPECT_GT(found, 200) << c.pattern;
  }
}

// Every match of a shipped pattern in the golden bulletins, found by an
// unanchored search, starts with one of its literals: the anchored tries
// where they occur miss none.
TEST(RulesTest, ShippedPatternsStartWithTheirLiterals) {
  const auto rules = DefaultRules();
  int matches = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(SourcePath("tests/golden"))) {
    const std::string path = entry.path().string();
    const std::string ext = entry.path().extension().string();
    if (ext != ".md" && ext != ".txt" && ext != ".html") continue;
    const Bulletin bulletin = ParseBulletin(ReadFile(path), *rules);
    ASSERT_FALSE(bulletin.text.empty()) << path;
    for (const auto& rule : rules->rules) {
      for (const auto& pattern : rule.patterns) {
        ASSERT_FALSE(pattern.literal_prefixes.empty()) << pattern.source;
        re2::StringPiece rest(bulletin.text);
        re2::StringPiece match;
        while (!rest.empty() &&
               pattern.regex().Match(rest, 0, rest.size(), RE2::UNANCHORED,
                                     &match, 1)) {
          ++matches;
          const std::string_view m(match.data(), match.size());
          EXPECT_TRUE(std::any_of(
              pattern.literal_prefixes.begin(), pattern.literal_prefixes.end(),
              [m](const std::string& p) { return m.starts_with(p); }))
              << pattern.source << " matched '" << m << "' in " << path;
          rest.remove_prefix(match.data() - rest.data() +
                             std::max<std::size_t>(match.size(), 1));
        }
      }
    }
  }
  EXPECT_GT(matches, 150);  // 179 when written
}

TEST(RulesTest, PatternsThatMayMatchALineBreakAreKnown) {
  EXPECT_TRUE(MayMatchLineBreak("被篡改政府网站[^;。]*?较上周"));
  EXPECT_TRUE(MayMatchLineBreak("a\\Db"));
  EXPECT_TRUE(MayMatchLineBreak("a\\s*b"));
  EXPECT_TRUE(MayMatchLineBreak("(?s)a.b"));
  EXPECT_FALSE(
      MayMatchLineBreak("境内感染网络病毒的?主机(?:数量|数)约?\\d+[万亿]?"));
  EXPECT_FALSE(MayMatchLineBreak("(?i:com)\\p{Han}"));
}

TEST(RulesTest, ShippedRulesFileIsTheEmbeddedOne) {
  EXPECT_EQ(ReadFile(SourcePath("parsers/rules/cncert_weekly.yaml")),
            DefaultRulesYaml());
}

TEST(RulesTest, GoodUserRulesReplaceTheDefaults) {
  std::vector<RuleError> errors;
  const auto rules =
      LoadRules(ReadFile(SourcePath("tests/rules/minimal.good.yml")),
                "minimal.good.yml", &errors);
  ASSERT_NE(rules, nullptr);
  EXPECT_TRUE(errors.empty());
  const Bulletin b = ParseBulletin(
      ReadFile(SourcePath("tests/golden/full_layout_2018.txt")), *rules);
  ASSERT_EQ(b.values.size(), 1u);
  EXPECT_EQ(b.values[0].metric, "cncert_incidents_handled");
  EXPECT_EQ(b.values[0].value, 465);
}

// Each *.bad.yml names the errors it must produce in "# expect:" lines.
TEST(RulesTest, BadRulesFilesNameFileLineRuleAndProblem) {
  int files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(SourcePath("tests/rules"))) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(".bad.yml")) continue;
    ++files;
    const std::string yaml = ReadFile(entry.path().string());
    std::vector<RuleError> errors;
    EXPECT_EQ(LoadRules(yaml, name, &errors), nullptr) << name;
    std::string all;
    for (const auto& e : errors) all += e.ToString() + "\n";
    std::istringstream lines(yaml);
    std::string line;
    int expectations = 0;
    while (std::getline(lines, line)) {
      if (!line.starts_with("# expect: ")) continue;
      ++expectations;
      EXPECT_THAT(all, HasSubstr(line.substr(10))) << name;
    }
    EXPECT_GT(expectations, 0) << name << " states no expectation";
    EXPECT_EQ(static_cast<int>(errors.size()), expectations) << name << ":\n"
                                                             << all;
  }
  EXPECT_GE(files, 7);
}

TEST(RulesTest, UnknownDefinitionIsNamed) {
  std::vector<RuleError> errors;
  LoadRules(
      "sections: [{name: s, headings: [x]}]\n"
      "rules: [{metric: m, section: s, transform: number, patterns: "
      "['{{NOPE}}']}]\n",
      "r.yml", &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].ToString(),
            "r.yml:2: rule m: pattern refers to unknown definition {{NOPE}}");
}

// The embedded rules are read from the JSON made of their YAML at build
// time: everything the loader makes of them is what it makes of the YAML.
TEST(RulesTest, EmbeddedJsonLoadsAsTheYamlDoes) {
  std::vector<RuleError> errors;
  const auto yaml =
      LoadRules(DefaultRulesYaml(), "<default>", &errors, /*known_good=*/true);
  const auto json = DefaultRules();
  ASSERT_NE(yaml, nullptr);
  ASSERT_NE(json, nullptr);
  ASSERT_EQ(json->sections.size(), yaml->sections.size());
  for (std::size_t s = 0; s < yaml->sections.size(); ++s) {
    const SectionDef& a = json->sections[s];
    const SectionDef& b = yaml->sections[s];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.extract, b.extract) << b.name;
    ASSERT_EQ(a.headings.size(), b.headings.size()) << b.name;
    for (std::size_t h = 0; h < b.headings.size(); ++h)
      EXPECT_EQ(a.headings[h].source, b.headings[h].source);
  }
  ASSERT_EQ(json->rules.size(), yaml->rules.size());
  for (std::size_t r = 0; r < yaml->rules.size(); ++r) {
    const Rule& a = json->rules[r];
    const Rule& b = yaml->rules[r];
    const std::string key = SeriesKey(b.metric, b.labels);
    EXPECT_EQ(SeriesKey(a.metric, a.labels), key);
    EXPECT_EQ(a.help, b.help) << key;
    EXPECT_EQ(a.section, b.section) << key;
    EXPECT_EQ(a.transform, b.transform) << key;
    EXPECT_EQ(a.ratings, b.ratings) << key;
    EXPECT_EQ(a.constant, b.constant) << key;
    EXPECT_EQ(a.pick, b.pick) << key;
    EXPECT_EQ(a.counter, b.counter) << key;
    ASSERT_EQ(a.patterns.size(), b.patterns.size()) << key;
    for (std::size_t p = 0; p < b.patterns.size(); ++p) {
      const Pattern& x = a.patterns[p];
      const Pattern& y = b.patterns[p];
      EXPECT_EQ(x.source, y.source) << key;
      EXPECT_EQ(x.warn, y.warn) << key;
      EXPECT_EQ(x.anchored != nullptr, y.anchored != nullptr) << y.source;
      EXPECT_EQ(x.literal_prefixes, y.literal_prefixes) << y.source;
      EXPECT_EQ(x.literal_ids, y.literal_ids) << y.source;
      EXPECT_EQ(x.literal_tail, y.literal_tail) << y.source;
      EXPECT_EQ(x.literal_heads, y.literal_heads) << y.source;
      EXPECT_EQ(x.may_cross_lines, y.may_cross_lines) << y.source;
      EXPECT_EQ(x.value_group, y.value_group) << y.source;
      EXPECT_EQ(x.direction_group, y.direction_group) << y.source;
      EXPECT_EQ(x.groups_needed, y.groups_needed) << y.source;
    }
  }
  EXPECT_EQ(json->literals, yaml->literals);
  EXPECT_EQ(json->any_heading != nullptr, yaml->any_heading != nullptr);
  // Some of each kind of value is there to compare.
  EXPECT_TRUE(std::any_of(json->rules.begin(), json->rules.end(),
                          [](const Rule& r) { return !r.ratings.empty(); }));
  EXPECT_TRUE(std::any_of(json->sections.begin(), json->sections.end(),
                          [](const SectionDef& s) { return !s.extract; }));
}

// What the build embeds is what the converter makes of the shipped file;
// it refuses what JSON would hold otherwise than YAML.
TEST(RulesTest, RulesToJsonConvertsTheShippedFileAndRefusesWhatJsonLoses) {
  const std::string dir = testing::MakeTempDir();
  const auto convert = [&dir](const std::string& yaml_path) {
    return testing::RunCommand(
        {CNCERT_RULES_TO_JSON, yaml_path, dir + "/out.json"});
  };
  const auto shipped = convert(SourcePath("parsers/rules/cncert_weekly.yaml"));
  ASSERT_EQ(shipped.status, 0) << shipped.text;
  EXPECT_EQ(ReadFile(dir + "/out.json"), DefaultRulesJson());

  const auto refused = [&](const std::string& yaml) {
    { std::ofstream(dir + "/in.yaml") << yaml; }
    return convert(dir + "/in.yaml");
  };
  const auto twice = refused("rules:\n  - metric: a\n    metric: b\n");
  EXPECT_NE(twice.status, 0);
  EXPECT_THAT(twice.text, HasSubstr("line 3: key 'metric' given twice"));
  const auto empty = refused("sections:\n  - name:\n");
  EXPECT_NE(empty.status, 0);
  EXPECT_THAT(empty.text, HasSubstr("empty value"));
}

// JSON that is not what the converter makes is an error, not a crash.
TEST(RulesTest, BadRulesJsonIsAnError) {
  std::vector<RuleError> errors;
  EXPECT_EQ(LoadRulesJson("{", "r.json", &errors), nullptr);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0].message, HasSubstr("not valid JSON"));
  errors.clear();
  // A number where YAML would hold a string; a list where a map belongs.
  EXPECT_EQ(LoadRulesJson(R"({"sections": [{"name": 5, "headings": ["x"]}],)"
                          R"( "rules": []})",
                          "r.json", &errors),
            nullptr);
  EXPECT_FALSE(errors.empty());
  errors.clear();
  EXPECT_EQ(LoadRulesJson(R"({"sections": [["x"]], "rules": {"a": "b"}})",
                          "r.json", &errors),
            nullptr);
  EXPECT_FALSE(errors.empty());
}

TEST(RulesTest, WrongStructureIsAnErrorNotACrash) {
  std::vector<RuleError> errors;
  EXPECT_EQ(LoadRules("sections: 5\nrules: {a: b}\n", "r.yml", &errors),
            nullptr);
  EXPECT_FALSE(errors.empty());
  errors.clear();
  EXPECT_EQ(LoadRules("- just\n- a list\n", "r.yml", &errors), nullptr);
  EXPECT_FALSE(errors.empty());
  errors.clear();
  EXPECT_EQ(LoadRules("", "r.yml", &errors), nullptr);
  EXPECT_FALSE(errors.empty());
}

TEST(RulesTest, RatingNeedsRatingsAndConstNeedsValue) {
  std::vector<RuleError> errors;
  LoadRules(
      "sections: [{name: s, headings: [x]}]\n"
      "rules:\n"
      "  - {metric: a, section: s, transform: rating, patterns: "
      "['(?P<value>x)']}\n"
      "  - {metric: b, section: s, transform: const, patterns: ['x']}\n",
      "r.yml", &errors);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_THAT(errors[0].message, HasSubstr("needs a 'ratings' map"));
  EXPECT_THAT(errors[1].message, HasSubstr("needs a 'value'"));
}

TEST(RulesTest, MorePatternsThanAFigureCanNameAreRefused) {
  // A figure names its pattern in 16 bits; refused before any is compiled.
  std::string yaml =
      "sections: [{name: s, headings: [x]}]\n"
      "rules:\n"
      "  - metric: a\n"
      "    section: s\n"
      "    transform: number\n"
      "    patterns:\n";
  for (std::size_t i = 0; i <= kMaxPatternsPerRule; ++i) {
    yaml += "      - '(?P<value>\\d+)'\n";
  }
  std::vector<RuleError> errors;
  EXPECT_EQ(LoadRules(yaml, "r.yml", &errors), nullptr);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "rule has 65536 patterns; at most 65535");
}

}  // namespace
}  // namespace cncert
