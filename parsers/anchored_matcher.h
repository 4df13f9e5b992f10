// A rule's pattern compiled for the anchored tries of extraction. RE2's
// capturing engine spends 150–200 instructions on each byte of a match, and
// those tries were half of a text parse; this backtracker takes about a
// third of RE2's time on the same tries (BM_AnchoredTries). It takes the
// part of RE2's syntax the rules use and reports the same match and groups
// as RE2 (leftmost-first, Perl's order of tries); a pattern outside that
// part is not compiled, and a try that runs long is handed back, both to be
// left to RE2.
#ifndef CNCERT_PARSERS_ANCHORED_MATCHER_H_
#define CNCERT_PARSERS_ANCHORED_MATCHER_H_

#include <re2/re2.h>
#include <re2/stringpiece.h>

#include <bitset>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cncert {

// Whether the Unicode script of `cp` is Han, as RE2's \p{Han} says.
bool IsHanScript(char32_t cp);

class AnchoredMatcher {
 public:
  enum class Outcome {
    kMatch,
    kNoMatch,
    kUnsure,  // too many steps, or bytes that are no UTF-8: ask RE2
  };

  // Null when `regex` (RE2 syntax) uses syntax beyond literals,
  // classes of literals, ranges, \d, \s and \p{Han}, '.', groups (plain, named,
  // (?i:) over ASCII), alternation and the quantifiers ? * + {m,n} (greedy
  // or lazy) over what cannot match empty.
  static std::unique_ptr<const AnchoredMatcher> Compile(std::string_view regex);

  // As RE2::Match(text, pos, end, RE2::ANCHOR_START, groups, n).
  Outcome Match(std::string_view text, std::size_t pos, std::size_t end,
                re2::StringPiece* groups, int n) const;

  // Capturing groups, not counting the whole match, and the numbers of
  // the named ones (as RE2's NamedCapturingGroups()).
  int group_count() const { return groups_; }
  const std::map<std::string, int>& named_groups() const {
    return named_groups_;
  }

  // What several patterns' matches may start with, to rule a position out
  // for all of them at once: Match() of each returns kNoMatch where
  // MayStartAt() is false. Until a matcher is added, and once a pattern the
  // matcher does not take (null) is, it rules nothing out.
  class StartSet {
   public:
    void Add(const AnchoredMatcher* matcher);
    bool MayStartAt(std::string_view text, std::size_t pos) const;

   private:
    std::bitset<128 + 1024> keys_;  // kStartKeys
    bool may_be_empty_ = false;
    bool known_ = false;    // a matcher was added
    bool unknown_ = false;  // a pattern without one was
  };

  ~AnchoredMatcher();
  AnchoredMatcher(const AnchoredMatcher&) = delete;
  AnchoredMatcher& operator=(const AnchoredMatcher&) = delete;

 private:
  class Compiler;
  friend class AnchoredMatcherExamples;  // the tests' texts

  enum class Op : std::uint8_t {
    kLiteral,  // the bytes literals_[a, a + b)
    kClass,    // one character of classes_[a]
    kSplit,    // try a, then b
    kJump,     // to a
    kSave,     // the position into slot a
    kMatch,
    // Greedy, from min to max characters of classes_[a] (max kNoBound:
    // none), never given back: what follows cannot start with one.
    kRun,
  };
  struct Instruction {
    Op op;
    // kSplit heading a lazy loop over one class ("[^;。]*?"): b is the
    // class, then a jump back.
    bool lazy_class_loop = false;
    // kSplit: what a text must start with for either branch to be tried,
    // as indices into starts_.
    std::uint16_t starts_a = 0;
    std::uint16_t starts_b = 0;
    // The one key each branch starts with, where there is one and it
    // cannot be empty (most alternatives of a wording), else -1: tested
    // here, not in a set elsewhere in memory.
    std::int16_t only_a = -1;
    std::int16_t only_b = -1;
    // kSplit at the head of a loop: its number + 1, else 0.
    std::uint16_t loop = 0;
    std::uint32_t a = 0;  // literal offset, class, preferred target, slot
    std::uint32_t b = 0;  // literal length, the other target
    // kLiteral, kClass, kSave: what comes next, past any jumps (a jump
    // was one in eight instructions run).
    std::uint32_t next = 0;
    // kRun: how many characters it takes at least and at most.
    std::uint16_t min = 0;
    std::uint16_t max = 0;
  };
  // The keys (StartKey() in the .cc file: an ASCII byte, or the bits of the
  // first two bytes of a longer character) that a match from some point on
  // may start with, and whether it may be empty there.
  static constexpr std::size_t kStartKeys = 128 + 1024;
  static constexpr std::uint16_t kNoBound = 0xFFFF;  // kRun's max
  struct Starts {
    std::bitset<kStartKeys> keys;
    bool may_be_empty = false;
  };
  struct CharClass {
    std::bitset<128> ascii;  // members below 0x80, negation applied
    std::vector<std::pair<char32_t, char32_t>> ranges;  // beyond, before it
    bool han = false;
    bool negated = false;

    bool Contains(char32_t cp) const {
      if (cp < 0x80) return ascii[cp];
      bool in = han && IsHanScript(cp);
      for (const auto& [lo, hi] : ranges) in = in || (cp >= lo && cp <= hi);
      return in != negated;
    }
    void Add(char32_t lo, char32_t hi);
  };

  AnchoredMatcher();

  std::vector<Instruction> program_;
  std::vector<CharClass> classes_;
  std::vector<const Starts*> starts_;  // shared by every matcher
  std::string literals_;
  int groups_ = 0;
  std::map<std::string, int> named_groups_;
  int loops_ = 0;
};

// RE2::Match(text, pos, end, RE2::ANCHOR_START, groups, n): by `anchored`
// where there is one and it is sure, else by the RE2 that `regex()` gives
// (asked for only then: it may compile it).
template <typename RegexOf>
bool MatchAnchored(const AnchoredMatcher* anchored, const RegexOf& regex,
                   std::string_view text, std::size_t pos, std::size_t end,
                   re2::StringPiece* groups, int n) {
  if (anchored != nullptr) {
    switch (anchored->Match(text, pos, end, groups, n)) {
      case AnchoredMatcher::Outcome::kMatch:
        return true;
      case AnchoredMatcher::Outcome::kNoMatch:
        return false;
      case AnchoredMatcher::Outcome::kUnsure:
        break;
    }
  }
  const RE2& re = regex();
  return re.Match(text, pos, end, RE2::ANCHOR_START, groups, n);
}

}  // namespace cncert

#endif  // CNCERT_PARSERS_ANCHORED_MATCHER_H_
