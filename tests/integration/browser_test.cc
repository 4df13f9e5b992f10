// The pages in a real browser (headless Chromium, driven over the DevTools
// protocol by tests/e2e/cdp_check.py) at a desktop's and a phone's width,
// behind basic auth: no console errors, nothing loaded from elsewhere, no
// sideways scrolling on a phone, every figure's history drawn, every value
// of a bulletin highlighted in its sentence. Screenshots are kept in
// build/…/tests/artifacts/.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/support/archive_fixture.h"
#include "tests/support/synthetic_archive.h"

namespace cncert::testing {
namespace {

namespace fs = std::filesystem;

struct Viewport {
  const char* name;
  int width;
  int height;
  bool mobile;
};
constexpr Viewport kDesktop{"desktop", 1280, 900, false};
constexpr Viewport kPhone{"phone", 390, 844, true};

class BrowserTest : public ArchiveFixture {
 protected:
  nlohmann::json Open(const std::string& url, const Viewport& v,
                      const std::string& shot) {
    fs::create_directories(CNCERT_TEST_ARTIFACTS);
    std::vector<std::string> argv{"/usr/bin/python3",
                                  SourcePath("tests/e2e/cdp_check.py"),
                                  url,
                                  "--width",
                                  std::to_string(v.width),
                                  "--height",
                                  std::to_string(v.height),
                                  "--auth",
                                  "reader:s3cret",
                                  "--screenshot",
                                  std::string(CNCERT_TEST_ARTIFACTS) + "/" +
                                      shot + "-" + v.name + ".png"};
    if (v.mobile) argv.emplace_back("--mobile");
    const Output out = RunCommand(argv);
    EXPECT_EQ(out.status, 0) << out.text;
    const auto brace = out.text.find('{');
    return nlohmann::json::parse(
        brace == std::string::npos ? "" : out.text.substr(brace), nullptr,
        false);
  }
};

TEST_F(BrowserTest, PagesReadWellOnADesktopAndAPhone) {
  const auto weeks =
      MakeSyntheticWeeks(Date{std::chrono::year(2024), std::chrono::September,
                              std::chrono::day(30)},
                         40, 60);
  WriteSyntheticArchive(dir_, weeks);
  WriteFile(dir_ + "/.web.yml",
            "basic_auth_users:\n  reader: " + Bcrypt("s3cret") + "\n");
  auto server = Start({"--ocr=false", "--web.config.file", dir_ + "/.web.yml"});
  ASSERT_TRUE(server.ok()) << server.process().Log();
  const std::string origin = "http://" + server.address();
  ASSERT_TRUE(Eventually(
      [&] {
        // reader:s3cret
        const HttpResult m =
            HttpGet(server.port(), "/metrics",
                    {{"Authorization", "Basic cmVhZGVyOnMzY3JldA=="}});
        return ScrapeValue(m.body, "cncert_exporter_bulletins_loaded") == 60;
      },
      std::chrono::seconds(20)))
      << server.process().Log();
  char issue[16];
  std::snprintf(issue, sizeof issue, "%04d-%02d", weeks[30].year,
                weeks[30].issue);
  for (const Viewport& v : {kDesktop, kPhone}) {
    const auto home = Open(origin + "/", v, "home");
    ASSERT_TRUE(home.is_object()) << v.name;
    EXPECT_TRUE(home["problems"].empty()) << v.name << home["problems"].dump();
    for (const auto& url : home["requests"]) {
      EXPECT_TRUE(url.get<std::string>().starts_with(origin)) << url;
    }
    EXPECT_LE(home["scroll_width"], home["client_width"]) << v.name;
    EXPECT_EQ(home["stylesheets"], 1);
    // Every figure's history (on a phone under its name), and the two
    // rating strips.
    EXPECT_EQ(home["rows"], 35);
    EXPECT_EQ(home["polylines"], 35);
    EXPECT_EQ(home["svgs"], 35 + 2);

    const auto bulletin = Open(origin + "/bulletins/" + issue, v, "bulletin");
    ASSERT_TRUE(bulletin.is_object());
    EXPECT_TRUE(bulletin["problems"].empty()) << bulletin["problems"].dump();
    EXPECT_LE(bulletin["scroll_width"], bulletin["client_width"]) << v.name;
    EXPECT_EQ(bulletin["rows"], 35);
    ASSERT_EQ(bulletin["marks"].size(), 35u);
    for (const auto& m : bulletin["marks"])
      EXPECT_FALSE(m.get<std::string>().empty());

    const auto figure =
        Open(origin + "/figures/cncert_incidents_handled", v, "figure");
    ASSERT_TRUE(figure.is_object());
    EXPECT_TRUE(figure["problems"].empty()) << figure["problems"].dump();
    EXPECT_LE(figure["scroll_width"], figure["client_width"]) << v.name;
    EXPECT_EQ(figure["rows"], 60);
    EXPECT_EQ(figure["polylines"], 1);
  }
}

}  // namespace
}  // namespace cncert::testing
