// The attacks that once broke the exporter, as a hostile user or a clumsy
// operator would make them, on loopback: each must leave the figures, the
// scrape and the process intact.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/archive_fixture.h"
#include "tests/support/process.h"
#include "tests/support/test_support.h"

namespace cncert::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

using HostileTest = ArchiveFixture;

TEST_F(HostileTest, OperatorFilesInAConfigMapLayoutAreFollowed) {
  // Kubernetes mounts ConfigMap keys as symlinks: web.yml → ..data/web.yml,
  // ..data → ..2024_01_01_00_00_00.1/.
  Add("tests/golden/seed_wechat_2024.md");
  const std::string cm = dir_ + "-cm";
  fs::create_directories(cm + "/..v1");
  WriteFile(cm + "/..v1/web.yml", "{}\n");
  WriteFile(cm + "/..v1/rules.yml",
            ReadFile(SourcePath("parsers/rules/cncert_weekly.yaml")));
  fs::create_directory_symlink("..v1", cm + "/..data");
  fs::create_symlink("..data/web.yml", cm + "/web.yml");
  fs::create_symlink("..data/rules.yml", cm + "/rules.yml");
  auto server = Start({"--web.config.file", cm + "/web.yml", "--rules",
                       cm + "/rules.yml", "--bulletins.settle-ms", "100"});
  ASSERT_TRUE(server.ok()) << server.process().Log();
  EXPECT_EQ(ScrapeValue(Metrics(server.port()), "cncert_incidents_handled"),
            177);
  // Archive entries still refuse symlinks.
  fs::create_symlink(cm + "/..v1/web.yml", dir_ + "/linked.md");
  ASSERT_TRUE(Eventually(
      [&] {
        return Metrics(server.port())
                   .find("file=\"linked.md\",reason=\"not_regular\"") !=
               std::string::npos;
      },
      10s));
  fs::remove_all(cm);
}

TEST_F(HostileTest, AFileNameThatIsNotUtf8KeepsTheScrapeValid) {
  Add("tests/golden/seed_wechat_2024.md");
  Add("tests/bad/binary.bin", "\xc4\xe3\xba\xc3.bin");  // GBK
  auto server = Start({"--bulletins.settle-ms", "100"});
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE(Eventually(
      [&] {
        return Metrics(server.port()).find("file=\"%C4%E3%BA%C3.bin\"") !=
               std::string::npos;
      },
      10s));
  const std::string m = Metrics(server.port());
  const std::string file = dir_ + "-scrape.txt";
  WriteFile(file, m);
  const Output check =
      RunCommand({"sh", "-c", "promtool check metrics < " + file});
  fs::remove(file);
  EXPECT_EQ(check.status, 0) << check.text;
}

TEST_F(HostileTest, DamagedNewerFilesNeverDisplaceTheServedFigures) {
  Add("tests/golden/seed_wechat_2024.md");
  auto server = Start();
  ASSERT_TRUE(server.ok());
  const std::string before = Figures(Metrics(server.port()));
  // A far-future issue with one cut-off sentence and no figure, and the
  // first 600 bytes of the next issue.
  WriteFile(dir_ + "/x.txt",
            "网络安全信息与动态周报2099年第1期(1月1日-1月7日)\n\n"
            "本周网络安全基本态势\n\n本周,互联网网络安全态势整体");
  std::string next = ReadFile(SourcePath("tests/golden/seed_wechat_2024.md"));
  for (const auto& [from, to] :
       std::vector<std::pair<std::string, std::string>>{
           {"第29期", "第30期"}, {"7月15日-7月21日", "7月22日-7月28日"}}) {
    for (auto at = next.find(from); at != std::string::npos;
         at = next.find(from)) {
      next.replace(at, from.size(), to);
    }
  }
  WriteFile(dir_ + "/next.md", next.substr(0, next.find("含跨境")));
  ASSERT_TRUE(Eventually(
      [&] {
        return ScrapeValue(
                   Metrics(server.port()),
                   "cncert_exporter_archive_files{state=\"held_back\"}") == 2;
      },
      10s))
      << Metrics(server.port());
  const std::string m = Metrics(server.port());
  EXPECT_EQ(Figures(m), before);
  EXPECT_THAT(m, HasSubstr("file=\"x.txt\",reason=\"no_figures\""));
  EXPECT_THAT(m, HasSubstr("file=\"next.md\",reason=\"truncated\""));
}

TEST_F(HostileTest, AFailingFileDatedInTheFutureIsReportedNotPendingForever) {
  Add("tests/golden/seed_wechat_2024.md");
  Add("tests/bad/binary.bin");
  const auto future = fs::file_time_type::clock::now() + std::chrono::hours(24);
  fs::last_write_time(dir_ + "/binary.bin", future);
  auto server = Start({"--bulletins.settle-ms", "100"});
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE(Eventually(
      [&] {
        return ScrapeValue(Metrics(server.port()),
                           "cncert_exporter_archive_files{state=\"failed\"}") ==
               1;
      },
      15s))
      << Metrics(server.port());
  EXPECT_EQ(ScrapeValue(Metrics(server.port()),
                        "cncert_exporter_archive_files{state=\"pending\"}"),
            0);
}

TEST_F(HostileTest, MultiRangeRequestsAreRefused) {
  Add("tests/golden/seed_wechat_2024.md");
  auto server = Start();
  ASSERT_TRUE(server.ok());
  // 1,500 ranges in 6 KB: each would copy the whole response.
  std::string ranges = "bytes=0-0";
  for (int i = 1; i < 1500; ++i) ranges += ",0-0";
  const HttpResult r = HttpGet(server.port(), "/api/v1/bulletins?provenance=1",
                               {{"Range", ranges}});
  EXPECT_EQ(r.status, 416);
  EXPECT_EQ(
      HttpGet(server.port(), "/api/v1/bulletins", {{"Range", "bytes=0-9"}})
          .status,
      206);
}

TEST_F(HostileTest, TheBulletinsApiComesInPages) {
  Add("tests/golden/seed_wechat_2024.md");
  Add("tests/golden/full_layout_2018.txt");
  Add("tests/golden/erratum_2017.txt");
  auto server = Start();
  ASSERT_TRUE(server.ok());
  const int port = server.port();
  auto page = [port](const std::string& query) {
    const HttpResult r = HttpGet(port, "/api/v1/bulletins" + query);
    EXPECT_EQ(r.status, 200) << query;
    return nlohmann::json::parse(r.body, nullptr, false);
  };
  const auto whole = page("?provenance=1");
  ASSERT_EQ(whole["bulletins"].size(), 3u);
  EXPECT_FALSE(whole.contains("total"));
  // Pages hold the same objects, newest first, and say where they are.
  for (std::size_t i = 0; i < 3; ++i) {
    const auto one = page("?provenance=1&limit=1&offset=" + std::to_string(i));
    EXPECT_EQ(one["total"], 3);
    EXPECT_EQ(one["offset"], i);
    ASSERT_EQ(one["bulletins"].size(), 1u);
    EXPECT_EQ(one["bulletins"][0], whole["bulletins"][i]);
    EXPECT_EQ(one["failed"], whole["failed"]);
  }
  EXPECT_EQ(page("?limit=2")["bulletins"].size(), 2u);
  EXPECT_TRUE(page("?offset=7")["bulletins"].empty());
  for (const char* bad : {"?limit=0", "?limit=1001", "?offset=-1", "?limit=abc",
                          "?offset=99999999999"}) {
    EXPECT_EQ(HttpGet(port, std::string("/api/v1/bulletins") + bad).status, 400)
        << bad;
  }
}

TEST_F(HostileTest, CompressionFollowsAcceptEncodingAndSaysItVaries) {
  Add("tests/golden/seed_wechat_2024.md");
  auto server = Start();
  ASSERT_TRUE(server.ok());
  const int port = server.port();
  auto encoding = [port](const std::string& accept) {
    const HttpResult r =
        HttpGet(port, "/metrics", {{"Accept-Encoding", accept}});
    EXPECT_EQ(r.status, 200) << accept;
    EXPECT_EQ(r.vary, "Accept-Encoding") << accept;
    return r.content_encoding;
  };
  EXPECT_EQ(encoding("gzip"), "gzip");
  EXPECT_EQ(encoding("gzip;q=0"), "");
  EXPECT_EQ(encoding("gzip; q=0.0, identity"), "");
  EXPECT_EQ(encoding("*;q=0, identity"), "");
  EXPECT_EQ(encoding("*"), "br");
  EXPECT_EQ(encoding("br;q=0, gzip;q=0.5"), "gzip");
  EXPECT_EQ(encoding("identity"), "");
}

TEST_F(HostileTest, ABulletinsUrlBecomesALinkOnlyWhenItIsAWebAddress) {
  std::string md = ReadFile(SourcePath("tests/golden/seed_wechat_2024.md"));
  const auto url = md.find("url: ");
  md.replace(url, md.find('\n', url) - url, "url: javascript:alert(1)");
  WriteFile(dir_ + "/seed.md", md);
  auto server = Start();
  ASSERT_TRUE(server.ok());
  const std::string page = HttpGet(server.port(), "/").body;
  EXPECT_THAT(page, HasSubstr("网络安全信息与动态周报2024年第29期"));
  EXPECT_THAT(page, Not(HasSubstr("javascript:")));
}

}  // namespace
}  // namespace cncert::testing
