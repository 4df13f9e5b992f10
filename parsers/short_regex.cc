#include "parsers/short_regex.h"

#include <charconv>

#include "parsers/utf8.h"

namespace cncert {

ShortRegex::ShortRegex(std::string_view pattern) {
  rule_.source = pattern;
  rule_.anchored = AnchoredMatcher::Compile(pattern);
  starts_.Add(rule_.anchored.get());
}

bool ShortRegex::MatchAt(std::string_view text, std::size_t pos,
                         re2::StringPiece* groups, int n) const {
  return MatchAnchored(
      rule_.anchored.get(), [this]() -> const RE2& { return regex(); }, text,
      pos, text.size(), groups, n);
}

bool ShortRegex::Search(std::string_view text, re2::StringPiece* groups,
                        int n) const {
  // RE2 starts a match only at a character's first byte; bytes that are no
  // UTF-8 are left to it whole.
  if (rule_.anchored == nullptr || utf8::ValidPrefix(text) != text.size()) {
    return regex().Match(text, 0, text.size(), RE2::UNANCHORED, groups, n);
  }
  for (std::size_t pos = 0;;) {
    if (starts_.MayStartAt(text, pos) && MatchAt(text, pos, groups, n)) {
      return true;
    }
    if (pos == text.size()) return false;
    utf8::Next(text, pos);
  }
}

std::optional<int> GroupNumber(re2::StringPiece group) {
  int value = 0;
  const char* end = group.data() + group.size();
  if (group.empty()) return std::nullopt;
  const auto [ptr, error] = std::from_chars(group.data(), end, value);
  if (error != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace cncert
