#include "parsers/extract.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <optional>

#include "parsers/strings.h"
#include "parsers/transforms.h"

namespace cncert {

namespace {

struct Candidate {
  double value;
  Provenance provenance;
  std::string warn;
};

// Where the paragraph holding `at` ends (before `end`): after the first
// line break that does not follow a ';'.
std::size_t ParagraphEnd(std::string_view text, std::size_t at,
                         std::size_t end) {
  for (std::size_t nl = text.find('\n', at); nl < end;
       nl = text.find('\n', nl + 1)) {
    if (nl == 0 || text[nl - 1] != ';') return nl + 1;
  }
  return end;
}

// Where the paragraph holding `at` starts (not before `from`, where one
// starts): as ParagraphEnd() ends them, after a line break that does not
// follow a ';'.
std::size_t ParagraphStart(std::string_view text, std::size_t from,
                           std::size_t at) {
  for (std::size_t nl = at; nl > from;) {
    nl = text.rfind('\n', nl - 1);
    if (nl == std::string_view::npos || nl < from) break;
    if (nl == 0 || text[nl - 1] != ';') return nl + 1;
  }
  return from;
}

// Anchored tries that found nothing before a pattern is searched for
// unanchored instead: each try may run to the end of the paragraph, so a
// paragraph full of a wording's start must not cost a run per start.
constexpr int kMaxAnchoredMisses = 8;

// Where each literal prefix of the rules next occurs in a span, shared by
// every pattern that starts with it ("被植入后门的政府网站" starts ten): a
// span is searched for a literal once, not once per pattern or match.
class LiteralIndex {
 public:
  // `memo` is the index's storage: three positions a literal.
  LiteralIndex(std::string_view text, const RuleSet& rules,
               std::vector<std::array<std::size_t, 3>>* memo)
      : text_(text), literals_(rules.literals), memo_(*memo) {
    memo_.assign(literals_.size(), {kNone, kNone, kNone});
  }

  // The first position in [pos, end) where one of the pattern's literal
  // prefixes starts, or npos.
  std::size_t First(const Pattern& pattern, std::size_t pos, std::size_t end) {
    if (pattern.literal_tail) return FirstByTail(pattern, pos, end);
    std::size_t first = std::string_view::npos;
    for (const std::uint32_t id : pattern.literal_ids)
      first = std::min(first, Next(id, pos, end));
    return first;
  }

 private:
  // Where literal `id` first occurs in [pos, end), or npos.
  std::size_t Next(std::uint32_t id, std::size_t pos, std::size_t end) {
    // What a search from `from` to `end` found holds for any later start
    // up to what it found.
    auto& [searched_end, from, next] = memo_[id];
    if (searched_end != end || from > pos || next < pos) {
      searched_end = end;
      from = pos;
      next = pos < end ? literals_[id].Find(text_, pos, end) : kNone;
    }
    return next;
  }

  // The same as First(), found by the prefixes' shared tail: each head is
  // compared before each occurrence of the tail, until no later tail can
  // begin an earlier prefix.
  std::size_t FirstByTail(const Pattern& pattern, std::size_t pos,
                          std::size_t end) {
    std::size_t first = std::string_view::npos;
    for (std::size_t tail = Next(*pattern.literal_tail, pos, end);
         tail != std::string_view::npos;
         tail = Next(*pattern.literal_tail, tail + 1, end)) {
      if (first != std::string_view::npos &&
          tail > first + pattern.longest_head) {
        break;
      }
      for (const std::string& head : pattern.literal_heads) {
        if (tail < pos + head.size()) continue;
        const std::size_t start = tail - head.size();
        if (start < first && text_.substr(start, head.size()) == head)
          first = start;
      }
    }
    return first;
  }

  static constexpr std::size_t kNone = std::string_view::npos;

  std::string_view text_;
  const std::vector<LiteralSearch>& literals_;
  std::vector<std::array<std::size_t, 3>>& memo_;
};

// RE2::Match anchored at `at`, by the rule's own matcher where it has
// one and is sure.
bool MatchAt(const Pattern& pattern, std::string_view text, std::size_t at,
             std::size_t stop, re2::StringPiece* captures, int n) {
  return MatchAnchored(
      pattern.anchored.get(),
      [&pattern]() -> const RE2& { return pattern.regex(); }, text, at, stop,
      captures, n);
}

// The leftmost match in [pos, end). Where every match starts with one of a
// few literals, the pattern is tried anchored where the first of them
// occurs: the same match, without running the automaton over the text
// between.
bool FindNext(const Pattern& pattern, std::string_view text, std::size_t pos,
              std::size_t end, std::size_t span_end, LiteralIndex* literals,
              re2::StringPiece* captures, int n, int* misses) {
  while (pos < end) {
    if (pattern.literal_prefixes.empty() || *misses >= kMaxAnchoredMisses) {
      return pattern.regex().Match(text, pos, end, RE2::UNANCHORED, captures,
                                   n);
    }
    const std::size_t at = literals->First(pattern, pos, span_end);
    if (at >= end) return false;
    // A pattern that cannot match a line break ends on its line: the try
    // then works over the line, not the rest of the section.
    std::size_t stop = end;
    if (!pattern.may_cross_lines) {
      const void* nl = std::memchr(text.data() + at, '\n', end - at);
      if (nl != nullptr) stop = static_cast<const char*>(nl) - text.data();
    }
    if (MatchAt(pattern, text, at, stop, captures, n)) return true;
    ++*misses;
    pos = at + 1;
  }
  return false;
}

// The offset of the first line break inside `match` that ends neither a
// clause (';') nor the match, else npos.
std::size_t CrossedBreak(std::string_view match) {
  for (std::size_t at = match.find('\n'); at != std::string_view::npos;
       at = match.find('\n', at + 1)) {
    if (at + 1 < match.size() && (at == 0 || match[at - 1] != ';')) return at;
  }
  return std::string_view::npos;
}

std::optional<double> ApplyTransform(const Rule& rule, std::string_view value,
                                     std::string_view direction,
                                     std::string* problem) {
  switch (rule.transform) {
    case Transform::kNumber: {
      auto v = ParseChineseNumber(value);
      if (!v) *problem = "'" + std::string(value) + "' is not a number";
      return v;
    }
    case Transform::kPercent: {
      auto v = ParsePercent(value);
      if (!v)
        *problem = "'" + std::string(value) + "' is not a share within 0-100%";
      return v;
    }
    case Transform::kChange: {
      const auto sign = ChangeDirection(direction);
      if (!sign) {
        *problem = "'" + std::string(direction) + "' is not a change word";
        return std::nullopt;
      }
      if (*sign == 0) return 0.0;
      if (value.empty()) {
        *problem = "change '" + std::string(direction) + "' states no amount";
        return std::nullopt;
      }
      auto v = ParseChineseNumber(value);
      if (!v) {
        *problem = "'" + std::string(value) + "' is not a number";
        return std::nullopt;
      }
      auto ratio = ParsePercent(value);
      // Changes above 100 % are real ("增长了250%"): scale without the cap.
      return *sign * (ratio ? *ratio : *v / 100.0);
    }
    case Transform::kRating: {
      const auto it = rule.ratings.find(std::string(value));
      if (it == rule.ratings.end()) {
        *problem = "'" + std::string(value) + "' is not a known rating";
        return std::nullopt;
      }
      return it->second;
    }
    case Transform::kConst:
      return rule.constant;
  }
  return std::nullopt;
}

void MatchRange(const Rule& rule, std::size_t pattern_index,
                const Layout& layout, const SectionSpan& span, std::size_t from,
                std::size_t to, std::vector<re2::StringPiece>* all_captures,
                LiteralIndex* literals, int* misses,
                std::vector<Candidate>* out,
                std::vector<std::string>* warnings);

// What matching needs for each pattern, kept from one to the next.
struct Scratch {
  std::vector<re2::StringPiece> captures;
  LiteralIndex* literals = nullptr;
};

// Every match of one of the rule's patterns in `span`.
void MatchPattern(const Rule& rule, std::size_t pattern_index,
                  const Layout& layout, const SectionSpan& span,
                  Scratch* scratch, std::vector<Candidate>* out,
                  std::vector<std::string>* warnings) {
  const Pattern& pattern = rule.patterns[pattern_index];
  std::vector<re2::StringPiece>& captures = scratch->captures;
  captures.assign(pattern.groups_needed, re2::StringPiece());
  const std::string_view text = layout.text;
  int misses = 0;
  // A wording never runs on over the end of a paragraph or of a block of
  // an image, where Tesseract may put lines out of order; only a clause
  // ended by ';' may continue on the next line. A pattern that could match
  // a line break is searched for paragraph by paragraph.
  // Every match starts with a literal prefix: a paragraph without one is
  // passed over, and those up to the next one with it. An image's text is
  // a paragraph a line; typed text has few paragraphs, most of them with
  // a wording's start, where the look-up would cost more than it saves.
  const bool skip = pattern.may_cross_lines &&
                    !pattern.literal_prefixes.empty() &&
                    !layout.image_spans.empty();
  for (std::size_t from = span.begin; from < span.end;) {
    const std::size_t to =
        pattern.may_cross_lines ? ParagraphEnd(text, from, span.end) : span.end;
    if (skip) {
      const std::size_t at = scratch->literals->First(pattern, from, span.end);
      if (at >= span.end) break;
      if (at >= to) {
        from = ParagraphStart(text, to, at);
        continue;
      }
    }
    MatchRange(rule, pattern_index, layout, span, from, to, &captures,
               scratch->literals, &misses, out, warnings);
    from = to;
  }
}

void MatchRange(const Rule& rule, std::size_t pattern_index,
                const Layout& layout, const SectionSpan& span, std::size_t from,
                std::size_t to, std::vector<re2::StringPiece>* all_captures,
                LiteralIndex* literals, int* misses,
                std::vector<Candidate>* out,
                std::vector<std::string>* warnings) {
  const Pattern& pattern = rule.patterns[pattern_index];
  std::vector<re2::StringPiece>& captures = *all_captures;
  const int n = static_cast<int>(captures.size());
  const std::string_view text = layout.text;
  std::size_t pos = from;
  while (pos < to && FindNext(pattern, text, pos, to, span.end, literals,
                              captures.data(), n, misses)) {
    const std::string_view whole(captures[0].data(), captures[0].size());
    const std::size_t begin = whole.data() - text.data();
    const std::size_t end = begin + whole.size();
    pos = whole.empty() ? end + 1 : end;
    if (CrossedBreak(whole) != std::string_view::npos) continue;
    auto group = [&captures](int number) {
      if (number == 0) return std::string_view();
      const re2::StringPiece& piece = captures[number];
      return std::string_view(piece.data(), piece.size());
    };
    const std::string_view value = group(pattern.value_group);
    const std::string_view direction = group(pattern.direction_group);
    std::string problem;
    const auto v = ApplyTransform(rule, value, direction, &problem);
    Provenance provenance;
    provenance.pattern = static_cast<std::uint16_t>(pattern_index + 1);
    provenance.section = span.name;
    // The parser refuses texts of 4 GB and more.
    const auto offset = [](std::size_t o) {
      return static_cast<std::uint32_t>(o);
    };
    provenance.begin = offset(begin);
    provenance.end = offset(end);
    provenance.value_begin =
        offset(value.empty() ? begin : value.data() - text.data());
    provenance.value_end = value.empty()
                               ? offset(end)
                               : offset(provenance.value_begin + value.size());
    if (!v) {
      warnings->push_back(SeriesKey(rule.metric, rule.labels) + ": matched '" +
                          std::string(whole) + "' but " + problem +
                          "; not extracted");
      continue;
    }
    out->push_back({*v, provenance, pattern.warn});
  }
}

// Where the text and an image both state a figure, the text wins: OCR may
// misread, typed text does not. A different value read from an image is
// named in a warning.
template <typename Key>
void PreferText(const Layout& layout, const Key& key,
                std::vector<Candidate>* candidates,
                std::vector<std::string>* warnings) {
  std::size_t from_images = 0;
  for (const auto& c : *candidates) {
    from_images += layout.InImage(c.provenance.begin, c.provenance.end);
  }
  // All from images or all typed (nearly every rule): nothing to weigh.
  if (from_images == 0 || from_images == candidates->size()) return;
  std::vector<Candidate> text;
  std::vector<double> image_values;
  for (auto& c : *candidates) {
    if (layout.InImage(c.provenance.begin, c.provenance.end)) {
      image_values.push_back(c.value);
    } else {
      text.push_back(std::move(c));
    }
  }
  for (const double v : image_values) {
    if (v != text.front().value) {
      warnings->push_back(key() + ": an image states " + FormatNumber(v) +
                          ", the text " + FormatNumber(text.front().value) +
                          "; the text wins");
    }
  }
  *candidates = std::move(text);
}

}  // namespace

Extraction ExtractValues(const Layout& layout, const RuleSet& rules) {
  Extraction result;
  // Reused from rule to rule: most rules need no allocation of their own.
  std::vector<const SectionSpan*> spans;
  std::vector<SectionSpan> borrowed;
  std::vector<Candidate> candidates;
  std::vector<std::array<std::size_t, 3>> literal_memo;
  LiteralIndex literals(layout.text, rules, &literal_memo);
  Scratch scratch;
  scratch.literals = &literals;
  result.values.reserve(rules.rules.size());
  for (const Rule& rule : rules.rules) {
    spans.clear();
    borrowed.clear();
    candidates.clear();
    bool from_lead = false;
    for (const auto& span : layout.sections) {
      if (!span.extract) continue;
      if (!layout.has_headings || span.name == rule.section_name)
        spans.push_back(&span);
    }
    // Without its section, a rule reads the lead paragraph and text from
    // images that carry no heading of their own.
    if (spans.empty() && layout.has_headings) {
      for (const auto& span : layout.sections) {
        if (span.name == "lead") spans.push_back(&span);
        if (span.name == "lead" || !span.extract) continue;
        for (const auto& [b, e] : layout.image_spans) {
          if (b < span.end && e > span.begin) {
            borrowed.push_back({span.name, std::max(b, span.begin),
                                std::min(e, span.end), true});
          }
        }
      }
      for (const auto& span : borrowed) spans.push_back(&span);
      from_lead = true;
    }
    for (std::size_t p = 0; p < rule.patterns.size() && candidates.empty();
         ++p) {
      for (const SectionSpan* span : spans) {
        MatchPattern(rule, p, layout, *span, &scratch, &candidates,
                     &result.warnings);
      }
    }
    if (candidates.empty()) continue;
    // Named only in warnings, which most bulletins do not have.
    const auto key = [&rule] { return SeriesKey(rule.metric, rule.labels); };
    if (!layout.image_spans.empty())
      PreferText(layout, key, &candidates, &result.warnings);
    const Candidate* chosen = &candidates.front();
    if (rule.pick == Pick::kLast) chosen = &candidates.back();
    if (rule.pick == Pick::kUnique) {
      const bool differ = std::any_of(
          candidates.begin(), candidates.end(),
          [chosen](const Candidate& c) { return c.value != chosen->value; });
      if (differ) {
        std::string seen;
        for (const auto& c : candidates) {
          if (!seen.empty()) seen += ", ";
          seen += FormatNumber(c.value);
        }
        std::string warning = key();
        warning += ": the bulletin states different values (";
        warning += seen;
        warning += "); not extracted";
        result.warnings.push_back(std::move(warning));
        continue;
      }
    }
    if (!chosen->warn.empty())
      result.warnings.push_back(key() + ": " + chosen->warn);
    if (from_lead) {
      result.warnings.push_back(
          key() + ": taken from " +
          (layout.InImage(chosen->provenance.begin, chosen->provenance.end)
               ? "an image without a '" + rule.section + "' heading"
               : "the lead paragraph (no '" + rule.section + "' section)"));
    }
    result.values.push_back(
        {rule.metric, rule.labels, chosen->value, chosen->provenance});
  }
  return result;
}

}  // namespace cncert
