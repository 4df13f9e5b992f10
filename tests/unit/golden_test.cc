// Golden bulletins: tests/golden/<case>.<ext> against <case>.json.
// CNCERT_UPDATE_GOLDEN=1 rewrites the expectations (review them!).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "parsers/bulletin_json.h"
#include "parsers/bulletin_json_text.h"
#include "tests/support/test_support.h"

namespace cncert {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::SourcePath;
using testing::WriteFile;

// Cases are paths relative to the source tree: tests/golden/* and the PDF
// fixtures of tests/fixtures/pdf.
std::vector<std::string> GoldenCases() {
  std::vector<std::string> cases;
  for (const char* dir : {"tests/golden", "tests/fixtures/pdf"}) {
    for (const auto& entry : fs::directory_iterator(SourcePath(dir))) {
      const std::string name = entry.path().filename().string();
      if (name == "README.md" || name.ends_with(".json") ||
          name.ends_with(".py"))
        continue;
      cases.push_back(std::string(dir) + "/" + name);
    }
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, ParseOutputMatches) {
  const std::string name = GetParam();
  const fs::path input = SourcePath(name);
  const fs::path expected = fs::path(input).replace_extension(".json");
  const Bulletin b = testing::Parse(ReadFile(input.string()));
  const nlohmann::json actual =
      BulletinToJson(b, input.filename().string(), false);
  const std::string text =
      actual.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
      "\n";
  if (std::getenv("CNCERT_UPDATE_GOLDEN") != nullptr) {
    WriteFile(expected.string(), text);
    GTEST_SKIP() << "rewrote " << expected;
  }
  ASSERT_TRUE(fs::exists(expected))
      << "no expectation " << expected
      << "; run with CNCERT_UPDATE_GOLDEN=1 and review";
  EXPECT_EQ(nlohmann::json::parse(ReadFile(expected.string())), actual)
      << "actual output:\n"
      << text;
  // `parse` writes the same text without the tree, with provenance too.
  const std::string file = input.filename().string();
  EXPECT_EQ(BulletinJsonText(b, file, false, 0) + "\n", text);
  EXPECT_EQ(BulletinJsonText(b, file, true, 1),
            IndentedJson(BulletinToJson(b, file, true), 1));
}

INSTANTIATE_TEST_SUITE_P(Bulletins, GoldenTest,
                         ::testing::ValuesIn(GoldenCases()), [](const auto& p) {
                           std::string n = p.param;
                           for (char& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c)))
                               c = '_';
                           }
                           return n;
                         });

// The seed is the real bulletin: these figures are checked by hand against it.
TEST(SeedTest, RealBulletinGivesExactlyItsFigures) {
  const Bulletin b =
      testing::Parse(ReadFile(SourcePath("tests/golden/seed_wechat_2024.md")));
  ASSERT_TRUE(b.ok());
  const nlohmann::json id = IdentityToJson(b.identity);
  EXPECT_EQ(id["year"], 2024);
  EXPECT_EQ(id["issue"], 29);
  EXPECT_EQ(id["period_start"], "2024-07-15");
  EXPECT_EQ(id["period_end"], "2024-07-21");
  EXPECT_EQ(id["published"], "2024-07-25");
  std::map<std::string, double> values;
  for (const auto& v : b.values)
    values[SeriesKey(v.metric, v.labels)] = v.value;
  EXPECT_EQ(values, (std::map<std::string, double>{
                        {"cncert_security_posture_rating", 2},
                        {"cncert_incidents_handled", 177},
                        {"cncert_incidents_cross_border", 51},
                        {"cncert_phishing_complaints_handled", 152},
                        {"cncert_malicious_app_platforms", 42},
                        {"cncert_malicious_app_urls_handled", 80}}));
  // Its five figure images are named, not read: no reader was given.
  EXPECT_EQ(b.warnings, std::vector<std::string>{
                            "5 image(s) may hold figures but were not read"});
  int unread = 0;
  for (const ImageUse& use : b.images) {
    unread += use.status == ImageStatus::kUnread ? 1 : 0;
  }
  EXPECT_EQ(unread, 5);
}

}  // namespace
}  // namespace cncert
