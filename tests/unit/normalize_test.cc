#include "parsers/normalize.h"

#include <gtest/gtest.h>

#include "parsers/utf8.h"

namespace cncert {
namespace {

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
}

TEST(NormalizeTest, PinyinAnnotationsAreDropped) {
  EXPECT_EQ(NormalizeText("245萬個(gè)，網(wǎng)絡(luò)"), "245万个,网络\n");
  EXPECT_EQ(NormalizeText("的(de)主机"), "的主机\n");
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

TEST(Utf8Test, TruncateAtBoundaryNeverSplitsACharacter) {
  const std::string text = "周报周报";  // 12 bytes
  EXPECT_EQ(utf8::TruncateAtBoundary(text, 12), text);
  EXPECT_EQ(utf8::TruncateAtBoundary(text, 7), "周报");
  EXPECT_EQ(utf8::TruncateAtBoundary(text, 6), "周报");
  EXPECT_EQ(utf8::TruncateAtBoundary(text, 2), "");
}

}  // namespace
}  // namespace cncert
