// Figures read from images, without OCR: a reader hands the parser the text
// of each image, and the parser splices, traces and weighs it.
#include "parsers/images.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "parsers/document.h"
#include "parsers/image_lines.h"
#include "parsers/image_text.h"
#include "parsers/normalize.h"
#include "parsers/parser.h"
#include "parsers/sections.h"
#include "parsers/strings.h"
#include "tests/support/test_support.h"

namespace cncert::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

// Text per image source; every word with the same confidence.
class FakeReader : public ImageReader {
 public:
  void Add(const std::string& src,
           const std::vector<std::vector<std::string>>& blocks,
           float confidence = 95, std::string key = "") {
    keys_[src] = std::move(key);
    ImageText text;
    for (const auto& lines : blocks) {
      OcrBlock block;
      for (const auto& line : lines) {
        OcrLine l;
        l.words.push_back({line, confidence, {}});
        block.lines.push_back(l);
      }
      text.blocks.push_back(block);
    }
    texts_[src] = text;
  }
  ImageLookup Read(const ImageRef& ref) const override {
    read_.push_back(ref.src);
    const auto it = texts_.find(ref.src);
    if (it == texts_.end())
      return {ImageStatus::kFailed, nullptr, "missing", "", nullptr};
    return {ImageStatus::kRead, &it->second, "", keys_.at(ref.src), nullptr};
  }
  mutable std::vector<std::string> read_;

 private:
  std::map<std::string, ImageText> texts_;
  std::map<std::string, std::string> keys_;  // "": prepared each time
};

std::string Article(const std::string& images, const std::string& after = "") {
  return "---\ntitle: 网络安全信息与动态周报2024年第29期（7月15日-7月21日）\n"
         "date: 2024-07-25\n---\n\n"
         "![cover_image](https://mmbiz.qpic.cn/cover/0?wx_fmt=jpeg)\n\n"
         "本周网络安全基本态势\n\n本周，互联网网络安全态势整体评价为良。\n\n" +
         images +
         "\n\n本周事件处理情况\n\n本周，CNCERT共处理网络安全事件177起，"
         "含跨境网络安全事件51起。\n\n" +
         after + "近期回顾\n\n![](recent.png)\n\n![作者头像](avatar.png)\n";
}

Bulletin ParseWith(const std::string& md, const FakeReader& reader) {
  ParseOptions options;
  options.images = &reader;
  return ParseBulletin(md, *DefaultRules(), options);
}

const std::vector<std::string> kWebsite = {
    "本周网站安全情况",
    "本周,CNCERT监测发现境内被纂改网站数量为1234个;境内被植入后门的网站",
    "数量为567个;针对境内网站的仿冒页面数量为8901个。"};

TEST(ImagesTest, FiguresFromAnImageCarryTheirProvenance) {
  FakeReader reader;
  reader.Add("files/1.png", {kWebsite});
  const Bulletin b = ParseWith(Article("![](files/1.png)"), reader);
  ASSERT_TRUE(b.ok()) << b.errors[0];
  const Value* defaced = b.Find("cncert_defaced_websites");
  ASSERT_NE(defaced, nullptr);
  EXPECT_EQ(defaced->value, 1234);
  EXPECT_EQ(ImageOf(b, defaced->provenance), "files/1.png");
  // 纂改 was repaired; the recognised line is the repaired one.
  EXPECT_THAT(ImageLine(b, defaced->provenance),
              HasSubstr("被篡改网站数量为1234个"));
  // A line that stands whole in the bulletin's text is not copied.
  EXPECT_NE(b.image_lines.at(defaced->provenance.image_line).end,
            ImageLineSpan::kKept);
  EXPECT_EQ(defaced->provenance.confidence(), 95);
  // A sentence broken across the image's lines is read as one.
  const Value* backdoored = b.Find("cncert_backdoored_websites");
  ASSERT_NE(backdoored, nullptr);
  EXPECT_EQ(backdoored->value, 567);
  EXPECT_EQ(ImageLine(b, backdoored->provenance),
            "本周,CNCERT监测发现境内被篡改网站数量为1234个;境内被植入后门的网站"
            "\n数量为567个;针对境内网站的仿冒页面数量为8901个。");
  // Each of its lines stands whole in the text too: none is copied.
  EXPECT_TRUE(b.image_kept.empty());
  // Typed figures have no image.
  EXPECT_EQ(ImageOf(b, b.Find("cncert_incidents_handled")->provenance), "");
  EXPECT_FALSE(
      b.Find("cncert_incidents_handled")->provenance.read_from_image());
  ASSERT_EQ(b.images.size(), 4u);
  EXPECT_EQ(b.images[1].status, ImageStatus::kRead);
  EXPECT_EQ(b.images[1].figures, 3);
}

// Lines of running text that the layout glues stand joined in the spliced
// text already, as a typed paragraph: the layout is the one the recognised
// lines give each on a line of its own, and each line is found in it.
TEST(ImagesTest, JoinedImageLinesAreLaidOutAsTheLinesOneByOne) {
  FakeReader reader;
  reader.Add(
      "files/1.png",
      {{"本周网站安全情况", "境内被篡改网站数量为1234个,", "其中政府网站",
        "数量为12个;", "境内被植入后门的网站", "图1 境内被篡改网站数量",
        "数量为567个。", "针对境内网站的", "仿冒页面数量为8901个"},
       {"本周事件处理情况:本周,CNCERT共处理", "网络安全事件177起。"}},
      95, "key");
  const auto rules = DefaultRules();
  const std::string before =
      NormalizeText("周报\n本周网络安全基本态势\n本周态势良。\n");
  const std::string after = "近期回顾\n周报2024年第28期\n";
  const std::vector<ImageRef> images = {{"files/1.png", ""}};
  const Spliced spliced = SpliceImages(
      before + ImageMarker(0).substr(1) + after, images, *rules, &reader);
  const ImageLines lines = PrepareImageLines(*reader.Read(images[0]).text);
  const std::string one_by_one =
      before + std::string(kHardBreak) + "\n" + lines.text + after;
  const Layout joined = SegmentSections(spliced.text, *rules, spliced.verdicts);
  const Layout separate = SegmentSections(one_by_one, *rules);
  EXPECT_EQ(joined.text, separate.text);
  const auto names = [](const Layout& l) {
    std::vector<std::string> out;
    for (const auto& s : l.sections) out.push_back(s.name.str());
    return out;
  };
  EXPECT_EQ(names(joined), names(separate));
  EXPECT_EQ(names(joined),
            (std::vector<std::string>{"lead", "posture", "website", "incident",
                                      "recent"}));
  EXPECT_LT(joined.pieces.size(), separate.pieces.size());
  ASSERT_EQ(spliced.lines.size(), lines.lines.size());
  for (std::size_t i = 0; i < lines.lines.size(); ++i) {
    const SplicedLine& line = spliced.lines[i];
    const ImageLines::Line& own = lines.lines[i];
    EXPECT_EQ(spliced.text.substr(line.begin, line.end - line.begin),
              lines.text.substr(own.begin, own.end - own.begin));
    EXPECT_EQ(line.Own(line.begin), own.begin);
    EXPECT_EQ(line.Spliced(own.end), line.end);
  }
}

// An image's lines are paragraphs of their own: those without a wording's
// start are passed over, and the wording is still read whole where it
// stands, across the lines of its sentence.
TEST(ImagesTest, LinesWithoutAWordingAreSkippedButNoWordingIs) {
  FakeReader reader;
  reader.Add("files/1.png", {{"本周网站安全情况"},
                             {"以下为本周监测所得。"},
                             {"详见各项说明。"},
                             {"说明如下。", kWebsite[1], kWebsite[2]}});
  const Bulletin b = ParseWith(Article("![](files/1.png)"), reader);
  ASSERT_TRUE(b.ok()) << b.errors[0];
  for (const auto& [series, value] :
       {std::pair{"cncert_defaced_websites", 1234},
        std::pair{"cncert_backdoored_websites", 567},
        std::pair{"cncert_phishing_pages", 8901}}) {
    const Value* v = b.Find(series);
    ASSERT_NE(v, nullptr) << series;
    EXPECT_EQ(v->value, value) << series;
  }
}

TEST(ImagesTest, CoversAvatarsAndImagesAfterTheBulletinAreNeverRead) {
  FakeReader reader;
  reader.Add("files/1.png", {kWebsite});
  const Bulletin b = ParseWith(Article("![](files/1.png)"), reader);
  EXPECT_EQ(reader.read_, std::vector<std::string>{"files/1.png"});
  EXPECT_EQ(b.images[0].status, ImageStatus::kSkipped);  // cover
  EXPECT_EQ(b.images[2].status, ImageStatus::kSkipped);  // in 近期回顾
  EXPECT_THAT(b.images[2].reason, HasSubstr("recent"));
  EXPECT_EQ(b.images[3].status, ImageStatus::kSkipped);  // avatar
}

TEST(ImagesTest, DecorativeImagesAreToldByTheirAltTextInAnyCase) {
  const auto decorative = [](std::string alt) {
    return IsDecorativeImage({"files/1.png", std::move(alt)});
  };
  for (const char* alt : {"cover_image", "COVER", "Logo", "QR Code", "qrcode",
                          "Avatar 1", "作者头像", "扫描二维码", "封面图"}) {
    EXPECT_TRUE(decorative(alt)) << alt;
  }
  for (const char* alt : {"", "图片", "chart", "qr-code", "图表"}) {
    EXPECT_FALSE(decorative(alt)) << alt;
  }
  EXPECT_TRUE(IsDecorativeImage({"", "图片"}));  // no source to read
}

TEST(ImagesTest, ChartLabelsInABlockOfTheirOwnNeverJoinASentence) {
  FakeReader reader;
  reader.Add("files/1.png",
             {{"本周网站安全情况", "本周,CNCERT监测发现境内被篡改网站数量为"},
              {"7336", "个"}});
  const Bulletin b = ParseWith(Article("![](files/1.png)"), reader);
  EXPECT_EQ(b.Find("cncert_defaced_websites"), nullptr);
}

TEST(ImagesTest, LowConfidenceFiguresAreNotServed) {
  FakeReader reader;
  reader.Add("files/1.png", {kWebsite}, 50);
  const Bulletin b = ParseWith(Article("![](files/1.png)"), reader);
  EXPECT_EQ(b.Find("cncert_defaced_websites"), nullptr);
  EXPECT_THAT(b.warnings, Contains(HasSubstr("OCR confidence 50 is below 60")));
}

TEST(ImagesTest, TheTextWinsOverAnImageThatStatesAFigureDifferently) {
  FakeReader reader;
  reader.Add("files/1.png",
             {{"本周事件处理情况",
               "本周,CNCERT共处理网络安全事件771起,含跨境网络安全事件51起。"}});
  const Bulletin b = ParseWith(Article("![](files/1.png)"), reader);
  ASSERT_NE(b.Find("cncert_incidents_handled"), nullptr);
  EXPECT_EQ(b.Find("cncert_incidents_handled")->value, 177);
  EXPECT_EQ(ImageOf(b, b.Find("cncert_incidents_handled")->provenance), "");
  EXPECT_FALSE(
      b.Find("cncert_incidents_handled")->provenance.read_from_image());
  EXPECT_THAT(b.warnings,
              Contains(HasSubstr("an image states 771, the text 177")));
}

TEST(ImagesTest, ImageFiguresThatFailAConsistencyCheckAreNotServed) {
  FakeReader reader;
  reader.Add("files/1.png",
             {{"本周网络病毒活动情况",
               "本周境内感染网络病毒的主机数量约为9.5万个,"
               "其中包括境内被木马或被僵尸程序控制的主机约"
               "71.8万以及境内感染飞客(conficker)蠕虫的主机约4.6万。"}});
  const Bulletin b = ParseWith(Article("![](files/1.png)"), reader);
  EXPECT_EQ(b.Find("cncert_infected_hosts"), nullptr);
  EXPECT_EQ(
      b.Find("cncert_infected_hosts_by_malware", {{"malware", "conficker"}}),
      nullptr);
  EXPECT_THAT(b.warnings, Contains(HasSubstr("is not served: inconsistent")));
}

TEST(ImagesTest, AnImageOfAnotherIssueGivesNoFigures) {
  FakeReader reader;
  std::vector<std::string> lines = kWebsite;
  lines.insert(lines.begin(), "网络安全信息与动态周报2023年第3期");
  reader.Add("files/1.png", {lines});
  const Bulletin b = ParseWith(Article("![](files/1.png)"), reader);
  EXPECT_EQ(b.Find("cncert_defaced_websites"), nullptr);
  EXPECT_THAT(b.warnings, Contains(HasSubstr("names another issue")));
}

TEST(ImagesTest, WithoutAReaderImagesAreReportedUnread) {
  const Bulletin b = Parse(Article("![](files/1.png)"));
  EXPECT_EQ(b.images[1].status, ImageStatus::kUnread);
  EXPECT_THAT(
      b.warnings,
      Contains(HasSubstr("1 image(s) may hold figures but were not read")));
}

TEST(ImagesTest, HtmlImagesComeFromDataSrc) {
  FakeReader reader;
  reader.Add("https://mmbiz.qpic.cn/a/640?wx_fmt=png", {kWebsite});
  const std::string html =
      "<html><head><meta property=\"og:title\" content=\"网络安全信息与动态周报"
      "2024年第29期（7月15日-7月21日）\"></head><body><p>本周网络安全基本态势</"
      "p>"
      "<p>本周，互联网网络安全态势整体评价为良。</p>"
      "<p><img data-src=\"https://mmbiz.qpic.cn/a/640?wx_fmt=png\" "
      "src=\"data:image/gif;base64,R0lGOD\"></p></body></html>";
  const Bulletin b = ParseWith(html, reader);
  ASSERT_NE(b.Find("cncert_defaced_websites"), nullptr);
  EXPECT_EQ(b.Find("cncert_defaced_websites")->value, 1234);
}

// Markdown images are found wherever they stand: after a "![" that starts
// none (its text is cut by a line break), side by side, with a title, with
// line breaks inside the brackets of the link.
TEST(ImagesTest, MarkdownImagesAreFoundInOrderWhereverTheyStand) {
  const Document doc = DecodeDocument(
      "# 网络安全信息与动态周报\n\n"
      "见![图\n和![一](files/1.png)![](files/2.png \"二\")\n"
      "![三](\n  <files/3.png>\n)尾\n");
  ASSERT_EQ(doc.images.size(), 3u);
  EXPECT_EQ(doc.images[0].src, "files/1.png");
  EXPECT_EQ(doc.images[0].alt, "一");
  EXPECT_EQ(doc.images[1].src, "files/2.png");
  EXPECT_EQ(doc.images[2].src, "files/3.png");
  EXPECT_EQ(doc.images[2].alt, "三");
  // The text around them stays, each image a marker line of its own.
  EXPECT_THAT(doc.text, HasSubstr("见![图\n和"));
  EXPECT_THAT(doc.text, HasSubstr("尾"));
  EXPECT_THAT(doc.text, Not(HasSubstr("files/")));
}

TEST(ImagesTest, NoDocumentCanForgeAnImageMarker) {
  FakeReader reader;
  reader.Add("files/1.png", {kWebsite});
  // A private-use marker typed into the text is dropped, not read.
  const Bulletin b = ParseWith(Article("\xEE\x80\x80"
                                       "0\n\n![](files/1.png)"),
                               reader);
  EXPECT_EQ(reader.read_, std::vector<std::string>{"files/1.png"});
  EXPECT_NE(b.Find("cncert_defaced_websites"), nullptr);
}

TEST(ImagesTest, AWordingNeverRunsOnIntoTheNextBlock) {
  // Tesseract put the end of a sentence in a block of its own and the next
  // paragraph after the start: "仿冒页面数" + "…数量为206个" is no figure.
  FakeReader reader;
  reader.Add("files/1.png",
             {{"本周网站安全情况"},
              {"本周,CNCERT监测发现境内被篡改网站数量为5920个;境内被植入后门的"
               "网站数量为567个"},
              {"量为3251个。"},
              {";针对境内网站的仿冒页面数"},
              {"本周境内被篡改政府网站(GOV类)数量为206个(约占境内3.5%),"
               "较上周环比减少了19.3%;"}});
  const Bulletin b = ParseWith(Article("![](files/1.png)"), reader);
  EXPECT_EQ(b.Find("cncert_phishing_pages"), nullptr);
  ASSERT_NE(b.Find("cncert_defaced_government_websites"), nullptr);
  EXPECT_EQ(b.Find("cncert_defaced_government_websites")->value, 206);
}

struct Repair {
  std::string misread;
  std::string repaired;
};

TEST(ImagesTest, KnownMisreadingsAreRepairedOnlyInTheirContext) {
  const std::vector<Repair> cases = {
      {"境内被纂改网站数量为", "境内被篡改网站数量为"},
      {"境内被算改的网站", "境内被篡改的网站"},
      {"被签改政府网站", "被篡改政府网站"},
      {"被植入后内的网站", "被植入后门的网站"},
      {"约占境内5.49)", "约占境内5.4%)"},
      {"约占境内5.0%8),", "约占境内5.0%),"},
      {"有约87.09%6为境外注册", "有约87.0%为境外注册"},
      {"约占88.65,在", "约占88.6%,在"},
      {"增长了3.49%;", "增长了3.4%;"},
      {"整体评价级别为三。", "整体评价级别为中。"},
      {"在316个I|P中", "在316个IP中"},
      {"而通过1P直接访问", "而通过IP直接访问"},
      {"在1344个IF中", "在1344个IP中"},
      {"涉及403个IF。", "涉及403个IP。"},
      {"平均每个PP地址承塌了约", "平均每个IP地址承载了约"},
      {"727个,[地址14个", "727个,IP地址14个"},
      {"数量为27个【约占境内1.2%】", "数量为27个(约占境内1.2%)"},
      {"数量为67个“(约占境", "数量为67个(约占境"},
      {"数量为18个人约占境内", "数量为18个(约占境内"},
      {"数量为8个!约占境", "数量为8个(约占境"},
      {"数量为8个约占境", "数量为8个(约占境"},
      {"数量为47个人", "数量为47个("},
      {"且项级域为.com的", "且顶级域为.com的"},
      {"有约34.8%%为境外", "有约34.8%为境外"},
      {"有约62.7%b为境外", "有约62.7%为境外"},
      {"有约33,2%位于境外", "有约33.2%位于境外"},
      {"高危漏润119个", "高危漏洞119个"},
      {"、中和危漏洞549个", "、中危漏洞549个"},
      {"环比增长了51.芝;", "环比增长了\xEF\xBF\xBD芝;"},
      {"约占53.琶,在", "约占\xEF\xBF\xBD琶,在"},
      {"下降了89.;针对", "下降了\xEF\xBF\xBD;针对"},
      {"下降了89.", "下降了89."},  // the decimals may be on the next line
      {"〈约占境内", "(约占境内"},
      {"仿时页面数量为", "仿冒页面数量为"},
      // Left alone: no context that makes the reading certain.
      {"数量为5.49个", "数量为5.49个"},
      {"纂改", "纂改"},
      {"三个", "三个"},
      {"12.34", "12.34"},
      {"共21P地址", "共21P地址"},  // a figure's last digit stays a digit
      {"个人", "个人"},
      {"CNCERT.PF", "CNCERT.PF"},
      {"5%b", "5%b"},  // nothing a share's wording puts after it
      {"1,234个", "1,234个"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(FixOcrConfusions(c.misread), c.repaired) << c.misread;
  }
}

// An image the parser keeps prepared (its reader names it) is prepared
// again for other rules: its lines' headings are the rules'.
TEST(ImagesTest, AnImageKeptPreparedIsReadAfreshUnderOtherRules) {
  std::string yaml(DefaultRulesYaml());
  const std::string heading = "headings: ['(?:本周)?网站安全(?:情况)?']";
  ASSERT_NE(yaml.find(heading), std::string::npos);
  yaml.replace(yaml.find(heading), heading.size(),
               "headings: ['网站安全概况']");
  std::vector<RuleError> errors;
  const auto other = LoadRules(yaml, "other.yaml", &errors);
  ASSERT_TRUE(other);
  const auto parse = [](const RuleSet& rules, const std::string& key) {
    FakeReader reader;
    reader.Add("files/1.png", {kWebsite}, 95, key);
    ParseOptions options;
    options.images = &reader;
    const Bulletin b =
        ParseBulletin(Article("![](files/1.png)"), rules, options);
    std::string out;
    for (const Value& v : b.values) {
      out += InternedSeriesKey(v.metric, v.labels) + "=" +
             FormatNumber(v.value) + " in " + v.provenance.section.str() + "\n";
    }
    for (const std::string& w : b.warnings) out += w + "\n";
    return out;
  };
  const std::string shipped = parse(*DefaultRules(), "image-1");
  EXPECT_THAT(shipped, HasSubstr("cncert_defaced_websites=1234 in website"));
  // Without its heading the image's figures are borrowed, with a warning.
  const std::string under_other = parse(*other, "image-1");
  EXPECT_EQ(under_other, parse(*other, ""));
  EXPECT_THAT(under_other, HasSubstr("without a 'website' heading"));
  EXPECT_EQ(parse(*DefaultRules(), "image-1"), shipped);
}

}  // namespace
}  // namespace cncert::testing
