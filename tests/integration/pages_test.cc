// The pages people read (/, /bulletins, /bulletins/<issue>, /figures/<…>)
// on a 60-week synthetic archive with a missing week and a week that
// states no incident figures: well-formed HTML, every link resolves, the
// charts' points and tables are the archive's figures, gaps are gaps.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <gumbo.h>
#include <re2/re2.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "parsers/strings.h"
#include "tests/support/archive_fixture.h"
#include "tests/support/synthetic_archive.h"

namespace cncert::testing {
namespace {

using ::testing::HasSubstr;

constexpr int kMissingWeek = 30;  // no file at all
constexpr int kNoIncidents = 45;  // its incident paragraph is gone

// Parse errors gumbo finds, the links of the page (<a href>) and the
// resources it loads (any other href or src).
struct Parsed {
  int errors = 0;
  std::vector<std::string> links;
  std::vector<std::string> resources;
};

void CollectLinks(const GumboNode* node, Parsed* p) {
  if (node->type != GUMBO_NODE_ELEMENT) return;
  for (const char* attr : {"href", "src"}) {
    if (const GumboAttribute* a =
            gumbo_get_attribute(&node->v.element.attributes, attr)) {
      (node->v.element.tag == GUMBO_TAG_A ? p->links : p->resources)
          .emplace_back(a->value);
    }
  }
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    CollectLinks(static_cast<const GumboNode*>(children.data[i]), p);
  }
}

Parsed ParseHtml(const std::string& html) {
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = -1;
  GumboOutput* out =
      gumbo_parse_with_options(&options, html.data(), html.size());
  Parsed p;
  p.errors = static_cast<int>(out->errors.length);
  CollectLinks(out->root, &p);
  gumbo_destroy_output(&options, out);
  return p;
}

class PagesTest : public ArchiveFixture {
 protected:
  void SetUp() override {
    ArchiveFixture::SetUp();
    weeks_ =
        MakeSyntheticWeeks(Date{std::chrono::year(2019), std::chrono::September,
                                std::chrono::day(30)},
                           40, 60);
    auto& quiet = weeks_[kNoIncidents];
    ASSERT_TRUE(quiet.file_name.ends_with(".md") ||
                quiet.file_name.ends_with(".txt"));
    const std::size_t at = quiet.content.find("本周，CNCERT共处理");
    ASSERT_NE(at, std::string::npos);
    quiet.content.erase(at, quiet.content.find('\n', at) - at + 1);
    std::vector<SyntheticWeek> kept;
    for (int i = 0; i < 60; ++i) {
      if (i != kMissingWeek) kept.push_back(weeks_[i]);
    }
    WriteSyntheticArchive(dir_, kept);
  }
  std::string Issue(int i) const {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d", weeks_[i].year,
                  weeks_[i].issue);
    return buf;
  }
  std::vector<SyntheticWeek> weeks_;
};

TEST_F(PagesTest, WellFormedLinkedAndTrueToTheArchive) {
  // One client crawling hundreds of pages one after another: the limits
  // that shed such a client (connections it still holds open, requests at
  // once) are the hostile tests' to check, and under load answered 503.
  auto server = Start({"--ocr=false", "--web.max-connections-per-client=0",
                       "--web.max-requests=0"});
  ASSERT_TRUE(server.ok()) << server.process().Log();
  const int port = server.port();
  ASSERT_TRUE(Eventually(
      [&] {
        return ScrapeValue(Metrics(port), "cncert_exporter_bulletins_loaded") ==
               59;
      },
      std::chrono::seconds(20)));

  // Every page: HTML without parse errors, a strict CSP, links that resolve.
  std::set<std::string> seen;
  std::vector<std::string> queue{"/", "/bulletins",
                                 "/bulletins/" + Issue(kNoIncidents),
                                 "/figures/cncert_incidents_handled"};
  int pages = 0;
  while (!queue.empty()) {
    const std::string path = queue.back();
    queue.pop_back();
    if (!seen.insert(path).second) continue;
    const HttpResult r = HttpGet(port, path);
    ASSERT_EQ(r.status, 200) << path;
    if (!r.content_type.starts_with("text/html")) continue;
    ++pages;
    const auto csp = r.headers.find("Content-Security-Policy");
    ASSERT_NE(csp, r.headers.end()) << path;
    EXPECT_THAT(csp->second, HasSubstr("default-src 'none'"));
    const Parsed parsed = ParseHtml(r.body);
    EXPECT_EQ(parsed.errors, 0) << path;
    // Nothing is loaded from outside.
    for (const auto& resource : parsed.resources) {
      EXPECT_TRUE(resource.starts_with("/")) << path << ": " << resource;
      queue.push_back(resource);
    }
    for (const auto& link : parsed.links) {
      // Only a bulletin's own source leads elsewhere.
      if (link.starts_with("https://example.invalid/")) continue;
      EXPECT_TRUE(link.starts_with("/")) << path << ": " << link;
      // Follow the page links two levels deep: the home page's, and the
      // list's bulletins (whose own links are checked without recursion).
      if (path == "/" || path == "/bulletins" ||
          link.starts_with("/style.css") || link.starts_with("/api/")) {
        queue.push_back(link);
      } else if (!seen.contains(link)) {
        EXPECT_EQ(HttpGet(port, link).status, 200) << path << " → " << link;
      }
    }
  }
  EXPECT_GT(pages, 59 + 35);

  // The exporter's own state, live.
  const std::string home = HttpGet(port, "/").body;
  EXPECT_THAT(home, HasSubstr("Last reload 2"));
  EXPECT_THAT(home, HasSubstr("last successful fetch never"));
  EXPECT_THAT(home, HasSubstr("59 bulletins, 0 failed files"));

  // The figure's table and chart: every week, a dash where the bulletin
  // states nothing, and three lines (broken at the missing week and at the
  // week without the figure).
  const std::string figure =
      HttpGet(port, "/figures/cncert_incidents_handled").body;
  static const RE2 kRow(
      R"re(<tr><td>([0-9-]+)</td><td><a href="/bulletins/([0-9-]+)">[^<]*</a></td><td class="num">([^<]*)</td></tr>)re");
  re2::StringPiece rest(figure);
  std::string date, issue, value;
  std::vector<std::pair<std::string, std::string>> rows;
  while (RE2::FindAndConsume(&rest, kRow, &date, &issue, &value)) {
    rows.emplace_back(issue, value);
  }
  ASSERT_EQ(rows.size(), 59u);
  std::size_t row = 0;
  for (int i = 59; i >= 0; --i) {
    if (i == kMissingWeek) continue;
    EXPECT_EQ(rows[row].first, Issue(i));
    EXPECT_EQ(
        rows[row].second,
        i == kNoIncidents
            ? "—"
            : FormatNumber(weeks_[i].figures.at("cncert_incidents_handled")))
        << Issue(i);
    ++row;
  }
  std::size_t lines = 0;
  for (std::size_t p = 0;
       (p = figure.find("<polyline", p)) != std::string::npos; ++p) {
    ++lines;
  }
  EXPECT_EQ(lines, 3u);

  // The same numbers as JSON.
  const auto history =
      nlohmann::json::parse(HttpGet(port, "/api/v1/history").body);
  ASSERT_EQ(history["weeks"].size(), 59u);
  for (const auto& s : history["series"]) {
    if (s["series"] != "cncert_incidents_handled") continue;
    std::size_t j = 0;
    for (int i = 0; i < 60; ++i) {
      if (i == kMissingWeek) continue;
      if (i == kNoIncidents) {
        EXPECT_TRUE(s["values"][j].is_null());
      } else {
        EXPECT_EQ(s["values"][j].get<double>(),
                  weeks_[i].figures.at("cncert_incidents_handled"));
      }
      ++j;
    }
  }

  // A bulletin: its sentence with the figure marked, and its neighbours.
  const std::string page = HttpGet(port, "/bulletins/" + Issue(10)).body;
  EXPECT_THAT(page, HasSubstr("共处理网络安全事件<mark>" +
                              FormatNumber(weeks_[10].figures.at(
                                  "cncert_incidents_handled")) +
                              "</mark>起"));
  EXPECT_THAT(page, HasSubstr("href=\"/bulletins/" + Issue(9) + "\""));
  EXPECT_THAT(page, HasSubstr("href=\"/bulletins/" + Issue(11) + "\""));
  // Over the missing week, the neighbours are the weeks on either side.
  const std::string after_gap =
      HttpGet(port, "/bulletins/" + Issue(kMissingWeek + 1)).body;
  EXPECT_THAT(after_gap,
              HasSubstr("href=\"/bulletins/" + Issue(kMissingWeek - 1) + "\""));
  EXPECT_EQ(HttpGet(port, "/bulletins/1999-01").status, 404);
  EXPECT_EQ(HttpGet(port, "/figures/cncert_nothing").status, 404);
  EXPECT_EQ(HttpGet(port, "/api/v1/bulletins/" + Issue(10)).status, 200);
}

// Every week from 2000 (the earliest year a bulletin may name) to now: the
// charts draw at most a point per pixel, so the page does not grow with
// the archive beyond that.
TEST_F(PagesTest, TheLongestArchiveStaysUnder200KilobytesGzipped) {
  constexpr int kAllWeeks = 1400;  // 2000-01-03 to 2026-11-01
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directory(dir_);
  WriteSyntheticArchive(
      dir_, MakeSyntheticWeeks(Date{std::chrono::year(2000),
                                    std::chrono::January, std::chrono::day(3)},
                               1, kAllWeeks));
  auto server = Start({"--ocr=false"});
  ASSERT_TRUE(server.ok()) << server.process().Log();
  const int port = server.port();
  ASSERT_TRUE(Eventually(
      [&] {
        return ScrapeValue(Metrics(port), "cncert_exporter_bulletins_loaded") ==
               kAllWeeks;
      },
      std::chrono::seconds(120)));
  const HttpResult home = HttpGet(port, "/", {{"Accept-Encoding", "gzip"}});
  ASSERT_EQ(home.status, 200);
  EXPECT_EQ(home.content_encoding, "gzip");
  EXPECT_LT(home.body.size(), 200u * 1024);
  const HttpResult list =
      HttpGet(port, "/bulletins", {{"Accept-Encoding", "gzip"}});
  EXPECT_LT(list.body.size(), 200u * 1024);
}

}  // namespace
}  // namespace cncert::testing
