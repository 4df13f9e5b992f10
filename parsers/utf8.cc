#include "parsers/utf8.h"

#include <array>
#include <cstdint>
#include <cstring>

namespace cncert::utf8 {

namespace {

// Returns the length of the sequence at `pos`, or 0 if it is invalid.
std::size_t SequenceLength(std::string_view s, std::size_t pos, char32_t* cp) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  std::size_t len = 0;
  char32_t value = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, value = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, value = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, value = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (pos + len > s.size()) return 0;
  for (std::size_t i = 1; i < len; ++i) {
    const auto b = static_cast<unsigned char>(s[pos + i]);
    if ((b & 0xC0) != 0x80) return 0;
    value = (value << 6) | (b & 0x3F);
  }
  if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    return 0;
  }
  *cp = value;
  return len;
}

}  // namespace

char32_t NextMultiByte(std::string_view text, std::size_t& pos) {
  char32_t cp = 0;
  const std::size_t len = SequenceLength(text, pos, &cp);
  if (len == 0) {
    ++pos;
    return 0xFFFD;
  }
  pos += len;
  return cp;
}

void AppendMultiByte(std::string& out, char32_t cp) {
  if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::size_t ValidPrefix(std::string_view text) {
  // Leads E1-EC and EE-EF take any two continuation bytes (no overlong
  // form, no surrogate): the Han characters of a bulletin, checked without
  // decoding them.
  static constexpr auto kFreeLead = [] {
    std::array<bool, 256> free{};
    for (std::size_t b = 0xE1; b <= 0xEF; ++b) free[b] = b != 0xED;
    return free;
  }();
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::size_t pos = 0;
  while (pos < size) {
    if (bytes[pos] < 0x80) {
      // ASCII runs, eight bytes at a time.
      ++pos;
      for (std::uint64_t word = 0; pos + sizeof word <= size;
           pos += sizeof word) {
        std::memcpy(&word, bytes + pos, sizeof word);
        if ((word & 0x8080808080808080ULL) != 0) break;
      }
      continue;
    }
    // A run of them; both continuation bytes tested at once (the same mask
    // and value in each byte: whatever the byte order).
    for (std::uint16_t next = 0; pos + 2 < size && kFreeLead[bytes[pos]];
         pos += 3) {
      std::memcpy(&next, bytes + pos + 1, sizeof next);
      if ((next & 0xC0C0) != 0x8080) break;
    }
    if (pos >= size || bytes[pos] < 0x80) continue;
    // Only an invalid byte decodes to U+FFFD in one byte.
    const std::size_t start = pos;
    if (NextMultiByte(text, pos) == 0xFFFD && pos == start + 1) return start;
  }
  return pos;
}

std::string_view TruncateAtBoundary(std::string_view text,
                                    std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  // Step back over continuation bytes to the start of the cut character.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
    --end;
  return text.substr(0, end);
}

bool IsCjk(char32_t cp) {
  return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFFEF) ||
         (cp >= 0x20000 && cp <= 0x2FA1F);
}

}  // namespace cncert::utf8
