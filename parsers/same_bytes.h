// Equality of two short byte ranges, inline. A wording's literals are a
// few Han characters, 6 to 40 bytes, compared at every place a try
// reaches them: a call to memcmp for each was a twentieth of a text
// parse, where a few loads of eight bytes do.
#ifndef CNCERT_PARSERS_SAME_BYTES_H_
#define CNCERT_PARSERS_SAME_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace cncert {

// memcmp(a, b, n) == 0.
inline bool SameBytes(const char* a, const char* b, std::size_t n) {
  const auto load64 = [](const char* p) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, sizeof word);
    return word;
  };
  if (n >= 8) {
    // Whole words, then the last eight bytes (overlapping the last word).
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      if (load64(a + i) != load64(b + i)) return false;
    }
    return load64(a + n - 8) == load64(b + n - 8);
  }
  if (n >= 4) {
    std::uint32_t a0 = 0, b0 = 0, a1 = 0, b1 = 0;
    std::memcpy(&a0, a, 4);
    std::memcpy(&b0, b, 4);
    std::memcpy(&a1, a + n - 4, 4);
    std::memcpy(&b1, b + n - 4, 4);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace cncert

#endif  // CNCERT_PARSERS_SAME_BYTES_H_
