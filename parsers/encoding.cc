#include "parsers/encoding.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>

#include "parsers/strings.h"
#include "parsers/utf8.h"

namespace cncert {

namespace {

bool IsGbFamily(std::string_view charset) {
  const std::string c = LowerAscii(charset);
  return c == "gbk" || c == "gb2312" || c == "gb18030" || c == "cp936" ||
         c == "x-gbk";
}

// Text files may hold the odd control character; binaries are full of them.
std::string DescribeBinary(std::string_view bytes) {
  const std::size_t probe = std::min<std::size_t>(bytes.size(), 8192);
  if (const void* nul = std::memchr(bytes.data(), 0, probe)) {
    char buf[96];
    std::snprintf(
        buf, sizeof buf, "binary data, not text (NUL byte at offset %zu)",
        static_cast<std::size_t>(static_cast<const char*>(nul) - bytes.data()));
    return buf;
  }
  // Counted without branches (`&`, not `&&`) and in a counter as wide as
  // the bytes' comparisons allow, so that the compiler uses vectors.
  std::uint32_t controls = 0;
  for (std::size_t i = 0; i < probe; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    controls += static_cast<std::uint32_t>(
        (c < 0x20) & (c != '\n') & (c != '\r') & (c != '\t') & (c != '\f'));
  }
  if (probe > 0 && std::size_t{controls} * 20 > probe) {
    return "binary data, not text (" + std::to_string(controls) +
           " control bytes in the first " + std::to_string(probe) + ")";
  }
  return "";
}

// Bytes that are not part of a valid UTF-8 sequence, counted up to
// `enough`: a GBK file is told from a damaged UTF-8 one by its first few.
std::size_t CountInvalid(std::string_view text, std::size_t enough) {
  std::size_t invalid = 0;
  std::size_t pos = 0;
  while (pos < text.size() && invalid < enough) {
    const std::size_t start = pos;
    if (utf8::Next(text, pos) == 0xFFFD && pos == start + 1) ++invalid;
  }
  return invalid;
}

std::string ReplaceInvalid(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) utf8::Append(out, utf8::Next(text, pos));
  return out;
}

}  // namespace

bool ConvertWithIconv(std::string_view bytes, const char* from,
                      std::string* out) {
  iconv_t cd = iconv_open("UTF-8", from);
  // iconv reports failure as (iconv_t)-1.
  // NOLINTNEXTLINE(performance-no-int-to-ptr)
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  std::unique_ptr<void, int (*)(iconv_t)> guard(cd, iconv_close);
  std::string input(bytes);
  char* in = input.data();
  std::size_t in_left = input.size();
  out->clear();
  char buf[16384];
  while (in_left > 0) {
    char* o = buf;
    std::size_t o_left = sizeof buf;
    const std::size_t rc = iconv(cd, &in, &in_left, &o, &o_left);
    out->append(buf, sizeof buf - o_left);
    if (rc == static_cast<std::size_t>(-1) && errno != E2BIG) return false;
  }
  char* o = buf;
  std::size_t o_left = sizeof buf;
  if (iconv(cd, nullptr, nullptr, &o, &o_left) ==
      static_cast<std::size_t>(-1)) {
    return false;
  }
  out->append(buf, sizeof buf - o_left);
  return true;
}

DecodedText DecodeToUtf8(std::string_view bytes, std::string_view declared) {
  DecodedText result;
  if (bytes.size() >= 2 && ((bytes[0] == '\xFF' && bytes[1] == '\xFE') ||
                            (bytes[0] == '\xFE' && bytes[1] == '\xFF'))) {
    result.encoding = "UTF-16";
    if (!ConvertWithIconv(bytes, "UTF-16", &result.text)) {
      result.error = "invalid UTF-16 text after the byte order mark";
      result.failure = Failure::kEncoding;
    }
    return result;
  }
  if (std::string binary = DescribeBinary(bytes); !binary.empty()) {
    result.error = std::move(binary);
    result.failure = Failure::kBinary;
    return result;
  }
  const bool bom = bytes.substr(0, 3) == "\xEF\xBB\xBF";
  if (bom) bytes.remove_prefix(3);

  const std::size_t valid = utf8::ValidPrefix(bytes);
  if (valid == bytes.size()) {
    result.encoding = "UTF-8";
    result.text = std::string(bytes);
    return result;
  }
  // A damaged UTF-8 copy has a few bad bytes among many good sequences; GBK
  // text has almost no valid multi-byte UTF-8 sequences at all.
  const auto high_bytes = static_cast<std::size_t>(std::count_if(
      bytes.begin(), bytes.end(),
      [](char c) { return static_cast<unsigned char>(c) >= 0x80; }));
  // Counted whole only where it is told: a UTF-8 copy's replacements.
  const std::size_t replaced =
      CountInvalid(bytes, bom ? bytes.size() : (high_bytes + 19) / 20);
  char where[160];
  std::snprintf(where, sizeof where, "invalid UTF-8 byte 0x%02X at offset %zu",
                static_cast<unsigned char>(bytes[valid]),
                valid + (bom ? 3 : 0));
  const bool mostly_utf8 = bom || replaced * 20 < high_bytes;
  if (!mostly_utf8 && ConvertWithIconv(bytes, "GB18030", &result.text)) {
    result.encoding = "GB18030";
    if (!declared.empty() && !IsGbFamily(declared)) {
      result.warnings.push_back(
          "declared charset '" + std::string(declared) +
          "' does not match the content; decoded as GB18030");
    }
    return result;
  }
  if (mostly_utf8) {
    result.encoding = "UTF-8";
    result.text = ReplaceInvalid(bytes);
    result.warnings.push_back(std::string(where) + "; " +
                              std::to_string(replaced) +
                              " invalid byte(s) replaced with U+FFFD");
    return result;
  }
  result.error = "text is neither UTF-8 nor GB18030: " + std::string(where);
  result.failure = Failure::kEncoding;
  return result;
}

}  // namespace cncert
