// One literal looked for in many texts. memmem builds a table of shifts
// for the literal on every call (a hash of each pair of its bytes); the
// rules' literals are searched for in every section of every bulletin, so
// theirs is built once, when the rules load.
#ifndef CNCERT_PARSERS_LITERAL_SEARCH_H_
#define CNCERT_PARSERS_LITERAL_SEARCH_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cncert {

class LiteralSearch {
 public:
  explicit LiteralSearch(std::string literal);

  // Where the literal first starts in text[pos, end), or npos; as
  // memmem over that range.
  std::size_t Find(std::string_view text, std::size_t pos,
                   std::size_t end) const;
  const std::string& literal() const { return literal_; }
  // The same literal: its table is made from it alone.
  friend bool operator==(const LiteralSearch& a, const LiteralSearch& b) {
    return a.literal_ == b.literal_;
  }

 private:
  std::string literal_;
  // For the hash of two bytes: how far before the literal's end that pair
  // last ends in it (0: nowhere), as memmem's short-needle search keeps it.
  std::array<std::uint8_t, 256> shift_{};
  std::size_t shift1_ = 0;  // the skip after a false match at the end
};

}  // namespace cncert

#endif  // CNCERT_PARSERS_LITERAL_SEARCH_H_
