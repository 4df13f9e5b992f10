// The plain front-matter reader gives what yaml-cpp gives, or declines.
#include "parsers/front_matter.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace cncert {
namespace {

// yaml-cpp's reading of the same text: scalars of a mapping, nulls as "".
std::optional<std::map<std::string, std::string>> ByYamlCpp(
    const std::string& yaml) {
  try {
    const YAML::Node node = YAML::Load(yaml);
    if (!node.IsMap()) return std::map<std::string, std::string>{};
    std::map<std::string, std::string> out;
    for (const auto& e : node) {
      out[e.first.as<std::string>()] =
          e.second.IsScalar() ? e.second.as<std::string>() : "";
    }
    return out;
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
}

TEST(FrontMatterTest, PlainLinesReadAsYamlReadsThem) {
  for (const std::string yaml : {
           "title: 网络安全信息与动态周报2024年第29期（7月15日-7月21日）\n"
           "url: http://mp.weixin.qq.com/s?__biz=MzI&mid=2&idx=1#rd\n"
           "source: 国家互联网应急中心CNCERT\ndate: 2024-07-26\n"
           "fetch_date: 2024-07-28 10:11:12\n",
           "title:   spaced out   \r\nempty:\nnull_value: ~\nflag: true\n\n",
           "a-b_c: x:y\nnumber: 12.50\n",
       }) {
    const auto plain = ReadPlainFrontMatter(yaml);
    ASSERT_TRUE(plain) << yaml;
    EXPECT_EQ(*plain, ByYamlCpp(yaml)) << yaml;
  }
}

TEST(FrontMatterTest, AnythingElseIsLeftToYamlCpp) {
  for (const std::string yaml :
       {"title: \"quoted\"\n", "title: 'single'\n", "title: |\n  block\n",
        "title: a # comment\n", "# comment\ntitle: a\n", "  title: a\n",
        "title: a: b\n", "title: [1, 2]\n", "title: a\ntitle: b\n",
        "just text\n", "title:a\n", "tags:\n  - x\n", "title: &anchor a\n",
        "标题: a\n", "title: -1\n"}) {
    EXPECT_FALSE(ReadPlainFrontMatter(yaml)) << yaml;
  }
}

}  // namespace
}  // namespace cncert
