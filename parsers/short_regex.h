// A pattern searched for in short texts (a title, a date, a line): RE2's
// set-up for each call (its DFA, then a second engine for the groups) was
// most of the cost there, a tenth of a text bulletin's parse in reading its
// identity. The own matcher tries each place a match may start, leftmost
// first, which is RE2's unanchored search; RE2 is compiled, and asked, only
// for a try the matcher is unsure of or a pattern it does not take.
#ifndef CNCERT_PARSERS_SHORT_REGEX_H_
#define CNCERT_PARSERS_SHORT_REGEX_H_

#include <re2/re2.h>
#include <re2/stringpiece.h>

#include <cstddef>
#include <optional>
#include <string_view>

#include "parsers/anchored_matcher.h"
#include "parsers/rules.h"

namespace cncert {

class ShortRegex {
 public:
  // `pattern` in RE2 syntax, known good (a constant of the code).
  explicit ShortRegex(std::string_view pattern);
  ShortRegex(const ShortRegex&) = delete;
  ShortRegex& operator=(const ShortRegex&) = delete;

  // As RE2's unanchored search: the leftmost match, groups[0] the whole of
  // it and groups[1..n) its groups (n at most group_count() + 1).
  bool Search(std::string_view text, re2::StringPiece* groups, int n) const;
  // As RE2::ANCHOR_START: a match that starts at `pos`.
  bool MatchAt(std::string_view text, std::size_t pos, re2::StringPiece* groups,
               int n) const;

  const RE2& regex() const { return rule_.regex(); }

 private:
  RuleRegex rule_;  // as the rules hold theirs: RE2 compiled when needed
  AnchoredMatcher::StartSet starts_;
};

// A group of digits as a number; none for an empty or absent group or one
// beyond int.
std::optional<int> GroupNumber(re2::StringPiece group);

}  // namespace cncert

#endif  // CNCERT_PARSERS_SHORT_REGEX_H_
