#include "parsers/transforms.h"

#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "parsers/utf8.h"

namespace cncert {

namespace {

// digits × 10^exponent, rounded once, as strtod rounds it.
std::optional<double> ScaledDecimal(const std::string& digits, int exponent) {
  if (digits.empty()) return std::nullopt;
  // Up to 15 digits and a power of ten up to 10^22 are both exact doubles,
  // so one multiplication or division rounds correctly: strtod's own fast
  // path, without building the literal.
  static constexpr std::array<double, 23> kPowers = {
      1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  if (digits.size() <= 15 && exponent >= -22 && exponent <= 22) {
    std::int64_t mantissa = 0;
    for (const char c : digits) mantissa = mantissa * 10 + (c - '0');
    const auto m = static_cast<double>(mantissa);
    return exponent >= 0 ? m * kPowers[exponent] : m / kPowers[-exponent];
  }
  const std::string literal = digits + "e" + std::to_string(exponent);
  char* end = nullptr;
  const double value = std::strtod(literal.c_str(), &end);
  if (end != literal.c_str() + literal.size()) return std::nullopt;
  return value;
}

int ScaleExponent(char32_t cp) {
  switch (cp) {
    case U'万':
      return 4;
    case U'亿':
      return 8;
    case U'千':
      return 3;
    case U'百':
      return 2;
    default:
      return -1;
  }
}

int ChineseDigit(char32_t cp) {
  static constexpr std::u32string_view kDigits = U"零一二三四五六七八九";
  if (cp == U'两') return 2;
  if (cp == U'〇') return 0;
  const auto pos = kDigits.find(cp);
  return pos == kDigits.npos ? -1 : static_cast<int>(pos);
}

// 三十 = 30, 一百二十 = 120, 十五 = 15, 三千零五 = 3005 (up to 9999).
std::optional<double> ParseChineseNumerals(std::u32string_view s) {
  long long total = 0;
  long long digit = -1;
  bool any = false;
  for (char32_t cp : s) {
    if (const int d = ChineseDigit(cp); d >= 0) {
      digit = d;
      any = true;
      continue;
    }
    long long unit = 0;
    if (cp == U'十') unit = 10;
    if (cp == U'百') unit = 100;
    if (cp == U'千') unit = 1000;
    if (unit == 0) break;
    total += (digit < 0 ? 1 : digit) * unit;
    digit = -1;
    any = true;
  }
  if (!any) return std::nullopt;
  if (digit > 0) total += digit;
  return static_cast<double>(total);
}

}  // namespace

std::optional<double> ParseChineseNumber(std::string_view text) {
  // Read byte by byte: digits, ',' and '.' are ASCII and any other byte
  // ends them, so only a figure in Chinese numerals is decoded.
  std::size_t i = 0;
  for (;;) {
    if (text.substr(i).starts_with(' ')) {
      ++i;
    } else if (text.substr(i).starts_with("约")) {
      i += std::string_view("约").size();
    } else {
      break;
    }
  }
  if (text.substr(i).starts_with("无")) return 0.0;  // 无新增: none
  std::string digits;
  int exponent = 0;
  bool seen_point = false;
  bool seen_digit = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits += c;
      if (seen_point) --exponent;
      seen_digit = true;
    } else if (c == ',' && seen_digit && !seen_point) {
      continue;  // thousands separator
    } else if (c == '.' && seen_digit && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!seen_digit) {
    // Only Chinese numerals, possibly with a scale: 三十万. Decoded into
    // the thread's own room: a u32string of more than three characters is
    // an allocation.
    thread_local std::u32string decoded;
    decoded.clear();
    for (std::size_t pos = i; pos < text.size();) {
      decoded += utf8::Next(text, pos);
    }
    const std::u32string_view rest = decoded;
    auto value = ParseChineseNumerals(rest);
    if (!value) return std::nullopt;
    std::size_t n = 0;
    while (n < rest.size() && (ChineseDigit(rest[n]) >= 0 || rest[n] == U'十' ||
                               rest[n] == U'百' || rest[n] == U'千')) {
      ++n;
    }
    if (n < rest.size() && (rest[n] == U'万' || rest[n] == U'亿')) {
      *value *= rest[n] == U'万' ? 1e4 : 1e8;
    }
    return value;
  }
  // A scale word right after the digits: 14.5万, 1.2亿.
  const std::string_view scale = text.substr(i);
  if (scale.starts_with("万")) {
    exponent += ScaleExponent(U'万');
  } else if (scale.starts_with("亿")) {
    exponent += ScaleExponent(U'亿');
  } else if (scale.starts_with("千万")) {
    exponent += 7;
  }
  return ScaledDecimal(digits, exponent);
}

std::optional<double> ParsePercent(std::string_view text) {
  const auto value = ParseChineseNumber(text);
  if (!value || *value < 0 || *value > 100) return std::nullopt;
  // Re-scale on the digits for an exact decimal ratio.
  std::string digits;
  int exponent = -2;
  bool point = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      digits += c;
      if (point) --exponent;
    } else if (c == '.' && !point) {
      point = true;
    } else if (c == ',') {
      continue;
    } else if (!digits.empty()) {
      break;
    }
  }
  return ScaledDecimal(digits, exponent);
}

std::optional<int> ChangeDirection(std::string_view word) {
  auto has = [word](std::string_view needle) {
    return word.find(needle) != std::string_view::npos;
  };
  if (has("持平")) return 0;
  for (std::string_view down :
       {"下降", "减少", "下跌", "降低", "降幅", "跌幅", "回落", "下滑", "减"}) {
    if (has(down)) return -1;
  }
  for (std::string_view up :
       {"上升", "增长", "增加", "上涨", "增多", "涨幅", "增幅", "升", "增"}) {
    if (has(up)) return 1;
  }
  return std::nullopt;
}

}  // namespace cncert
