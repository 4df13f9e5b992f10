#include "parsers/encoding.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace cncert {
namespace {

TEST(EncodingTest, PlainUtf8PassesThrough) {
  const DecodedText d = DecodeToUtf8("本周，互联网", "");
  EXPECT_EQ(d.encoding, "UTF-8");
  EXPECT_EQ(d.text, "本周，互联网");
  EXPECT_TRUE(d.error.empty());
  EXPECT_TRUE(d.warnings.empty());
}

TEST(EncodingTest, Utf8BomIsStripped) {
  const DecodedText d = DecodeToUtf8("\xEF\xBB\xBF本周", "");
  EXPECT_EQ(d.text, "本周");
}

TEST(EncodingTest, Gb18030IsDetectedAndConverted) {
  std::string gb;
  // "本周网络安全" in GB18030.
  ASSERT_TRUE(ConvertWithIconv(
      "\xB1\xBE\xD6\xDC\xCD\xF8\xC2\xE7\xB0\xB2\xC8\xAB", "GB18030", &gb));
  EXPECT_EQ(gb, "本周网络安全");
  const DecodedText d = DecodeToUtf8(
      "\xB1\xBE\xD6\xDC\xCD\xF8\xC2\xE7\xB0\xB2\xC8\xAB", "gb2312");
  EXPECT_EQ(d.encoding, "GB18030");
  EXPECT_EQ(d.text, "本周网络安全");
  EXPECT_TRUE(d.warnings.empty());
}

TEST(EncodingTest, MisdeclaredCharsetIsWarnedAbout) {
  const DecodedText d = DecodeToUtf8("\xB1\xBE\xD6\xDC", "iso-8859-1");
  EXPECT_EQ(d.text, "本周");
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_NE(d.warnings[0].find("does not match"), std::string::npos);
}

TEST(EncodingTest, AFewBadBytesInUtf8AreReplacedWithAWarning) {
  const std::string text =
      "本周网络安全态势整体评价为良。\xFF本周共处理网络安全事件177起。";
  const DecodedText d = DecodeToUtf8(text, "");
  EXPECT_EQ(d.encoding, "UTF-8");
  EXPECT_TRUE(d.error.empty());
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_NE(d.warnings[0].find("invalid UTF-8 byte 0xFF at offset 45"),
            std::string::npos)
      << d.warnings[0];
  EXPECT_NE(d.text.find("\xEF\xBF\xBD本周共处理"), std::string::npos);
}

// A UTF-8 copy keeps its bad bytes below one in twenty of its bytes
// beyond ASCII; each is counted in the warning.
TEST(EncodingTest, BadBytesBelowOneInTwentyAreCountedEachOne) {
  std::string han;
  for (int i = 0; i < 20; ++i) han += "本";  // 60 bytes beyond ASCII
  const DecodedText three = DecodeToUtf8(
      han.substr(0, 30) + "\xFF" + han.substr(30) + "\xFF\xFF", "");
  EXPECT_EQ(three.encoding, "UTF-8");
  ASSERT_EQ(three.warnings.size(), 1u);
  EXPECT_NE(three.warnings[0].find("; 3 invalid byte(s) replaced"),
            std::string::npos)
      << three.warnings[0];
  // One more (4 * 20 >= 64) and the text is no damaged UTF-8.
  const DecodedText four = DecodeToUtf8(han + "\xFF\xFF\xFF\xFF", "");
  EXPECT_TRUE(four.encoding != "UTF-8" || !four.error.empty())
      << four.encoding << " " << four.text;
}

// A byte order mark says UTF-8 however many bytes are bad: all counted.
TEST(EncodingTest, BadBytesAfterAByteOrderMarkAreAllCounted) {
  const DecodedText d =
      DecodeToUtf8("\xEF\xBB\xBF本周" + std::string(10, '\xFF'), "");
  EXPECT_EQ(d.encoding, "UTF-8");
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_NE(d.warnings[0].find("; 10 invalid byte(s) replaced"),
            std::string::npos)
      << d.warnings[0];
}

TEST(EncodingTest, BinaryIsRejectedWithTheOffsetOfTheNulByte) {
  const DecodedText d = DecodeToUtf8(std::string("GIF89a\x01\x00\x02", 9), "");
  EXPECT_EQ(d.error, "binary data, not text (NUL byte at offset 7)");
}

TEST(EncodingTest, BytesThatAreNeitherUtf8NorGb18030AreAnError) {
  const DecodedText d = DecodeToUtf8(std::string(50, '\x80'), "");
  EXPECT_NE(d.error.find("neither UTF-8 nor GB18030"), std::string::npos)
      << d.error;
}

TEST(EncodingTest, Utf16WithBomIsConverted) {
  const std::string utf16le("\xFF\xFE\x2C\x67\x68\x54", 6);  // 本周
  const DecodedText d = DecodeToUtf8(utf16le, "");
  EXPECT_EQ(d.encoding, "UTF-16");
  EXPECT_EQ(d.text, "本周");
}

}  // namespace
}  // namespace cncert
