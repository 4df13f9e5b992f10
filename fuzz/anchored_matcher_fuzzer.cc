// libFuzzer target: the rules' own matcher against RE2, on any bytes. Every
// shipped pattern is tried anchored where extraction tries it (where one of
// its literal prefixes occurs) and at the first characters; where the
// matcher is sure, its answer and every group must be RE2's.
#include <re2/re2.h>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "parsers/anchored_matcher.h"
#include "parsers/rules.h"

namespace {

void Compare(const cncert::Pattern& pattern, std::string_view text,
             std::size_t at) {
  // As extraction bounds a try: the line, or the whole text for a
  // pattern that may cross lines.
  std::size_t stop = text.size();
  if (!pattern.may_cross_lines) stop = std::min(stop, text.find('\n', at));
  const int n = pattern.regex().NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> expected(n);
  std::vector<re2::StringPiece> got(n);
  const auto outcome = pattern.anchored->Match(text, at, stop, got.data(), n);
  if (outcome == cncert::AnchoredMatcher::Outcome::kUnsure) return;
  const bool matched = pattern.regex().Match(text, at, stop, RE2::ANCHOR_START,
                                             expected.data(), n);
  if (matched != (outcome == cncert::AnchoredMatcher::Outcome::kMatch))
    __builtin_trap();
  for (int i = 0; matched && i < n; ++i) {
    if (expected[i].data() != got[i].data() ||
        expected[i].size() != got[i].size()) {
      __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  static const auto rules = cncert::DefaultRules();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto& rule : rules->rules) {
    for (const auto& pattern : rule.patterns) {
      if (!pattern.anchored) continue;
      for (std::size_t at = 0; at < std::min<std::size_t>(size, 16); ++at)
        Compare(pattern, text, at);
      for (const auto& literal : pattern.literal_prefixes) {
        for (std::size_t at = text.find(literal); at != std::string_view::npos;
             at = text.find(literal, at + 1)) {
          Compare(pattern, text, at);
        }
      }
    }
  }
  return 0;
}
