#include "parsers/rules.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <atomic>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <type_traits>

#include "parsers/utf8.h"

namespace cncert {

namespace {

const std::set<std::string>& RuleKeys() {
  static const auto* const keys = new std::set<std::string>{
      "metric",  "labels", "help", "section", "transform",
      "ratings", "value",  "pick", "counter", "patterns"};
  return *keys;
}

RE2::Options RegexOptions() {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(8 << 20);
  return options;
}

bool IsMetricName(std::string_view s) {
  static const RE2 kName("[a-zA-Z_:][a-zA-Z0-9_:]*");
  return RE2::FullMatch(s, kName);
}

bool IsLabelName(std::string_view s) {
  static const RE2 kName("[a-zA-Z_][a-zA-Z0-9_]*");
  return RE2::FullMatch(s, kName) && s.substr(0, 2) != "__";
}

// The embedded rules as JSON, converted from their YAML when the binary is
// built (every scalar a string, as YAML keeps it), read through the calls
// the loader makes of a YAML::Node: reading the YAML took two thirds of
// loading the rules, at every start. A node is a JSON value, a map's key
// (a scalar), or nothing (a key not given).
class JsonNode {
 public:
  JsonNode() = default;
  explicit JsonNode(const nlohmann::json* json) : json_(json) {}
  explicit JsonNode(const std::string* key) : key_(key) {}

  explicit operator bool() const { return json_ != nullptr || key_ != nullptr; }
  bool IsMap() const { return json_ != nullptr && json_->is_object(); }
  bool IsSequence() const { return json_ != nullptr && json_->is_array(); }
  bool IsScalar() const {
    return key_ != nullptr || (json_ != nullptr && json_->is_string());
  }
  std::size_t size() const {
    return IsMap() || IsSequence() ? json_->size() : 0;
  }
  JsonNode operator[](const char* name) const {
    if (!IsMap()) return JsonNode();
    const auto it = json_->find(name);
    return it == json_->end() ? JsonNode() : JsonNode(&*it);
  }
  // No lines: the embedded rules are known good.
  static YAML::Mark Mark() { return YAML::Mark::null_mark(); }

  // A scalar as YAML::Node::as<T> converts it; a YAML exception otherwise.
  template <typename T>
  T as() const {
    if (!IsScalar()) throw YAML::TypedBadConversion<T>(Mark());
    const std::string& scalar =
        key_ != nullptr ? *key_ : json_->get_ref<const std::string&>();
    if constexpr (std::is_same_v<T, std::string>) {
      return scalar;
    } else {
      return YAML::Node(scalar).as<T>();
    }
  }

  class Iterator;
  Iterator begin() const;
  Iterator end() const;

 private:
  // What is iterated: a map or sequence, else an empty sequence.
  const nlohmann::json& Items() const {
    static const auto* const kNone =
        new nlohmann::json(nlohmann::json::array());
    return IsMap() || IsSequence() ? *json_ : *kNone;
  }

  const nlohmann::json* json_ = nullptr;
  const std::string* key_ = nullptr;
};

// What iterating gives, as YAML's iterator does: a sequence's element
// itself, a map's key and value as `first` and `second`.
struct JsonEntry : JsonNode {
  JsonNode first;
  JsonNode second;
};

class JsonNode::Iterator {
 public:
  Iterator(const nlohmann::json::const_iterator& it, bool map)
      : it_(it), map_(map) {}
  JsonEntry operator*() const {
    JsonEntry entry;
    if (map_) {
      entry.first = JsonNode(&it_.key());
      entry.second = JsonNode(&it_.value());
    } else {
      static_cast<JsonNode&>(entry) = JsonNode(&*it_);
    }
    return entry;
  }
  Iterator& operator++() {
    ++it_;
    return *this;
  }
  bool operator!=(const Iterator& other) const { return it_ != other.it_; }

 private:
  nlohmann::json::const_iterator it_;
  bool map_;
};

JsonNode::Iterator JsonNode::begin() const {
  return {Items().cbegin(), IsMap()};
}
JsonNode::Iterator JsonNode::end() const { return {Items().cend(), IsMap()}; }

// node.as<T>() of either kind of node.
template <typename T, typename Node>
T As(const Node& node) {
  return node.template as<T>();
}

// Reads rules from a YAML::Node, or from a JsonNode that answers the same
// calls.
template <typename Node>
class Loader {
 public:
  Loader(std::string_view file, std::vector<RuleError>* errors, bool known_good)
      : file_(file), errors_(errors), known_good_(known_good) {}

  std::shared_ptr<const RuleSet> Load(const Node& root) {
    if (!root.IsMap()) {
      Error(0, "", "top level must be a mapping with 'sections' and 'rules'");
      return nullptr;
    }
    auto set = std::make_shared<RuleSet>();
    set->name = file_;
    for (const auto& entry : root) {
      const auto key = As<std::string>(entry.first);
      if (key != "version" && key != "definitions" && key != "sections" &&
          key != "rules") {
        Error(Line(entry.first), "", "unknown top-level key '" + key + "'");
      }
    }
    ReadDefinitions(root["definitions"]);
    ReadSections(root["sections"], *set);
    ReadRules(root["rules"], *set);
    if (!errors_->empty()) return nullptr;
    set->any_heading = HeadingSet(*set);
    if (!set->any_heading) {
      for (const auto& section : set->sections) {
        for (const auto& heading : section.headings) {
          set->heading_starts.Add(heading.anchored.get());
        }
      }
    }
    ShareLiterals(*set);
    return set;
  }

  static void ShareLiterals(RuleSet& set) {
    std::map<std::string, std::uint32_t> ids;
    const auto id = [&](const std::string& literal) {
      const auto [it, added] = ids.try_emplace(
          literal, static_cast<std::uint32_t>(set.literals.size()));
      if (added) set.literals.emplace_back(literal);
      return it->second;
    };
    for (auto& rule : set.rules) {
      for (auto& pattern : rule.patterns) {
        for (const auto& literal : pattern.literal_prefixes)
          pattern.literal_ids.push_back(id(literal));
        const std::string tail = SharedTail(pattern.literal_prefixes);
        if (tail.empty()) continue;
        pattern.literal_tail = id(tail);
        for (const auto& literal : pattern.literal_prefixes) {
          pattern.literal_heads.push_back(
              literal.substr(0, literal.size() - tail.size()));
          pattern.longest_head = std::max(pattern.longest_head,
                                          pattern.literal_heads.back().size());
        }
      }
    }
  }

  // The whole characters that every one of several literals ends with,
  // if two or more: "安全漏洞" of "新收录安全漏洞" and "收录了网络安全漏洞".
  static std::string SharedTail(const std::vector<std::string>& literals) {
    if (literals.size() < 2) return "";
    std::string_view tail = literals.front();
    for (const std::string& literal : literals) {
      std::size_t n = 0;
      while (n < tail.size() && n < literal.size() &&
             tail[tail.size() - 1 - n] == literal[literal.size() - 1 - n]) {
        ++n;
      }
      tail = tail.substr(tail.size() - n);
    }
    // Begin with a character, not inside one.
    while (!tail.empty() &&
           (static_cast<unsigned char>(tail[0]) & 0xC0) == 0x80)
      tail.remove_prefix(1);
    std::size_t characters = 0;
    for (std::size_t pos = 0; pos < tail.size(); ++characters)
      utf8::Next(tail, pos);
    return characters >= 2 ? std::string(tail) : "";
  }

  static std::unique_ptr<RE2::Set> HeadingSet(const RuleSet& set) {
    const bool all_anchored =
        std::ranges::all_of(set.sections, [](const SectionDef& section) {
          return std::ranges::all_of(section.headings, [](const RuleRegex& h) {
            return h.anchored != nullptr;
          });
        });
    if (all_anchored) return nullptr;
    auto any = std::make_unique<RE2::Set>(RegexOptions(), RE2::ANCHOR_START);
    for (const auto& section : set.sections) {
      for (const auto& heading : section.headings) {
        if (any->Add(heading.source, nullptr) < 0) return nullptr;
      }
    }
    return any->Compile() ? std::move(any) : nullptr;
  }

 private:
  template <typename AnyNode>
  static int Line(const AnyNode& node) {
    return node.Mark().line + 1;
  }

  void Error(int line, std::string rule, std::string message) {
    errors_->push_back({file_, line, std::move(rule), std::move(message)});
  }

  void ReadDefinitions(const Node& node) {
    if (!node) return;
    if (!node.IsMap()) {
      Error(Line(node), "", "'definitions' must map names to regex fragments");
      return;
    }
    for (const auto& entry : node) {
      definitions_[As<std::string>(entry.first)] =
          As<std::string>(entry.second);
    }
  }

  // Replaces {{NAME}} with its definition, recursively.
  bool Expand(std::string& pattern, const std::string& rule, int line) {
    static const RE2 kReference(R"(\{\{([A-Za-z0-9_]+)\}\})");
    for (int round = 0; round < 8; ++round) {
      std::string name;
      if (!RE2::PartialMatch(pattern, kReference, &name)) return true;
      const auto it = definitions_.find(name);
      if (it == definitions_.end()) {
        Error(line, rule,
              "pattern refers to unknown definition {{" + name + "}}");
        return false;
      }
      const std::string token = "{{" + name + "}}";
      for (std::size_t pos = pattern.find(token); pos != std::string::npos;
           pos = pattern.find(token, pos + it->second.size())) {
        pattern.replace(pos, token.size(), it->second);
      }
    }
    Error(line, rule, "definitions nest too deeply (a cycle?)");
    return false;
  }

  // The own matcher's program, and RE2's where the rules are not known
  // good or the matcher does not take the regex; false (reported) when RE2
  // refuses it.
  bool CompileBoth(RuleRegex& regex, const std::string& rule, int line,
                   const char* what) {
    regex.anchored = AnchoredMatcher::Compile(regex.source);
    if (known_good_ && regex.anchored) return true;
    regex.compiled = Compile(regex.source, rule, line, what);
    return regex.compiled != nullptr;
  }

  std::unique_ptr<RE2> Compile(const std::string& source,
                               const std::string& rule, int line,
                               const char* what) {
    auto re = std::make_unique<RE2>(source, RegexOptions());
    if (!re->ok()) {
      Error(line, rule,
            std::string("invalid regex in ") + what + ": " + re->error());
      return nullptr;
    }
    return re;
  }

  void ReadSections(const Node& node, RuleSet& set) {
    if (!node || !node.IsSequence() || node.size() == 0) {
      Error(node ? Line(node) : 0, "", "'sections' must be a non-empty list");
      return;
    }
    for (const auto& item : node) {
      SectionDef section;
      const int line = Line(item);
      if (!item.IsMap() || !item["name"]) {
        Error(line, "", "section needs a 'name'");
        continue;
      }
      const auto name = As<std::string>(item["name"]);
      if (name == "lead" || name == "body") {
        Error(line, name, "section name is reserved");
      }
      if (set.FindSection(name)) {
        Error(line, name, "duplicate section '" + name + "'");
      }
      section.name = name;
      if (item["extract"]) section.extract = As<bool>(item["extract"]);
      const Node headings = item["headings"];
      if (!headings || !headings.IsSequence() || headings.size() == 0) {
        Error(line, section.name, "section needs a non-empty 'headings' list");
      } else {
        for (const auto& h : headings) {
          RuleRegex heading;
          heading.source = As<std::string>(h);
          if (!Expand(heading.source, section.name, Line(h))) continue;
          if (!CompileBoth(heading, section.name, Line(h), "heading")) continue;
          section.headings.push_back(std::move(heading));
        }
      }
      set.sections.push_back(std::move(section));
    }
  }

  static bool ParseTransform(const std::string& name, Transform* out) {
    static const std::map<std::string, Transform> kTransforms = {
        {"number", Transform::kNumber},
        {"percent", Transform::kPercent},
        {"change", Transform::kChange},
        {"rating", Transform::kRating},
        {"const", Transform::kConst}};
    const auto it = kTransforms.find(name);
    if (it == kTransforms.end()) return false;
    *out = it->second;
    return true;
  }

  void ReadPatterns(const Node& node, Rule& rule) {
    if (!node || !node.IsSequence() || node.size() == 0) {
      Error(rule.line, rule.metric, "rule needs a non-empty 'patterns' list");
      return;
    }
    if (node.size() > kMaxPatternsPerRule) {
      Error(rule.line, rule.metric,
            "rule has " + std::to_string(node.size()) + " patterns; at most " +
                std::to_string(kMaxPatternsPerRule));
      return;
    }
    int index = 0;
    for (const auto& item : node) {
      ++index;
      Pattern pattern;
      pattern.line = Line(item);
      if (item.IsScalar()) {
        pattern.source = As<std::string>(item);
      } else if (item.IsMap() && item["regex"]) {
        pattern.source = As<std::string>(item["regex"]);
        if (item["warn"]) pattern.warn = As<std::string>(item["warn"]);
      } else {
        Error(pattern.line, rule.metric,
              "pattern " + std::to_string(index) +
                  " must be a string or a mapping with 'regex'");
        continue;
      }
      if (!Expand(pattern.source, rule.metric, pattern.line)) continue;
      const std::string what = "pattern " + std::to_string(index);
      if (!CompileBoth(pattern, rule.metric, pattern.line, what.c_str()))
        continue;
      pattern.literal_prefixes = LiteralPrefixes(pattern.source);
      pattern.may_cross_lines = MayMatchLineBreak(pattern.source);
      const auto& groups = pattern.compiled
                               ? pattern.compiled->NamedCapturingGroups()
                               : pattern.anchored->named_groups();
      const auto number = [&groups](const char* name) {
        const auto it = groups.find(name);
        return it == groups.end() ? 0 : it->second;
      };
      pattern.value_group = number("value");
      pattern.direction_group = number("direction");
      pattern.groups_needed =
          std::max(pattern.value_group, pattern.direction_group) + 1;
      const bool needs_value = rule.transform != Transform::kConst;
      if (needs_value && !groups.contains("value")) {
        Error(pattern.line, rule.metric,
              what + " has no named capture (?P<value>...)");
      }
      if (rule.transform == Transform::kChange &&
          !groups.contains("direction")) {
        Error(
            pattern.line, rule.metric,
            what +
                " of a 'change' rule has no named capture (?P<direction>...)");
      }
      rule.patterns.push_back(std::move(pattern));
    }
  }

  void ReadRules(const Node& node, RuleSet& set) {
    if (!node || !node.IsSequence() || node.size() == 0) {
      Error(node ? Line(node) : 0, "", "'rules' must be a non-empty list");
      return;
    }
    std::set<std::string> series;
    for (const auto& item : node) {
      Rule rule;
      rule.line = Line(item);
      if (!item.IsMap()) {
        Error(rule.line, "", "rule must be a mapping");
        continue;
      }
      CheckKeys(item);
      if (!item["metric"]) {
        Error(rule.line, "", "rule has no 'metric'");
        continue;
      }
      ReadIdentity(item, rule);
      ReadSection(item, set, rule);
      ReadTransform(item, rule);
      ReadPick(item, rule);
      if (item["counter"]) rule.counter = As<bool>(item["counter"]);
      const std::string key = SeriesKey(rule.metric, rule.labels);
      if (!series.insert(key).second) {
        Error(rule.line, rule.metric,
              "duplicate metric " + key +
                  ": give one rule several patterns instead");
      }
      ReadPatterns(item["patterns"], rule);
      set.rules.push_back(std::move(rule));
    }
  }

  void CheckKeys(const Node& item) {
    for (const auto& entry : item) {
      const auto key = As<std::string>(entry.first);
      if (!RuleKeys().contains(key)) {
        Error(Line(entry.first),
              item["metric"] ? As<std::string>(item["metric"]) : "",
              "unknown key '" + key + "'");
      }
    }
  }

  // metric, labels and help.
  void ReadIdentity(const Node& item, Rule& rule) {
    rule.metric = As<std::string>(item["metric"]);
    if (!IsMetricName(rule.metric.str())) {
      Error(rule.line, rule.metric, "invalid metric name");
    }
    if (const Node labels = item["labels"]) {
      if (!labels.IsMap()) {
        Error(Line(labels), rule.metric, "'labels' must be a mapping");
      } else {
        Labels read;
        for (const auto& l : labels) {
          const auto name = As<std::string>(l.first);
          if (!IsLabelName(name)) {
            Error(Line(l.first), rule.metric,
                  "invalid label name '" + name + "'");
          }
          read[name] = As<std::string>(l.second);
        }
        rule.labels = read;
      }
    }
    if (item["help"]) rule.help = As<std::string>(item["help"]);
  }

  void ReadSection(const Node& item, const RuleSet& set, Rule& rule) {
    if (!item["section"]) {
      Error(rule.line, rule.metric, "rule has no 'section'");
      return;
    }
    rule.section = As<std::string>(item["section"]);
    rule.section_name = Name(rule.section);
    const SectionDef* section = set.FindSection(rule.section);
    if (!section) {
      Error(Line(item["section"]), rule.metric,
            "unknown section '" + rule.section + "'");
    } else if (!section->extract) {
      Error(Line(item["section"]), rule.metric,
            "section '" + rule.section + "' is marked extract: false");
    }
  }

  // transform, and the ratings or value it needs.
  void ReadTransform(const Node& item, Rule& rule) {
    const std::string transform =
        item["transform"] ? As<std::string>(item["transform"]) : "";
    if (!ParseTransform(transform, &rule.transform)) {
      Error(item["transform"] ? Line(item["transform"]) : rule.line,
            rule.metric,
            transform.empty()
                ? std::string("rule has no 'transform'")
                : "unknown transform '" + transform +
                      "' (known: number, percent, change, rating, const)");
    }
    if (rule.transform == Transform::kRating) {
      const Node ratings = item["ratings"];
      if (!ratings || !ratings.IsMap() || ratings.size() == 0) {
        Error(rule.line, rule.metric,
              "'rating' transform needs a 'ratings' map");
      } else {
        for (const auto& r : ratings) {
          rule.ratings[As<std::string>(r.first)] = As<double>(r.second);
        }
      }
    }
    if (rule.transform == Transform::kConst) {
      if (!item["value"]) {
        Error(rule.line, rule.metric, "'const' transform needs a 'value'");
      } else {
        rule.constant = As<double>(item["value"]);
      }
    }
  }

  void ReadPick(const Node& item, Rule& rule) {
    const Node pick = item["pick"];
    if (!pick) return;
    const auto p = As<std::string>(pick);
    if (p == "unique") {
      rule.pick = Pick::kUnique;
    } else if (p == "first") {
      rule.pick = Pick::kFirst;
    } else if (p == "last") {
      rule.pick = Pick::kLast;
    } else {
      Error(Line(pick), rule.metric,
            "unknown pick '" + p + "' (known: unique, first, last)");
    }
  }

  std::string file_;
  std::vector<RuleError>* errors_;
  bool known_good_;
  std::map<std::string, std::string> definitions_;
};

}  // namespace

const RE2& RuleRegex::regex() const {
  // Only the regexes of rules known good are left to be compiled here.
  std::call_once(*compile_once, [this] {
    if (!compiled) compiled = std::make_unique<RE2>(source, RegexOptions());
  });
  return *compiled;
}

RuleSet::RuleSet()
    : id([] {
        static std::atomic<std::uint64_t> next{1};
        return next++;
      }()) {}

const SectionDef* RuleSet::FindSection(std::string_view section_name) const {
  for (const auto& s : sections) {
    if (s.name == section_name) return &s;
  }
  return nullptr;
}

std::string RuleSet::Help(std::string_view metric) const {
  for (const auto& r : rules) {
    if (r.metric == metric && !r.help.empty()) return r.help;
  }
  return "";
}

bool RuleSet::IsCounter(const Name& metric) const {
  for (const auto& r : rules) {
    if (r.metric == metric && r.counter) return true;
  }
  return false;
}

std::string RuleError::ToString() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  out += ": ";
  if (!rule.empty()) out += "rule " + rule + ": ";
  return out + message;
}

bool MayMatchLineBreak(std::string_view regex) {
  // Negated classes, \D \W \s \n \P{…} \x{…} \C and (?s) can; literals,
  // \d, \p{Han} and plain classes cannot.
  for (std::string_view can :
       {"[^", "\\D", "\\W", "\\s", "\\n", "\\P", "\\x", "\\C", "s)", "s:"}) {
    if (regex.find(can) != std::string_view::npos) return true;
  }
  return false;
}

namespace {

// Calls `f(i, depth)` for each character of `regex` outside escapes and
// classes, with the nesting depth of groups before it; stops when `f`
// returns false.
template <typename F>
void ForEachSyntaxChar(std::string_view regex, F f) {
  int depth = 0;
  bool in_class = false;
  for (std::size_t i = 0; i < regex.size(); ++i) {
    const char c = regex[i];
    if (c == '\\') {
      ++i;
    } else if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
    } else {
      if (c == ')') --depth;
      if (!f(i, depth)) return;
      if (c == '(') ++depth;
    }
  }
}

// `regex` split at its top-level '|'.
std::vector<std::string_view> Alternatives(std::string_view regex) {
  std::vector<std::string_view> alternatives;
  std::size_t from = 0;
  ForEachSyntaxChar(regex, [&](std::size_t i, int depth) {
    if (regex[i] == '|' && depth == 0) {
      alternatives.push_back(regex.substr(from, i - from));
      from = i + 1;
    }
    return true;
  });
  alternatives.push_back(regex.substr(from));
  return alternatives;
}

// Where the group opened at regex[0] closes, or npos.
std::size_t GroupEnd(std::string_view regex) {
  std::size_t end = std::string_view::npos;
  ForEachSyntaxChar(regex, [&](std::size_t i, int depth) {
    if (regex[i] == ')' && depth == 0) end = i;
    return end == std::string_view::npos;
  });
  return end;
}

// The literal character at regex[pos] as the text has it (an escaped
// "\." is "."), and where it ends; 0 where regex[pos] is no literal: a
// class such as \d, a group, a quantifier.
std::size_t LiteralCharacter(std::string_view regex, std::size_t pos,
                             std::string_view* character) {
  static constexpr std::string_view kSpecial = "\\.^$|?*+()[]{}";
  static constexpr std::string_view kEscapedLiteral = "\\.^$|?*+()[]{}-/";
  if (pos >= regex.size()) return 0;
  if (regex[pos] == '\\') {
    if (pos + 1 >= regex.size() ||
        kEscapedLiteral.find(regex[pos + 1]) == std::string_view::npos) {
      return 0;  // \d, \p{Han}, \x{…}: a class, not a literal
    }
    *character = regex.substr(pos + 1, 1);
    return pos + 2;
  }
  if (kSpecial.find(regex[pos]) != std::string_view::npos) return 0;
  std::size_t after = pos;
  if (utf8::Next(regex, after) == 0xFFFD) return 0;
  *character = regex.substr(pos, after - pos);
  return after;
}

// Whether `regex` is plain text: every character a literal, none
// quantified. Its LiteralPrefix() is then all of it.
bool IsPlainText(std::string_view regex) {
  std::string_view next;
  for (std::size_t pos = 0; pos < regex.size();) {
    const std::size_t after = LiteralCharacter(regex, pos, &next);
    if (after == 0) return false;
    if (after < regex.size() &&
        std::string_view("?*+{").find(regex[after]) != std::string_view::npos) {
      return false;
    }
    pos = after;
  }
  return !regex.empty();
}

// Joined starts beyond this many are not worth their searches: the head
// alone is searched for instead. It also keeps a chain of optional parts
// ("a?b?c?…") from doubling the starts with each.
constexpr std::size_t kMaxJoined = 8;

// LiteralPrefixes() of a regex without a top-level '|'; false when unknown.
bool AddPrefixes(std::string_view regex, std::vector<std::string>* out);

// `head`, a plain text, followed by each of `tails` (the starts of what
// follows it, if `known`): longer starts, found in fewer places
// ("境内被植入后门" where "境内" alone is everywhere); `head` alone when
// the tails are unknown or too many.
void AddJoined(const std::string& head, bool known,
               const std::vector<std::string>& tails,
               std::vector<std::string>* out) {
  if (!known || tails.size() > kMaxJoined) {
    out->push_back(head);
    return;
  }
  for (const std::string& tail : tails) out->push_back(head + tail);
}

bool AddPrefixes(std::string_view regex, std::vector<std::string>* out) {
  if (regex.starts_with("(?:")) {
    const std::size_t end = GroupEnd(regex);
    if (end == std::string_view::npos) return false;
    const std::string_view rest = regex.substr(end + 1);
    // Once or not at all: a match starts with an alternative and then
    // what follows the group, or with what follows it alone. A repeated
    // group is not joined: "aabcx" does not start with "abc".
    if (rest.starts_with("??")) return false;  // lazy: left unknown
    const bool optional = rest.starts_with('?');
    const std::string_view after = optional ? rest.substr(1) : rest;
    const bool repeated =
        rest.starts_with('*') || rest.starts_with('+') || rest.starts_with('{');
    std::vector<std::string> tails;
    const bool known = !repeated && AddPrefixes(after, &tails);
    for (const auto alternative : Alternatives(regex.substr(3, end - 3))) {
      std::string prefix = LiteralPrefix(alternative);
      if (prefix.empty()) return false;
      if (IsPlainText(alternative)) {
        AddJoined(prefix, known, tails, out);
      } else {
        out->push_back(std::move(prefix));
      }
    }
    // An optional group: a match may start with what follows it.
    if (optional) {
      if (!known) return false;
      out->insert(out->end(), tails.begin(), tails.end());
      return true;
    }
    if (rest.starts_with('*')) return AddPrefixes(rest.substr(1), out);
    return !rest.starts_with('{');
  }
  std::string prefix = LiteralPrefix(regex);
  if (!prefix.empty()) {
    out->push_back(std::move(prefix));
    return true;
  }
  // An optional first character: "被?(?:木马…" starts with 被 (and what
  // follows it) or with what follows it.
  std::string_view first;
  const std::size_t after = LiteralCharacter(regex, 0, &first);
  if (after == 0 || after >= regex.size() ||
      (regex[after] != '?' && regex[after] != '*')) {
    return false;
  }
  const std::string_view rest = regex.substr(after + 1);
  std::vector<std::string> tails;
  if (!AddPrefixes(rest, &tails)) return false;
  // "被??" is lazy and "被*" repeated: those are not joined.
  const bool once = regex[after] == '?' && !rest.starts_with('?');
  AddJoined(std::string(first), once, tails, out);
  out->insert(out->end(), tails.begin(), tails.end());
  return true;
}

}  // namespace

std::vector<std::string> LiteralPrefixes(std::string_view regex) {
  std::vector<std::string> prefixes;
  if (Alternatives(regex).size() > 1 || !AddPrefixes(regex, &prefixes))
    return {};
  // A prefix that begins with another adds no start.
  std::sort(prefixes.begin(), prefixes.end());
  std::vector<std::string> kept;
  for (auto& p : prefixes) {
    if (kept.empty() || !p.starts_with(kept.back()))
      kept.push_back(std::move(p));
  }
  return kept;
}

std::string LiteralPrefix(std::string_view regex) {
  // A top-level alternative may start anywhere: no prefix then.
  if (Alternatives(regex).size() > 1) return "";
  std::string prefix;
  std::string_view next;
  for (std::size_t pos = 0, after = 0;
       (after = LiteralCharacter(regex, pos, &next)) != 0; pos = after) {
    // A quantifier makes the character optional or repeated: the prefix
    // ends before it (or with it, for '+').
    if (after < regex.size()) {
      const char q = regex[after];
      if (q == '?' || q == '*' || q == '{') break;
      if (q == '+') {
        prefix += next;
        break;
      }
    }
    prefix += next;
  }
  return prefix;
}

std::shared_ptr<const RuleSet> LoadRules(std::string_view yaml,
                                         std::string_view file_name,
                                         std::vector<RuleError>* errors,
                                         bool known_good) {
  try {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& e) {
      errors->push_back({std::string(file_name), e.mark.line + 1, "",
                         "not valid YAML: " + e.msg});
      return nullptr;
    }
    return Loader<YAML::Node>(file_name, errors, known_good).Load(root);
  } catch (const YAML::Exception& e) {
    // A scalar where a list was expected and similar type errors.
    errors->push_back({std::string(file_name), e.mark.line + 1, "",
                       "unexpected structure: " + e.msg});
    return nullptr;
  }
}

std::shared_ptr<const RuleSet> LoadRulesJson(std::string_view json,
                                             std::string_view file_name,
                                             std::vector<RuleError>* errors) {
  const nlohmann::json root = nlohmann::json::parse(json, nullptr, false);
  if (root.is_discarded()) {
    errors->push_back({std::string(file_name), 0, "", "not valid JSON"});
    return nullptr;
  }
  try {
    return Loader<JsonNode>(file_name, errors, /*known_good=*/true)
        .Load(JsonNode(&root));
  } catch (const YAML::Exception& e) {
    errors->push_back(
        {std::string(file_name), 0, "", "unexpected structure: " + e.msg});
    return nullptr;
  }
}

std::shared_ptr<const RuleSet> DefaultRules() {
  static const auto set = [] {
    std::vector<RuleError> errors;
    auto loaded = LoadRulesJson(DefaultRulesJson(), "<default>", &errors);
    if (!loaded) {
      std::string message = "embedded default rules are invalid:";
      for (const auto& e : errors) message += "\n" + e.ToString();
      throw std::logic_error(message);
    }
    return loaded;
  }();
  return set;
}

}  // namespace cncert
