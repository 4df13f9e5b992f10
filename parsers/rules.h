// Extraction rules as data: sections of the bulletin, and per metric the RE2
// patterns (named captures) and the transform that turns a capture into a
// value.
#ifndef CNCERT_PARSERS_RULES_H_
#define CNCERT_PARSERS_RULES_H_

#include <re2/re2.h>
#include <re2/set.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/anchored_matcher.h"
#include "parsers/bulletin.h"
#include "parsers/literal_search.h"

namespace cncert {

enum class Transform {
  kNumber,   // "14.5万" → 145000, "1,234个" → 1234, "三十" → 30
  kPercent,  // "1.6%" or "1.6" → 0.016 (must lie within 0–100 %)
  kChange,  // captures `direction` (上升/下降/持平…) and `value` → signed ratio
  kRating,  // a rating word looked up in the rule's `ratings`
  kConst,  // the rule's `value`, when the wording itself is the figure (无新增)
};

// Which match counts when a rule matches several times in its section.
enum class Pick {
  kUnique,  // all matches must agree, otherwise nothing is extracted
  kFirst,
  kLast,
};

// A pattern or heading of the rules, in RE2 and in the own matcher.
struct RuleRegex {
  std::string source;  // after {{definition}} expansion
  // In RE2: compiled on load for a rules file, whose errors are reported;
  // for the embedded rules, known good, when first needed (`anchored` finds
  // nearly all their matches, and RE2 took half of the rules' load, 5 ms of
  // every start).
  const RE2& regex() const;
  mutable std::unique_ptr<RE2> compiled;  // null until regex() compiles it
  std::unique_ptr<std::once_flag> compile_once =
      std::make_unique<std::once_flag>();
  // The same for anchored tries without RE2's capturing engine; null when
  // its syntax is beyond the matcher.
  std::unique_ptr<const AnchoredMatcher> anchored;
};

struct Pattern : RuleRegex {
  // Texts one of which every match starts with ("境内感染网络病毒" for
  // "境内感染网络病毒的?主机…"; "新增高危漏洞", "高危漏洞" for
  // "(?:新增)?高危漏洞…"),
  // or none: a match is looked for only where one occurs.
  std::vector<std::string> literal_prefixes;
  // Each prefix's place in RuleSet::literals, where patterns that share a
  // prefix share it.
  std::vector<std::uint32_t> literal_ids;
  // When the prefixes end alike ("新收录安全漏洞", "收集整理了信息安全漏洞",
  // … 32 of them: "安全漏洞"), that ending is searched for instead, once,
  // and the heads before it are compared: its place in RuleSet::literals
  // (or none), the heads and the longest head's length.
  std::optional<std::uint32_t> literal_tail;
  std::vector<std::string> literal_heads;
  std::size_t longest_head = 0;
  // Whether it could match a line break ("[^;。]*?"): then it is searched
  // for within each paragraph, never across one.
  bool may_cross_lines = true;
  // Numbers of the named groups (0: none), and how many groups a match must
  // report to reach them: RE2 tracks fewer when asked for fewer.
  int value_group = 0;
  int direction_group = 0;
  int groups_needed = 1;
  std::string warn;  // emitted whenever this pattern supplies the value
  int line = 0;
};

struct Rule {
  Name metric;  // interned once here: each value copies an index
  LabelSet labels;
  std::string help;
  std::string section;
  Name section_name;  // the same, interned: compared with each span's
  Transform transform = Transform::kNumber;
  std::map<std::string, double> ratings;
  double constant = 0;
  Pick pick = Pick::kUnique;
  bool counter = false;  // a flow figure: also a cumulative counter
  std::vector<Pattern> patterns;
  int line = 0;
};

struct SectionDef {
  Name name;  // interned once here: each section span copies a pointer
  // Every line is tried against them: by the own matcher where it takes
  // the heading, as RE2's cost per call is most of a try that fails in its
  // first characters.
  std::vector<RuleRegex> headings;
  bool extract = true;  // false: numbers here are never bulletin figures
};

struct RuleSet {
  RuleSet();
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  std::string name;  // file name, or "<default>"
  // Unique to this set for as long as the process runs: what is worked out
  // from the rules and kept beyond them (an image's lines) is kept by it.
  const std::uint64_t id;
  std::vector<SectionDef> sections;
  std::vector<Rule> rules;
  // Every pattern's literal prefixes, each once, ready to be searched for.
  std::vector<LiteralSearch> literals;
  // Every section's headings in one automaton, anchored at the start: a
  // line that begins no heading (nearly every line) is told so in one pass
  // instead of one RE2 call per heading. Null: try each heading (so when
  // the own matcher takes every heading: its tries are cheaper than a pass).
  std::unique_ptr<RE2::Set> any_heading;
  // Without it: what the headings may start with, all of them by the own
  // matcher. Most lines (a chart's figures and labels read from an image)
  // begin with none of it and are not tried at all.
  AnchoredMatcher::StartSet heading_starts;

  const SectionDef* FindSection(std::string_view name) const;
  // HELP text of a metric family (first rule that states one).
  std::string Help(std::string_view metric) const;
  // Names compared as indices: asked once per figure of the archive.
  bool IsCounter(const Name& metric) const;
};

struct RuleError {
  std::string file;
  int line = 0;      // 1-based, 0 when unknown
  std::string rule;  // metric of the rule, or a section name
  std::string message;
  std::string ToString() const;
};

// Parses and validates a rules file. Returns null and fills `errors` (every
// problem found, not only the first) when the file is unusable.
// The literal text that every match of `regex` (RE2 syntax) starts with;
// empty when there is none or the pattern is not plain enough to tell.
std::string LiteralPrefix(std::string_view regex);
// Literal texts one of which every match of `regex` starts with: its
// LiteralPrefix(), or those of a leading group of alternatives
// ("(?:其中|含)…") and of what follows a leading optional part, a plain
// alternative or optional character joined to the starts of what follows
// it ("(?:境内)?被植入后门…" → 境内被植入后门, 被植入后门); none when
// unknown.
std::vector<std::string> LiteralPrefixes(std::string_view regex);

// Whether `regex` could match a line break; false only when it plainly
// cannot (no negated class, no \D, \W, \s, \n, \P, \x, \C, no (?s)).
bool MayMatchLineBreak(std::string_view regex);

// A figure tells its pattern in 16 bits (Provenance::pattern).
inline constexpr std::size_t kMaxPatternsPerRule = 0xFFFF;

// `known_good` (the embedded rules): a pattern that the anchored matcher
// takes is compiled by RE2 when first needed, not on load.
std::shared_ptr<const RuleSet> LoadRules(std::string_view yaml,
                                         std::string_view file_name,
                                         std::vector<RuleError>* errors,
                                         bool known_good = false);

// Rules as JSON whose scalars are all strings (what `rules_to_json` makes
// of a YAML file), known good.
std::shared_ptr<const RuleSet> LoadRulesJson(std::string_view json,
                                             std::string_view file_name,
                                             std::vector<RuleError>* errors);

// The shipped rules for the weekly bulletin, embedded in the binary: as
// written, and as JSON, which is what DefaultRules() reads.
std::string_view DefaultRulesYaml();
std::string_view DefaultRulesJson();
std::shared_ptr<const RuleSet> DefaultRules();

}  // namespace cncert

#endif  // CNCERT_PARSERS_RULES_H_
