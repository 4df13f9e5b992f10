// An image's lines as the parser splices them, and their kept form: what a
// reader hands back from its cache must be lines PrepareImageLines could have
// made, or nothing.
#include "parsers/image_lines.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

namespace cncert {
namespace {

std::string_view Span(const ImageLines& lines, std::size_t begin,
                      std::size_t end) {
  return std::string_view(lines.text).substr(begin, end - begin);
}

// A block of one-word lines, or lines of several words each.
ImageText Blocks(const std::vector<std::vector<std::vector<OcrWord>>>& blocks) {
  ImageText text;
  for (const auto& lines : blocks) {
    OcrBlock& block = text.blocks.emplace_back();
    for (const auto& words : lines) block.lines.push_back({words});
  }
  return text;
}

TEST(ImageLinesTest, LinesAreNormalizedRepairedAndEachBlockEndsInAHardBreak) {
  const ImageLines lines = PrepareImageLines(Blocks({
      {{{"本周，境内被纂改网站数量", 91, {}}, {"１２３", 88, {}}},
       {{"", 10, {}}}},  // empty: no line
      {{{"占比33,2%", 70, {}}}},
  }));
  const std::string hard_break(kHardBreak);
  EXPECT_EQ(lines.text, "本周,境内被篡改网站数量123\n" + hard_break +
                            "\n占比33.2%\n" + hard_break + "\n");
  ASSERT_EQ(lines.lines.size(), 2u);
  EXPECT_EQ(Span(lines, lines.lines[0].begin, lines.lines[0].end),
            "本周,境内被篡改网站数量123");  // no space between Han and digits
  EXPECT_EQ(Span(lines, lines.lines[1].begin, lines.lines[1].end), "占比33.2%");
  // The first line's words: the repaired one found as repaired, the
  // full-width figure as its normalized digits.
  ASSERT_EQ(lines.lines[0].word_count, 2u);
  const ImageWord& figure = lines.words[lines.lines[0].first_word + 1];
  EXPECT_EQ(Span(lines, figure.begin, figure.end), "123");
  EXPECT_EQ(figure.confidence, 88);
  const ImageWord& share = lines.words[lines.lines[1].first_word];
  EXPECT_EQ(Span(lines, share.begin, share.end), "占比33.2%");
  // The second line is of the next block.
  EXPECT_FALSE(lines.BlockEndsBefore(0));
  EXPECT_TRUE(lines.BlockEndsBefore(1));
}

TEST(ImageLinesTest, OnlyLinesAfterABlockEndBeginABlock) {
  const ImageLines lines = PrepareImageLines(Blocks({
      {{{"一", 91, {}}}, {{"二", 91, {}}}},
      {{{"三", 91, {}}}},
  }));
  ASSERT_EQ(lines.lines.size(), 3u);
  EXPECT_FALSE(lines.BlockEndsBefore(0));
  EXPECT_FALSE(lines.BlockEndsBefore(1));
  EXPECT_TRUE(lines.BlockEndsBefore(2));
}

TEST(ImageLinesTest, SymbolsAreKeptWhereTheyMatchTheWordsCharacters) {
  const ImageLines lines =
      PrepareImageLines(Blocks({{{{"177起", 90, {99, 98, 60, 80}}},
                                 {{"12起", 90, {99, 98}}}}}));  // one short
  ASSERT_EQ(lines.lines.size(), 2u);
  ASSERT_EQ(lines.lines[0].word_count, 5u);  // the word and four characters
  const ImageWord& ji = lines.words[lines.lines[0].first_word + 4];
  EXPECT_TRUE(ji.symbol);
  EXPECT_EQ(Span(lines, ji.begin, ji.end), "起");
  EXPECT_EQ(ji.confidence, 80);
  EXPECT_EQ(lines.lines[1].word_count, 1u);
}

TEST(ImageLinesTest, MarkersInRecognisedTextAreStripped) {
  const ImageLines lines =
      PrepareImageLines(Blocks({{{{"本周\xEE\x80\x80"
                                   "177起\xEE\x80\x81",
                                   90,
                                   {}}}}}));
  ASSERT_EQ(lines.lines.size(), 1u);
  EXPECT_EQ(Span(lines, lines.lines[0].begin, lines.lines[0].end), "本周177起");
}

TEST(ImageLinesTest, TheIssueAnImageNamesIsKept) {
  const ImageLines lines = PrepareImageLines(
      Blocks({{{{"网络安全信息与动态周报2024年第29期", 90, {}}}}}));
  EXPECT_EQ(lines.named_issue, "2024-29");
}

// The sample that names a build's preparation in the OCR cache: each of its
// lines is changed by a repair or by normalization, so that a change to
// either changes what is made of it.
TEST(ImageLinesTest, EachLineOfThePreparationSampleIsChangedByPreparing) {
  const ImageText& sample = PreparationSample();
  const ImageLines lines = PrepareImageLines(sample);
  ASSERT_EQ(sample.blocks.size(), 1u);
  ASSERT_EQ(lines.lines.size(), sample.blocks[0].lines.size());
  for (std::size_t i = 0; i + 1 < lines.lines.size(); ++i) {
    EXPECT_NE(Span(lines, lines.lines[i].begin, lines.lines[i].end),
              sample.blocks[0].lines[i].words[0].text)
        << "line " << i;
  }
  // The last: its characters placed one by one.
  EXPECT_EQ(lines.lines.back().word_count, 5u);
}

// Recognised text of the shapes OCR gives: Han, digits, punctuation, full
// width, empty words and lines, symbols that match or not.
ImageText RandomText(std::mt19937& random) {
  static const std::vector<std::string> kPieces = {
      "本周",   "网络", "安全",        "177", "起", "，", "%",     "３",
      "被纂改", "网站", " ",           "",    "。", "(",  "33,2%", "后门",
      "占比",   "a",    "\xEE\x80\x81"};
  ImageText text;
  const int blocks = static_cast<int>(random() % 4);
  for (int b = 0; b < blocks; ++b) {
    OcrBlock& block = text.blocks.emplace_back();
    const int lines = static_cast<int>(random() % 4);
    for (int l = 0; l < lines; ++l) {
      OcrLine& line = block.lines.emplace_back();
      const int words = static_cast<int>(random() % 4);
      for (int w = 0; w < words; ++w) {
        OcrWord& word = line.words.emplace_back();
        for (int p = static_cast<int>(random() % 3); p >= 0; --p) {
          word.text += kPieces[random() % kPieces.size()];
        }
        word.confidence = static_cast<float>(random() % 10000) / 100;
        if (random() % 2 != 0) {
          for (std::size_t pos = 0; pos < word.text.size(); ++pos) {
            if ((word.text[pos] & 0xC0) != 0x80) {
              word.symbols.push_back(static_cast<float>(random() % 100));
            }
          }
        }
      }
    }
  }
  return text;
}

void ExpectSame(const ImageLines& a, const ImageLines& b) {
  EXPECT_EQ(a.text, b.text);
  EXPECT_EQ(a.named_issue, b.named_issue);
  ASSERT_EQ(a.lines.size(), b.lines.size());
  for (std::size_t i = 0; i < a.lines.size(); ++i) {
    EXPECT_EQ(a.lines[i].begin, b.lines[i].begin);
    EXPECT_EQ(a.lines[i].end, b.lines[i].end);
    EXPECT_EQ(a.lines[i].first_word, b.lines[i].first_word);
    EXPECT_EQ(a.lines[i].word_count, b.lines[i].word_count);
  }
  ASSERT_EQ(a.words.size(), b.words.size());
  for (std::size_t i = 0; i < a.words.size(); ++i) {
    EXPECT_EQ(a.words[i].begin, b.words[i].begin);
    EXPECT_EQ(a.words[i].end, b.words[i].end);
    EXPECT_EQ(a.words[i].confidence, b.words[i].confidence);
    EXPECT_EQ(a.words[i].symbol, b.words[i].symbol);
  }
}

TEST(ImageLinesTest, KeptLinesReadBackAsPrepared) {
  std::mt19937 random(29);
  for (int round = 0; round < 300; ++round) {
    const ImageLines lines = PrepareImageLines(RandomText(random));
    const std::string bytes = ImageLinesToBytes(lines);
    const std::optional<ImageLines> read = ImageLinesFromBytes(bytes);
    ASSERT_TRUE(read) << "round " << round;
    ExpectSame(lines, *read);
  }
}

// Lines whose text says 177 in a second block, for the hostile cases below.
ImageLines Sample() {
  return PrepareImageLines(Blocks({{{{"本周,CNCERT共处理", 95, {}}}},
                                   {{{"177起", 90, {99, 98, 60, 80}}}}}));
}

// The offsets of the fields in Sample()'s bytes.
struct Layout {
  std::size_t text_size = 0;  // the text's size, then the text
  std::size_t line_count = 0;
  std::size_t lines = 0;  // per line: begin, end, word count
  std::size_t word_count = 0;
  std::size_t words = 0;  // per word: begin, end, confidence, symbol
};
Layout LayoutOf(const std::string& bytes, const ImageLines& lines) {
  Layout l;
  l.text_size = bytes.find('\n') + 1;
  l.line_count = l.text_size + 4 + lines.text.size();
  l.lines = l.line_count + 4;
  l.word_count = l.lines + 12 * lines.lines.size();
  l.words = l.word_count + 4;
  return l;
}
void Set(std::string& bytes, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) {
    bytes[at + static_cast<std::size_t>(i)] = static_cast<char>(v >> (8 * i));
  }
}

TEST(ImageLinesTest, AnyCutOfKeptLinesReadsAsNone) {
  const std::string bytes = ImageLinesToBytes(Sample());
  ASSERT_TRUE(ImageLinesFromBytes(bytes));
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    EXPECT_FALSE(ImageLinesFromBytes(bytes.substr(0, size))) << size;
  }
  EXPECT_FALSE(ImageLinesFromBytes(bytes + '\0'));
}

TEST(ImageLinesTest, LinesOfAnotherFormatReadAsNone) {
  std::string bytes = ImageLinesToBytes(Sample());
  const std::size_t digit = bytes.find('\n') - 1;
  bytes[digit] = static_cast<char>(bytes[digit] + 1);
  EXPECT_FALSE(ImageLinesFromBytes(bytes));
}

TEST(ImageLinesTest, LinesThatCouldNotHaveBeenPreparedReadAsNone) {
  const ImageLines sample = Sample();
  const std::string good = ImageLinesToBytes(sample);
  const Layout at = LayoutOf(good, sample);
  ASSERT_EQ(sample.lines.size(), 2u);
  ASSERT_EQ(sample.words.size(), 6u);
  const auto broken = [&](auto change) {
    std::string bytes = good;
    change(bytes);
    return !ImageLinesFromBytes(bytes).has_value();
  };
  // Counts beyond what the bytes hold (no allocation believes them).
  EXPECT_TRUE(broken([&](std::string& b) { Set(b, at.text_size, ~0u); }));
  EXPECT_TRUE(broken([&](std::string& b) { Set(b, at.line_count, ~0u); }));
  EXPECT_TRUE(broken([&](std::string& b) { Set(b, at.word_count, ~0u); }));
  // A line that starts elsewhere, runs past the text, or is empty.
  EXPECT_TRUE(broken([&](std::string& b) { Set(b, at.lines, 1); }));
  EXPECT_TRUE(broken([&](std::string& b) { Set(b, at.lines + 4, 1000); }));
  EXPECT_TRUE(broken([&](std::string& b) { Set(b, at.lines + 4, 0); }));
  // A line swallowing the block's end; a line too few.
  EXPECT_TRUE(broken([&](std::string& b) {
    Set(b, at.lines + 4, static_cast<std::uint32_t>(sample.lines[1].end));
  }));
  EXPECT_TRUE(broken([&](std::string& b) { Set(b, at.line_count, 1); }));
  // More words than the lines have, or fewer.
  EXPECT_TRUE(broken([&](std::string& b) { Set(b, at.lines + 8, 2); }));
  // A word outside its line, backwards, or in the middle of a character.
  const std::uint32_t second_line =
      static_cast<std::uint32_t>(sample.lines[1].begin);
  EXPECT_TRUE(broken([&](std::string& b) { Set(b, at.words + 4, 1000); }));
  EXPECT_TRUE(broken([&](std::string& b) {
    Set(b, at.words + 13, second_line - 1);  // the second line's word
  }));
  EXPECT_TRUE(broken([&](std::string& b) { Set(b, at.words, 2); }));
  EXPECT_TRUE(broken([&](std::string& b) { Set(b, at.words + 4, 1); }));
  // A confidence that is not a number, a flag that is neither.
  EXPECT_TRUE(broken([&](std::string& b) {
    Set(b, at.words + 8,
        std::bit_cast<std::uint32_t>(std::numeric_limits<float>::quiet_NaN()));
  }));
  EXPECT_TRUE(broken([&](std::string& b) { b[at.words + 12] = 2; }));
  // Text that is not UTF-8; a marker, or a heading of its own, in the text.
  EXPECT_TRUE(broken([&](std::string& b) { b[at.text_size + 4] = '\xFF'; }));
  EXPECT_TRUE(broken(
      [&](std::string& b) { b.replace(at.text_size + 4, 3, "\xEE\x80\x80"); }));
  EXPECT_TRUE(broken([&](std::string& b) { b[at.text_size + 6 + 4] = '\n'; }));
  // Each of these changes alone, undone, reads again.
  EXPECT_FALSE(broken([](std::string&) {}));
}

// Whatever bytes hold, what reads is lines as the parser relies on them.
TEST(ImageLinesTest, ChangedBytesReadAsNoneOrAsConsistentLines) {
  std::mt19937 random(7);
  const std::string good = ImageLinesToBytes(Sample());
  for (int round = 0; round < 20000; ++round) {
    std::string bytes = good;
    for (int n = 1 + static_cast<int>(random() % 3); n > 0; --n) {
      bytes[random() % bytes.size()] = static_cast<char>(random());
    }
    const std::optional<ImageLines> read = ImageLinesFromBytes(bytes);
    if (!read) continue;
    EXPECT_EQ(ImageLinesToBytes(*read), bytes);
    for (const auto& line : read->lines) {
      ASSERT_LT(line.end, read->text.size());
      EXPECT_EQ(read->text[line.end], '\n');
      ASSERT_LE(line.first_word + line.word_count, read->words.size());
      for (std::size_t i = 0; i < line.word_count; ++i) {
        const ImageWord& w = read->words[line.first_word + i];
        EXPECT_LE(line.begin, w.begin);
        EXPECT_LE(w.begin, w.end);
        EXPECT_LE(w.end, line.end);
        EXPECT_TRUE(std::isfinite(w.confidence));
      }
    }
  }
}

}  // namespace
}  // namespace cncert
