// BulletinJsonText against what it replaces: nlohmann's dump(2) of
// BulletinToJson, byte for byte (the golden cases check it on every parsed
// fixture; here the strings, numbers and shapes no fixture holds).
#include "parsers/bulletin_json_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "parsers/bulletin_json.h"

namespace cncert {
namespace {

void ExpectSameAsTree(const Bulletin& b, std::string_view file = "f.md",
                      std::initializer_list<int> depths = {0, 1, 3}) {
  for (const bool provenance : {false, true}) {
    for (const int depth : depths) {
      EXPECT_EQ(BulletinJsonText(b, file, provenance, depth),
                IndentedJson(BulletinToJson(b, file, provenance), depth))
          << "provenance " << provenance << ", depth " << depth;
    }
  }
}

Value MakeValue(const std::string& metric, double value,
                const Labels& labels = {}) {
  Value v;
  v.metric = metric;
  v.labels = labels;
  v.value = value;
  v.provenance.pattern = 1;
  v.provenance.section = "一、网络安全基本态势";
  return v;
}

Bulletin Sample() {
  Bulletin b;
  b.identity.kind = "cncert_weekly";
  b.identity.title = "网络安全信息与动态周报2024年第29期";
  b.identity.year = 2024;
  b.identity.issue = 29;
  b.identity.period_start = MakeDate(2024, 7, 8);
  b.identity.period_end = MakeDate(2024, 7, 14);
  b.format = "markdown";
  b.encoding = "UTF-8";
  b.text = "本周境内被篡改网站总数为177个。其中政府网站有5个。";
  b.values.push_back(MakeValue("cncert_defaced_websites", 177));
  b.values.back().provenance.end = 30;
  b.values.push_back(MakeValue("cncert_vulnerabilities", 512,
                               {{"severity", "high"}, {"kind", "通用型"}}));
  b.warnings = {"a warning", "一个警告"};
  return b;
}

TEST(BulletinJsonTextTest, ASampleBulletinReadsAsTheTreePrintsIt) {
  ExpectSameAsTree(Sample());
  // And it reads as JSON at all (a test of the comparison's premise).
  const std::string text = BulletinJsonText(Sample(), "f.md", true, 0);
  EXPECT_EQ(nlohmann::json::parse(text)["values"]["cncert_defaced_websites"],
            177);
}

TEST(BulletinJsonTextTest, EmptyAndFailedBulletins) {
  ExpectSameAsTree(Bulletin{});
  Bulletin failed;
  failed.errors = {"binary: not a bulletin"};
  failed.format = "text";  // not printed when the bulletin failed
  ExpectSameAsTree(failed);
  Bulletin no_identity = Sample();
  no_identity.identity = Identity{};
  no_identity.warnings.clear();
  ExpectSameAsTree(no_identity);
}

TEST(BulletinJsonTextTest, NumbersOfEveryKind) {
  for (const double n :
       {0.0, -0.0, 1.0, -3.0, 0.5, 0.1, 2.0 / 3, 1e-7, 123456.789, 8.9e15, 9e15,
        9.5e15, 1e20, -1e300, 5e-324, std::numeric_limits<double>::infinity(),
        std::numeric_limits<double>::quiet_NaN()}) {
    Bulletin b = Sample();
    b.values[0].value = n;
    ExpectSameAsTree(b);
  }
}

TEST(BulletinJsonTextTest, EveryByteInEveryString) {
  // Each single byte, and each lead byte with each second byte (overlong
  // forms, surrogates, cut characters), where a string may come from.
  std::vector<std::string> strings;
  strings.reserve(256 + 64 * 64 + 1 + 256 * 16);
  for (int c = 0; c < 256; ++c) strings.push_back(std::string(1, char(c)));
  for (int lead = 0xC0; lead < 0x100; ++lead) {
    for (int second = 0x80; second < 0xC0; ++second) {
      strings.push_back(std::string{char(lead), char(second), '\x80', '\x80'});
    }
  }
  strings.push_back("\"引号\" \\ 反斜杠\t制表\x7f");
  // Each byte at each place of the first two eight-byte words of an ASCII
  // run, which the writer copies a word at a time.
  for (int c = 0; c < 256; ++c) {
    for (std::size_t at = 1; at <= 16; ++at) {
      std::string run(20, 'a');
      run[at] = char(c);
      strings.push_back(run);
    }
  }
  Bulletin b = Sample();
  for (const std::string& s : strings) {
    b.identity.title = s;
    b.warnings = {s};
    b.values[1].labels = Labels{{"kind", s}};
    b.values[0].provenance.section = s;
    ExpectSameAsTree(b, s, {1});
  }
}

TEST(BulletinJsonTextTest, ImagesAndTheirProvenance) {
  Bulletin b = Sample();
  b.images = {{"a.png", ImageStatus::kRead, "", 2},
              {"", ImageStatus::kSkipped, "no source", 0},
              {"b.png", ImageStatus::kFailed, "ocr: timeout", 0},
              {"c.png", ImageStatus::kPending, "queued for OCR", 0}};
  // One line kept apart, one a span of the text, as the parser leaves them.
  const std::string first_line = "本周境内被篡改网站总数为177个。";
  b.image_kept = {"境内被篡改网站 177"};
  b.image_lines = {{0, ImageLineSpan::kKept},
                   {0, static_cast<std::uint32_t>(first_line.size())}};
  b.values[0].provenance.image = 0;  // a.png
  b.values[0].provenance.image_confidence = 91.26F;
  b.values[1].provenance.image = 0;
  b.values[1].provenance.image_line = 1;
  ExpectSameAsTree(b);
  const auto json = nlohmann::json::parse(BulletinJsonText(b, "f.md", true, 0));
  EXPECT_EQ(json["provenance"]["cncert_defaced_websites"]["image_line"],
            "境内被篡改网站 177");
  EXPECT_EQ(json["provenance"][InternedSeriesKey(
                b.values[1].metric, b.values[1].labels)]["image_line"],
            first_line);
  // Images that are all without a source: an empty array.
  b.images = {{"", ImageStatus::kSkipped, "no source", 0}};
  ExpectSameAsTree(b);
}

TEST(BulletinJsonTextTest, SeriesInTheOrderOfTheirKeys) {
  Bulletin b = Sample();
  // Given out of order; "Z" sorts before "a", and a label set after its name.
  b.values.insert(b.values.begin(), MakeValue("cncert_z", 1));
  b.values.push_back(MakeValue("cncert_Z", 2));
  b.values.push_back(MakeValue("cncert_z", 3, {{"a", "1"}}));
  ExpectSameAsTree(b);
}

TEST(BulletinJsonTextTest, ASeriesGivenTwiceMergesAsInTheTree) {
  Bulletin b = Sample();
  Value again = MakeValue("cncert_defaced_websites", 178);
  b.values.push_back(again);  // the tree keeps the first's image fields
  b.images = {{"a.png", ImageStatus::kRead, "", 1}};
  b.values[0].provenance.image = 0;
  ExpectSameAsTree(b);
  const auto json = nlohmann::json::parse(BulletinJsonText(b, "f.md", true, 0));
  EXPECT_EQ(json["values"]["cncert_defaced_websites"], 178);
}

}  // namespace
}  // namespace cncert
