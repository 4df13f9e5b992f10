#include "parsers/normalize.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parsers/utf8.h"

namespace cncert {
namespace {

// What OCR reads as one word is mostly tested, not normalized: the test must
// never say so of a text that normalizing changes.
TEST(NormalizeTest, WordsThatNormalizeToThemselvesAreKnownCheaply) {
  for (const std::string_view word :
       {"", "境内", "10.5%", "IP地址", "CNCERT", "1,234", "[P", "%)"}) {
    EXPECT_TRUE(NormalizesToItself(word)) << word;
    EXPECT_EQ(NormalizeText(word),
              word.empty() ? "" : std::string(word) + "\n");
  }
  // A space, '(' (a pinyin annotation may follow), a full-width form, a
  // Traditional marker, a character before the Han block, a cut character.
  for (const std::string_view word :
       {"a b", "个(gè)", "(", "１２", "個", "〇", "\t", "é", "\xE5\xA2"}) {
    EXPECT_FALSE(NormalizesToItself(word)) << word;
  }
}

TEST(NormalizeTest, NoCodePointOrPairIsSaidToNormalizeToItselfWrongly) {
  std::vector<std::string> texts;
  for (char32_t cp = 1; cp < 0x10000; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    std::string text;
    utf8::Append(text, cp);
    texts.push_back(text);
  }
  const std::size_t singles = texts.size();
  // Pairs of the characters whose neighbours matter: spaces, '(' and ')',
  // letters, digits, Han (plain and Traditional) and a cut character.
  const std::vector<std::string> parts = {
      " ", "(", ")", "a", "Z", "1", ".", "%", "个", "個", "\xE5", "\r", "é"};
  for (const auto& a : parts) {
    for (const auto& b : parts) texts.push_back(a + b);
  }
  std::size_t said = 0;
  for (const auto& text : texts) {
    if (!NormalizesToItself(text)) continue;
    ++said;
    EXPECT_EQ(NormalizeText(text), text + "\n") << text;
  }
  // Printable ASCII but ' ' and '(' (93), and the Han block (20,992) less
  // the markers, alone; some pairs.
  EXPECT_GT(said, singles / 4);
}

TEST(NormalizeTest, FullWidthFormsBecomeAscii) {
  EXPECT_EQ(NormalizeText("数量为１２３个（约占境内３．２％），较上周；"),
            "数量为123个(约占境内3.2%),较上周;\n");
}

TEST(NormalizeTest, ChineseFullStopAndEnumerationCommaStay) {
  EXPECT_EQ(NormalizeText("高危漏洞1个、中危漏洞2个。"),
            "高危漏洞1个、中危漏洞2个。\n");
}

TEST(NormalizeTest, SpacesAroundNumbersAndInsideWordsGo) {
  EXPECT_EQ(NormalizeText("共处理网络安全事 件 383 起，IP 地址 72个"),
            "共处理网络安全事件383起,IP地址72个\n");
  EXPECT_EQ(NormalizeText("恶意\u3000代码\u00a0处理"), "恶意代码处理\n");
}

TEST(NormalizeTest, SpacesBetweenLatinWordsStay) {
  EXPECT_EQ(NormalizeText("Web  application 漏洞"), "Web application漏洞\n");
  // Not between a Latin word and a Han character, either side.
  EXPECT_EQ(NormalizeText("CNCERT 周报 Weekly"), "CNCERT周报Weekly\n");
}

// Runs of ASCII are copied whole: the rules for spaces and pinyin hold at
// their edges.
TEST(NormalizeTest, RunsOfAsciiKeepTheRulesAtTheirEdges) {
  EXPECT_EQ(NormalizeText("Struts2 S2-045\tRCE x1 y2"),
            "Struts2S2-045RCE x1y2\n");
  EXPECT_EQ(NormalizeText("ab cd(e)网(de)ab"), "ab cd(e)网ab\n");
  EXPECT_EQ(NormalizeText("IP:1.2.3.4,URL:http://a.cn/x?y=1\r\nok"),
            "IP:1.2.3.4,URL:http://a.cn/x?y=1\nok\n");
  EXPECT_EQ(NormalizeText("~!@#$%^&*)_+{}|:\"<>?`-=[]\\;',./"),
            "~!@#$%^&*)_+{}|:\"<>?`-=[]\\;',./\n");
}

TEST(NormalizeTest, DashesBecomeHyphens) {
  EXPECT_EQ(NormalizeText("2月5日—2月11日"), "2月5日-2月11日\n");
  EXPECT_EQ(NormalizeText("2月5日–2月11日"), "2月5日-2月11日\n");
}

TEST(NormalizeTest, TraditionalBecomesSimplified) {
  EXPECT_EQ(NormalizeText("網絡安全信息與動態週報"),
            "网络安全信息与动态周报\n");
  EXPECT_EQ(NormalizeText("境內被植入後門的網站數量為"),
            "境内被植入后门的网站数量为\n");
  // After full-width punctuation, and before a line break.
  EXPECT_EQ(NormalizeText("境内，網絡個主机\n数量"), "境内,网络个主机\n数量\n");
}

TEST(NormalizeTest, OpenCcConvertsWhatTheCommonCharactersLack) {
  // 鐵 (铁) is not among the common characters that tell a Traditional
  // text: OpenCC, loaded when a text first needs it, converts it.
  EXPECT_EQ(NormalizeText("網絡與動態鐵路"), "网络与动态铁路\n");
}

TEST(NormalizeTest, PinyinAnnotationsAreDropped) {
  EXPECT_EQ(NormalizeText("245萬個(gè)，網(wǎng)絡(luò)"), "245万个,网络\n");
  EXPECT_EQ(NormalizeText("的(de)主机"), "的主机\n");
  // Zero-width characters inside do not hide one.
  EXPECT_EQ(NormalizeText("个(g\u200bè)主机"), "个主机\n");
  // Seven letters are no syllable; a line break ends the bracket.
  EXPECT_EQ(NormalizeText("个(abcdefg)"), "个(abcdefg)\n");
  EXPECT_EQ(NormalizeText("个(ge\n)"), "个(ge\n)\n");
}

// Runs of Han characters are copied whole: the block's first and last
// characters, and those just outside it, read as one by one.
TEST(NormalizeTest, TheBoundsOfTheHanBlockStay) {
  EXPECT_EQ(NormalizeText("\u4DFF\u4E00\u9FFF\uA000"),
            "\u4DFF\u4E00\u9FFF\uA000\n");
}

TEST(NormalizeTest, ATraceOfTraditionalCharactersStays) {
  // Two of the table's characters are a trace (a name, a quotation); three
  // make the text Traditional. Reading ahead for a pinyin annotation must
  // not count one twice.
  EXPECT_EQ(NormalizeText("境内(abc網絡"), "境内(abc網絡\n");
  EXPECT_EQ(NormalizeText("境内(abc網絡個"), "境内(abc网络个\n");
}

TEST(NormalizeTest, TraditionalTextCutInsideACharacterIsConvertedSafely) {
  // Long enough to live on the heap, where reading past its end is seen
  // (AddressSanitizer): OpenCC would.
  EXPECT_EQ(NormalizeText("網絡個網絡個網絡個\xE9\x01"),
            "网络个网络个网络个\uFFFD\n");
}

TEST(NormalizeTest, SpacesAroundDroppedControlCharactersCollapse) {
  EXPECT_EQ(NormalizeText("CNCERT \x01 Weekly"), "CNCERT Weekly\n");
  EXPECT_EQ(NormalizeText("  \x01  \n\x02\nab"), "ab\n");
}

TEST(NormalizeTest, LatinWordsInBracketsAreNotPinyin) {
  EXPECT_EQ(NormalizeText("飞客（conficker）蠕虫"), "飞客(conficker)蠕虫\n");
  EXPECT_EQ(NormalizeText("政府网站（GOV类）"), "政府网站(GOV类)\n");
}

TEST(NormalizeTest, BlankLinesAndCarriageReturnsGo) {
  EXPECT_EQ(NormalizeText("a\r\n\r\n  \nb"), "a\nb\n");
}

TEST(NormalizeTest, ZeroWidthCharactersVanish) {
  EXPECT_EQ(NormalizeText("事\u200b件\ufeff"), "事件\n");
}

TEST(NormalizeTest, InvalidBytesDoNotCrash) {
  EXPECT_EQ(NormalizeText(std::string("a\xff"
                                      "b",
                                      3)),
            "a\uFFFDb\n");
}

}  // namespace
}  // namespace cncert

namespace cncert {
namespace {

TEST(Utf8Test, NextDecodesEachLengthAndRejectsWhatIsInvalid) {
  const std::string text = "a\u00e9\u4e2d\U0001F600";
  std::size_t pos = 0;
  EXPECT_EQ(utf8::Next(text, pos), U'a');
  EXPECT_EQ(utf8::Next(text, pos), U'\u00e9');
  EXPECT_EQ(utf8::Next(text, pos), U'\u4e2d');
  EXPECT_EQ(utf8::Next(text, pos), U'\U0001F600');
  EXPECT_EQ(pos, text.size());
  // A surrogate, an overlong form, a cut-off sequence: one byte at a time.
  for (const std::string bad : {"\xED\xA0\x80", "\xE0\x80\xAF", "\xE4\xB8"}) {
    pos = 0;
    EXPECT_EQ(utf8::Next(bad, pos), 0xFFFDu) << bad;
    EXPECT_EQ(pos, 1u);
    EXPECT_EQ(utf8::ValidPrefix("ok" + bad), 2u);
  }
  EXPECT_EQ(utf8::ValidPrefix("\uFFFD"), 3u);  // U+FFFD itself is valid
  EXPECT_EQ(utf8::ValidPrefix("0123456789abcdef\xFF"), 16u);
}

// ValidPrefix checks the common three-byte sequences without decoding them:
// it must agree with decoding on every lead and second byte, with third
// bytes on each side of the continuation range, cut off or not.
TEST(Utf8Test, ValidPrefixAgreesWithDecodingOnEverySequenceStart) {
  const auto decoded_prefix = [](std::string_view text) {
    std::size_t pos = 0;
    while (pos < text.size()) {
      const std::size_t start = pos;
      if (utf8::Next(text, pos) == 0xFFFD && pos == start + 1) return start;
    }
    return pos;
  };
  int differ = 0;
  for (int b0 = 0x80; b0 <= 0xFF; ++b0) {
    for (int b1 = 0; b1 <= 0xFF; ++b1) {
      for (const int b2 :
           {-1, 0x00, 0x41, 0x7F, 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF}) {
        std::string text = "\u4e2d";
        text += static_cast<char>(b0);
        text += static_cast<char>(b1);
        if (b2 >= 0) text += static_cast<char>(b2);
        text +=
            "\x80"
            "ab";
        if (utf8::ValidPrefix(text) != decoded_prefix(text) && ++differ <= 5) {
          ADD_FAILURE() << std::hex << b0 << " " << b1 << " " << b2;
        }
      }
    }
  }
  EXPECT_EQ(differ, 0);
}

TEST(Utf8Test, AppendEncodesEachLength) {
  std::string out;
  for (const char32_t cp : {U'a', U'\u00e9', U'\u4e2d', U'\U0001F600'})
    utf8::Append(out, cp);
  EXPECT_EQ(out, "a\u00e9\u4e2d\U0001F600");
}

TEST(Utf8Test, TruncateAtBoundaryNeverSplitsACharacter) {
  const std::string text = "周报周报";  // 12 bytes
  EXPECT_EQ(utf8::TruncateAtBoundary(text, 12), text);
  EXPECT_EQ(utf8::TruncateAtBoundary(text, 7), "周报");
  EXPECT_EQ(utf8::TruncateAtBoundary(text, 6), "周报");
  EXPECT_EQ(utf8::TruncateAtBoundary(text, 2), "");
}

}  // namespace
}  // namespace cncert
