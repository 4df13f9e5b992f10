#include "parsers/literal_search.h"

#include <cstring>
#include <utility>

#include "parsers/same_bytes.h"

namespace cncert {

namespace {

// Literals this long or longer (or shorter than three bytes) are left to
// memmem: the table's shifts are one byte each.
constexpr std::size_t kMaxTabled = 256;

// The pair of bytes ending at `p`, hashed into the table.
inline std::size_t PairHash(const unsigned char* p) {
  return (static_cast<std::size_t>(p[0]) -
          (static_cast<std::size_t>(p[-1]) << 3)) %
         256;
}

}  // namespace

LiteralSearch::LiteralSearch(std::string literal)
    : literal_(std::move(literal)) {
  const std::size_t m = literal_.size();
  if (m < 3 || m >= kMaxTabled) return;
  const auto* ne = reinterpret_cast<const unsigned char*>(literal_.data());
  const std::size_t m1 = m - 1;
  for (std::size_t i = 1; i < m1; ++i)
    shift_[PairHash(ne + i)] = static_cast<std::uint8_t>(i);
  shift1_ = m1 - shift_[PairHash(ne + m1)];
  shift_[PairHash(ne + m1)] = static_cast<std::uint8_t>(m1);
}

std::size_t LiteralSearch::Find(std::string_view text, std::size_t pos,
                                std::size_t end) const {
  const std::size_t m = literal_.size();
  if (pos >= end || end - pos < m || m == 0) {
    return m == 0 && pos <= end ? pos : std::string_view::npos;
  }
  if (m < 3 || m >= kMaxTabled) {
    const void* found = ::memmem(text.data() + pos, end - pos, literal_.data(),
                                 literal_.size());
    return found == nullptr
               ? std::string_view::npos
               : static_cast<std::size_t>(static_cast<const char*>(found) -
                                          text.data());
  }
  // The window's last byte is at `hs + m1`; a pair of bytes that ends no
  // pair of the literal moves it by the literal's length less one.
  const auto* base = reinterpret_cast<const unsigned char*>(text.data());
  const auto* ne = reinterpret_cast<const unsigned char*>(literal_.data());
  const std::size_t m1 = m - 1;
  const unsigned char* hs = base + pos;
  const unsigned char* const last = base + end - m;  // the last start
  while (hs <= last) {
    std::size_t shift = 0;
    do {
      hs += m1;
      shift = shift_[PairHash(hs)];
    } while (shift == 0 && hs <= last);
    hs -= shift;
    if (shift < m1) continue;
    if (SameBytes(reinterpret_cast<const char*>(hs),
                  reinterpret_cast<const char*>(ne), m1)) {
      return static_cast<std::size_t>(hs - base);
    }
    hs += shift1_;
  }
  return std::string_view::npos;
}

}  // namespace cncert
