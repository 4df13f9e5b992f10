// LiteralSearch finds what memmem finds, with its table made once.
#include "parsers/literal_search.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>

namespace cncert {
namespace {

// What a search of text[pos, end) must answer.
std::size_t Expected(std::string_view text, std::string_view literal,
                     std::size_t pos, std::size_t end) {
  return text.substr(0, end).find(literal, pos);
}

TEST(LiteralSearchTest, FindsWhatTheTextHoldsAndOnlyThat) {
  const std::string text =
      "本周境内感染网络病毒的主机数量约为10.8万个,其中境内被木马或被僵尸"
      "程序控制的主机约9.3万。境内感染网络病毒的主机";
  const LiteralSearch virus("境内感染网络病毒");
  EXPECT_EQ(virus.Find(text, 0, text.size()), text.find("境内感染网络病毒"));
  const std::size_t second = text.rfind("境内感染网络病毒");
  EXPECT_EQ(virus.Find(text, 7, text.size()), second);
  EXPECT_EQ(virus.Find(text, second + 1, text.size()), std::string::npos);
  // Cut off by the end of the range, it is not there.
  const std::size_t length = std::string_view("境内感染网络病毒").size();
  EXPECT_EQ(virus.Find(text, second, second + length - 1), std::string::npos);
  EXPECT_EQ(virus.Find(text, second, second + length), second);
  EXPECT_EQ(LiteralSearch("僵尸程序").Find(text, 0, text.size()),
            text.find("僵尸程序"));
  EXPECT_EQ(LiteralSearch("网站").Find(text, 0, text.size()),
            std::string::npos);
  EXPECT_EQ(virus.Find(text, 5, 5), std::string::npos);
}

// Random texts over a few bytes (so that pairs of bytes collide in the
// table and partial matches abound), and literals of every length the
// table takes and the lengths left to memmem, cut from the text or not.
TEST(LiteralSearchTest, AgreesWithAPlainSearchOnRandomTexts) {
  std::mt19937 random(29);
  const std::string alphabet = "ab\xE4\xB8\x80\xBF\x88";
  const auto pick = [&](std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
      s += alphabet[std::uniform_int_distribution<std::size_t>(
          0, alphabet.size() - 1)(random)];
    return s;
  };
  int differ = 0;
  for (int round = 0; round < 4000; ++round) {
    const std::string text = pick(std::uniform_int_distribution<std::size_t>(
        0, round % 10 == 0 ? 700 : 80)(random));
    const std::size_t length = std::uniform_int_distribution<std::size_t>(
        1, round % 50 == 0 ? 300 : 20)(random);
    std::string literal;
    if (text.size() > length && round % 2 == 0) {
      literal = text.substr(std::uniform_int_distribution<std::size_t>(
                                0, text.size() - length)(random),
                            length);
    } else {
      literal = pick(length);
    }
    const LiteralSearch search(literal);
    for (int cut = 0; cut < 3; ++cut) {
      const std::size_t pos =
          std::uniform_int_distribution<std::size_t>(0, text.size())(random);
      const std::size_t end =
          std::uniform_int_distribution<std::size_t>(pos, text.size())(random);
      if (search.Find(text, pos, end) != Expected(text, literal, pos, end) &&
          ++differ <= 5) {
        ADD_FAILURE() << "literal of " << literal.size() << " bytes, text of "
                      << text.size() << ", range " << pos << "-" << end;
      }
    }
  }
  EXPECT_EQ(differ, 0);
}

}  // namespace
}  // namespace cncert
