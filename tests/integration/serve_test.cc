// `cncert_exporter serve` as a user runs it: the real binary on a free port,
// fixture archives in a temporary directory, HTTP from outside.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <mutex>
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

using ServeTest = ArchiveFixture;

TEST_F(ServeTest, ServesTheNewestBulletinWithIdentityAndCumulativeCounters) {
  Add("tests/golden/full_layout_2018.txt");
  Add("tests/golden/variants_2019.md");
  Add("tests/golden/seed_wechat_2024.md");
  auto server = Start();
  ASSERT_TRUE(server.ok()) << server.process().Log();
  const HttpResult r = HttpGet(server.port(), "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(ScrapeValue(r.body, "cncert_security_posture_rating"), 2);
  EXPECT_EQ(ScrapeValue(r.body, "cncert_incidents_handled"), 177);
  EXPECT_EQ(ScrapeValue(r.body, "cncert_phishing_complaints_handled"), 152);
  // Figures the newest bulletin does not state are absent, never 0.
  EXPECT_THAT(r.body, Not(HasSubstr("\ncncert_defaced_websites ")));
  EXPECT_EQ(ScrapeValue(r.body, "cncert_incidents_handled_cumulative_total"),
            465 + 383 + 177);
  EXPECT_EQ(ScrapeValue(r.body, "cncert_defaced_websites_cumulative_total"),
            3216 + 1208);
  EXPECT_THAT(
      r.body,
      HasSubstr(
          "cncert_bulletin_info{issue=\"2024-29\",title="
          "\"网络安全信息与动态周报"
          "2024年第29期(7月15日-7月21日)\",url=\"https://mp.weixin.qq.com/"));
  EXPECT_EQ(
      ScrapeValue(r.body, "cncert_bulletin_period_start_timestamp_seconds"),
      1720972800);  // 2024-07-15T00:00+08:00
  EXPECT_EQ(ScrapeValue(r.body, "cncert_bulletin_published_timestamp_seconds"),
            1721836800);
  EXPECT_EQ(ScrapeValue(r.body, "cncert_exporter_bulletins_loaded"), 3);
  EXPECT_EQ(ScrapeValue(r.body, "cncert_exporter_last_reload_successful"), 1);
  EXPECT_THAT(r.body, HasSubstr("cncert_exporter_build_info{"));
  EXPECT_GT(ScrapeValue(r.body, "process_resident_memory_bytes").value_or(0),
            0);
  EXPECT_GT(ScrapeValue(r.body, "process_open_fds").value_or(0), 0);

  const std::string file = dir_ + "/scrape.txt";
  WriteFile(file, r.body);
  const Output check =
      RunCommand({"sh", "-c", "promtool check metrics < " + file});
  EXPECT_EQ(check.status, 0) << check.text;
  EXPECT_EQ(check.text, "") << "promtool lint findings";
}

TEST_F(ServeTest, ThePdfAndImageReadersAreLoadedOnlyWhenAFileNeedsThem) {
  // poppler and Tesseract bring some sixty libraries: an archive of text
  // never maps them.
  Add("tests/golden/full_layout_2018.txt");
  auto server = Start();
  ASSERT_TRUE(server.ok());
  ASSERT_EQ(
      ScrapeValue(Metrics(server.port()), "cncert_security_posture_rating"), 3);
  const std::string maps =
      "/proc/" + std::to_string(server.process().pid()) + "/maps";
  EXPECT_THAT(ReadFile(maps), Not(HasSubstr("poppler")));
  EXPECT_THAT(ReadFile(maps), Not(HasSubstr("tesseract")));
  // A PDF brings its reader along, and no more.
  Add("tests/fixtures/pdf/cncert-2026-10.pdf");
  EXPECT_TRUE(Eventually(
      [&] {
        return ReadFile(maps).find("cncert_pdf_reader.so") != std::string::npos;
      },
      10s));
  EXPECT_TRUE(Eventually(
      [&] {
        return Metrics(server.port()).find("issue=\"2026-10\"") !=
               std::string::npos;
      },
      10s))
      << server.process().Log();
  EXPECT_THAT(ReadFile(maps), Not(HasSubstr("tesseract")));
}

TEST_F(ServeTest, TheSameBulletinInTwoFilesCountsOnce) {
  Add("tests/golden/seed_wechat_2024.md");
  Add("tests/golden/seed_gb18030.md");
  Add("tests/bad/truncated.md");  // the same issue, cut short: never served
  auto server = Start();
  ASSERT_TRUE(server.ok());
  const std::string m = Metrics(server.port());
  EXPECT_EQ(ScrapeValue(m, "cncert_exporter_bulletins_loaded"), 1);
  EXPECT_EQ(
      ScrapeValue(m, "cncert_exporter_archive_files{state=\"duplicate\"}"), 1);
  EXPECT_EQ(
      ScrapeValue(m, "cncert_exporter_archive_files{state=\"held_back\"}"), 1);
  EXPECT_EQ(ScrapeValue(m,
                        "cncert_exporter_archive_file_held_back{file="
                        "\"truncated.md\",reason=\"truncated\"}"),
            1);
  EXPECT_EQ(ScrapeValue(m, "cncert_incidents_handled_cumulative_total"), 177);
  EXPECT_EQ(ScrapeValue(m, "cncert_incidents_cross_border"), 51);
}

TEST_F(ServeTest, AddingChangingAndDeletingFilesReloadsWithoutRestart) {
  Add("tests/golden/full_layout_2018.txt");
  auto server = Start();
  ASSERT_TRUE(server.ok());
  const int port = server.port();
  EXPECT_EQ(ScrapeValue(Metrics(port), "cncert_security_posture_rating"), 3);

  Add("tests/golden/year_crossing_2025.md", "2025-01.md");
  EXPECT_TRUE(Eventually(
      [&] {
        return ScrapeValue(Metrics(port), "cncert_security_posture_rating") ==
               4;
      },
      10s))
      << server.process().Log();
  EXPECT_EQ(
      ScrapeValue(Metrics(port), "cncert_incidents_handled_cumulative_total"),
      465 + 212);

  std::string changed =
      ReadFile(SourcePath("tests/golden/year_crossing_2025.md"));
  changed.replace(changed.find("评价为差"), std::string("评价为差").size(),
                  "评价为优");
  WriteFile(dir_ + "/2025-01.md", changed);
  EXPECT_TRUE(Eventually(
      [&] {
        return ScrapeValue(Metrics(port), "cncert_security_posture_rating") ==
               1;
      },
      10s));

  fs::remove(dir_ + "/2025-01.md");
  EXPECT_TRUE(Eventually(
      [&] {
        return ScrapeValue(Metrics(port), "cncert_security_posture_rating") ==
               3;
      },
      10s));
  // A counter never falls: the removed week's incidents stay counted, and
  // the correction is reported.
  EXPECT_EQ(
      ScrapeValue(Metrics(port), "cncert_incidents_handled_cumulative_total"),
      465 + 212);
  // One correction per counter whose sum fell.
  EXPECT_GE(
      ScrapeValue(Metrics(port), "cncert_exporter_cumulative_corrections_total")
          .value_or(0),
      1);
  // Nor across a restart.
  server.process().Stop();
  auto again = Start();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ScrapeValue(Metrics(again.port()),
                        "cncert_incidents_handled_cumulative_total"),
            465 + 212);
}

TEST_F(ServeTest, BadFilesChangeNothingButTheErrorMetrics) {
  Add("tests/golden/seed_wechat_2024.md");
  auto server = Start();
  ASSERT_TRUE(server.ok());
  const int port = server.port();
  const std::string before = Figures(Metrics(port));
  ASSERT_THAT(before, HasSubstr("cncert_incidents_handled 177"));

  struct Bad {
    std::string fixture;
    std::string reason;
  };
  const std::vector<Bad> bad = {{"tests/bad/empty.txt", "empty"},
                                {"tests/bad/binary.bin", "binary"},
                                {"tests/bad/not_text.txt", "encoding"},
                                {"tests/bad/noise_only.html", "no_bulletin"}};
  for (const auto& b : bad) Add(b.fixture);
  // A 100 MB file, refused before it is read.
  WriteFile(dir_ + "/huge.md", "");
  ASSERT_EQ(::truncate((dir_ + "/huge.md").c_str(), 100 << 20), 0);
  // A "PDF" that is not one.
  WriteFile(dir_ + "/report.pdf", "%PDF-1.7\nnot really\n");

  EXPECT_TRUE(Eventually(
      [&] {
        return ScrapeValue(Metrics(port),
                           "cncert_exporter_archive_files{state=\"failed\"}") ==
               6;
      },
      15s))
      << Metrics(port) << server.process().Log();
  const std::string after = Metrics(port);
  EXPECT_EQ(Figures(after), before);
  for (const auto& b : bad) {
    EXPECT_EQ(
        ScrapeValue(after, "cncert_exporter_parse_failures_total{reason=\"" +
                               b.reason + "\"}"),
        1)
        << b.reason;
    EXPECT_THAT(after, HasSubstr("cncert_exporter_archive_file_failed{file=\"" +
                                 fs::path(b.fixture).filename().string() +
                                 "\",reason=\"" + b.reason + "\"} 1"));
  }
  EXPECT_EQ(
      ScrapeValue(after,
                  "cncert_exporter_parse_failures_total{reason=\"too_large\"}"),
      1);
  EXPECT_EQ(ScrapeValue(after,
                        "cncert_exporter_parse_failures_total{reason=\"pdf\"}"),
            1);
  EXPECT_THAT(server.process().Log(), HasSubstr("reason=binary"));
  EXPECT_TRUE(server.process().running());
}

TEST_F(ServeTest, AFileStillBeingWrittenIsRetriedNotReported) {
  Add("tests/golden/full_layout_2018.txt");
  auto server = Start();
  ASSERT_TRUE(server.ok());
  const int port = server.port();
  const std::string whole =
      ReadFile(SourcePath("tests/golden/wechat_2021.html"));
  const std::string path = dir_ + "/2021-18.html";
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  const std::string head = whole.substr(0, 200);  // no bulletin in it yet
  std::fwrite(head.data(), 1, head.size(), f);
  std::fflush(f);
  server.process().Signal(SIGHUP);
  EXPECT_TRUE(Eventually(
      [&] {
        return ScrapeValue(
                   Metrics(port),
                   "cncert_exporter_archive_files{state=\"pending\"}") == 1;
      },
      10s));
  std::fwrite(whole.data() + head.size(), 1, whole.size() - head.size(), f);
  std::fclose(f);
  EXPECT_TRUE(Eventually(
      [&] {
        return ScrapeValue(Metrics(port), "cncert_incidents_handled") == 264;
      },
      10s));
  const std::string m = Metrics(port);
  EXPECT_EQ(
      ScrapeValue(
          m, "cncert_exporter_parse_failures_total{reason=\"no_bulletin\"}"),
      0);
  EXPECT_EQ(ScrapeValue(m, "cncert_exporter_archive_files{state=\"failed\"}"),
            0);
}

TEST_F(ServeTest, AFileFailingAtStartIsReportedOnceItSettles) {
  Add("tests/golden/seed_wechat_2024.md");
  Add("tests/bad/binary.bin");  // written just now: pending at the first load
  auto server = Start();
  ASSERT_TRUE(server.ok());
  EXPECT_TRUE(Eventually(
      [&] {
        return ScrapeValue(
                   Metrics(server.port()),
                   "cncert_exporter_parse_failures_total{reason=\"binary\"}") ==
               1;
      },
      10s));
}

TEST_F(ServeTest, SighupAndReloadEndpointReloadRulesAndKeepStateOnFailure) {
  Add("tests/golden/full_layout_2018.txt");
  const std::string rules =
      dir_ + "/../" + fs::path(dir_).filename().string() + ".rules.yaml";
  WriteFile(rules, ReadFile(SourcePath("tests/rules/minimal.good.yml")));
  auto server = Start({"--rules", rules, "--web.enable-lifecycle"});
  ASSERT_TRUE(server.ok()) << server.process().Log();
  const int port = server.port();
  EXPECT_EQ(ScrapeValue(Metrics(port), "cncert_incidents_handled"), 465);
  EXPECT_FALSE(
      ScrapeValue(Metrics(port), "cncert_security_posture_rating").has_value());

  WriteFile(rules, ReadFile(SourcePath("parsers/rules/cncert_weekly.yaml")));
  server.process().Signal(SIGHUP);
  EXPECT_TRUE(Eventually(
      [&] {
        return ScrapeValue(Metrics(port), "cncert_security_posture_rating") ==
               3;
      },
      10s));

  WriteFile(rules, ReadFile(SourcePath("tests/rules/invalid_regex.bad.yml")));
  const HttpResult reload = HttpPost(port, "/-/reload");
  EXPECT_EQ(reload.status, 500);
  const std::string m = Metrics(port);
  EXPECT_EQ(ScrapeValue(m, "cncert_security_posture_rating"), 3);
  EXPECT_EQ(ScrapeValue(m, "cncert_exporter_last_reload_successful"), 0);
  EXPECT_EQ(ScrapeValue(m, "cncert_exporter_reload_failures_total"), 1);
  EXPECT_THAT(server.process().Log(), HasSubstr("invalid regex in pattern 1"));

  WriteFile(rules, ReadFile(SourcePath("parsers/rules/cncert_weekly.yaml")));
  EXPECT_EQ(HttpPost(port, "/-/reload").status, 200);
  EXPECT_EQ(
      ScrapeValue(Metrics(port), "cncert_exporter_last_reload_successful"), 1);
  fs::remove(rules);
}

TEST_F(ServeTest, StatedChangesAreCheckedAgainstThePreviousWeek) {
  auto bulletin = [](const std::string& period, int defaced,
                     const std::string& change) {
    return "网络安全信息与动态周报2020年第" + period +
           "\n本周网站安全情况\n"
           "本周CNCERT监测发现境内被篡改网站数量为3000个。本周境内被篡改政府网"
           "站（GOV类）数量为" +
           std::to_string(defaced) + "个（约占境内" +
           std::to_string(defaced * 100 / 3000) + "." +
           std::to_string(defaced * 1000 / 3000 % 10) + "%），较上周环比" +
           change + "。\n";
  };
  WriteFile(dir_ + "/w1.txt",
            bulletin("2期（1月6日-1月12日）", 100, "增长了5.0%"));
  WriteFile(dir_ + "/w2.txt",
            bulletin("3期（1月13日-1月19日）", 110, "增长了10.0%"));
  WriteFile(dir_ + "/w3.txt",
            bulletin("4期（1月20日-1月26日）", 121, "增长了50.0%"));
  auto server = Start();
  ASSERT_TRUE(server.ok());
  const std::string m = Metrics(server.port());
  EXPECT_EQ(ScrapeValue(m, "cncert_exporter_archive_inconsistencies"), 1);
  const auto j =
      nlohmann::json::parse(HttpGet(server.port(), "/api/v1/bulletins").body);
  ASSERT_EQ(j["archive_warnings"].size(), 1u);
  EXPECT_THAT(
      j["archive_warnings"][0].get<std::string>(),
      HasSubstr("w3.txt states cncert_defaced_government_websites_change_ratio "
                "= 0.5, "
                "but cncert_defaced_government_websites went from 110 (w2.txt) "
                "to 121"));
}

TEST_F(ServeTest, LifecycleEndpointsAreOffByDefault) {
  Add("tests/golden/seed_wechat_2024.md");
  auto server = Start();
  ASSERT_TRUE(server.ok());
  EXPECT_EQ(HttpPost(server.port(), "/-/reload").status, 403);
  EXPECT_EQ(HttpPost(server.port(), "/-/quit").status, 403);
  EXPECT_TRUE(server.process().running());
}

TEST_F(ServeTest, EndpointsBehaveAsPrometheusUsersExpect) {
  Add("tests/golden/seed_wechat_2024.md");
  auto server = Start({"--web.enable-lifecycle"});
  ASSERT_TRUE(server.ok());
  const int port = server.port();
  const HttpResult landing = HttpGet(port, "/");
  EXPECT_EQ(landing.status, 200);
  EXPECT_THAT(landing.content_type, HasSubstr("text/html"));
  EXPECT_THAT(landing.body, HasSubstr("网络安全信息与动态周报2024年第29期"));
  EXPECT_THAT(landing.body, HasSubstr("<td class=\"num\">177</td>"));
  EXPECT_THAT(landing.body, HasSubstr("href=\"/metrics\""));
  EXPECT_THAT(landing.body, HasSubstr("1 bulletin, 0 failed files"));
  EXPECT_THAT(HttpGet(port, "/bulletins").body,
              HasSubstr("<p>1 bulletin.</p>"));
  EXPECT_EQ(HttpGet(port, "/-/healthy").status, 200);
  EXPECT_EQ(HttpGet(port, "/-/ready").status, 200);
  EXPECT_EQ(HttpGet(port, "/nope").status, 404);
  EXPECT_EQ(HttpPost(port, "/metrics").status, 405);
  EXPECT_EQ(HttpGet(port, "/-/reload").status, 405);

  const HttpResult latest = HttpGet(port, "/api/v1/bulletins/latest");
  ASSERT_EQ(latest.status, 200);
  const auto j = nlohmann::json::parse(latest.body);
  EXPECT_EQ(j["bulletin"]["issue"], 29);
  EXPECT_EQ(j["values"]["cncert_incidents_handled"], 177);
  EXPECT_EQ(j["provenance"]["cncert_incidents_handled"]["match"],
            "共处理网络安全事件177起");
  const auto all =
      nlohmann::json::parse(HttpGet(port, "/api/v1/bulletins").body);
  EXPECT_EQ(all["bulletins"].size(), 1u);

  const HttpResult gz =
      HttpGet(port, "/metrics", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(gz.status, 200);
  EXPECT_EQ(gz.content_encoding, "gzip");
  EXPECT_EQ(gz.body.substr(0, 2), "\x1f\x8b");

  EXPECT_EQ(HttpPost(port, "/-/quit").status, 200);
  EXPECT_TRUE(Eventually([&] { return !server.process().running(); }, 10s));
  EXPECT_EQ(server.process().Stop(), 0);
}

TEST_F(ServeTest, EmptyArchiveServesOnlySelfMetrics) {
  auto server = Start();
  ASSERT_TRUE(server.ok());
  const std::string m = Metrics(server.port());
  EXPECT_EQ(ScrapeValue(m, "cncert_exporter_bulletins_loaded"), 0);
  EXPECT_THAT(m, Not(HasSubstr("cncert_bulletin_info")));
  EXPECT_EQ(HttpGet(server.port(), "/api/v1/bulletins/latest").status, 404);
}

TEST_F(ServeTest, ConcurrentScrapesDuringReloadsSeeWholeExpositions) {
  Add("tests/golden/full_layout_2018.txt");
  Add("tests/golden/seed_wechat_2024.md");
  // Four scrapers, each opening a connection per scrape: one may open its
  // next before the server has counted the last one closed, which the
  // per-client cap (4) would answer with a 503. That cap is not this test's.
  auto server = Start({"--web.max-connections-per-client", "0"});
  ASSERT_TRUE(server.ok());
  const int port = server.port();
  std::atomic<int> bad{0};
  std::atomic<int> done{0};
  std::mutex first_bad_mutex;
  std::string first_bad;
  std::vector<std::thread> scrapers;
  for (int t = 0; t < 4; ++t) {
    scrapers.emplace_back([&] {
      for (int i = 0; i < 40; ++i) {
        const HttpResult r = HttpGet(port, "/metrics");
        const bool whole =
            r.status == 200 && r.body.ends_with("\n") &&
            ScrapeValue(r.body, "cncert_incidents_handled") == 177 &&
            ScrapeValue(r.body, "cncert_incidents_handled_cumulative_total") ==
                642 &&
            r.body.find("process_open_fds") != std::string::npos;
        if (!whole && bad++ == 0) {
          const std::lock_guard<std::mutex> lock(first_bad_mutex);
          first_bad = std::to_string(r.status) + ": " + r.body.substr(0, 300);
        }
        ++done;
      }
    });
  }
  for (int i = 0; i < 30; ++i) {
    server.process().Signal(SIGHUP);
    std::this_thread::sleep_for(20ms);
  }
  for (auto& t : scrapers) t.join();
  EXPECT_EQ(done.load(), 160);
  EXPECT_EQ(bad.load(), 0) << first_bad;
  EXPECT_TRUE(server.process().running());
}

TEST_F(ServeTest, StartupErrorsAreClear) {
  const Output missing = RunCommand(
      {CNCERT_EXPORTER_BINARY, "serve", "--bulletins.dir",
       dir_ + "/does-not-exist", "--web.listen-address", "127.0.0.1:0"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_THAT(missing.text, HasSubstr("cannot read the archive directory"));
  const Output address =
      RunCommand({CNCERT_EXPORTER_BINARY, "serve", "--bulletins.dir", dir_,
                  "--web.listen-address", "nonsense"});
  EXPECT_EQ(address.status, 1);
  EXPECT_THAT(address.text,
              HasSubstr("invalid --web.listen-address 'nonsense'"));
  const Output rules = RunCommand(
      {CNCERT_EXPORTER_BINARY, "serve", "--bulletins.dir", dir_, "--rules",
       SourcePath("tests/rules/unknown_section.bad.yml")});
  EXPECT_EQ(rules.status, 1);
  EXPECT_THAT(rules.text, HasSubstr("unknown section 'incidents'"));
}

TEST_F(ServeTest, ASecondExporterOnTheSamePortFailsToStart) {
  auto first = Start();
  ASSERT_TRUE(first.ok()) << first.process().Log();
  Process second({CNCERT_EXPORTER_BINARY, "serve", "--bulletins.dir", dir_,
                  "--web.listen-address", first.address()});
  EXPECT_TRUE(Eventually([&] { return !second.running(); }, 10s))
      << "it serves beside the first: " << second.Log();
  EXPECT_EQ(second.Stop(), 1);
  EXPECT_THAT(second.Log(), HasSubstr("cannot listen on " + first.address()));
  // Every scrape still reaches the first.
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(HttpGet(first.port(), "/-/healthy").status, 200);
  }
  EXPECT_TRUE(first.process().running());
  // Its port is free again as soon as it stops, connections or not.
  const std::string address = first.address();
  EXPECT_EQ(first.process().Stop(), 0);
  Process again({CNCERT_EXPORTER_BINARY, "serve", "--bulletins.dir", dir_,
                 "--web.listen-address", address});
  EXPECT_TRUE(again.WaitForLog("msg=listening", 10s)) << again.Log();
}

TEST_F(ServeTest, MaxRequestsShedsWhatIsOverTheLimitWith503) {
  Add("tests/golden/seed_wechat_2024.md");
  ExporterServer server = Start({"--web.max-requests", "1"});
  ASSERT_TRUE(server.ok()) << server.process().Log();
  // A client that sends half a request holds the only place.
  const int slow = ConnectLoopback(server.port());
  ASSERT_GE(slow, 0);
  const std::string partial = "GET /metrics HTTP/1.1\r\nHost: x\r\n";
  ASSERT_EQ(::write(slow, partial.data(), partial.size()),
            static_cast<ssize_t>(partial.size()));
  std::this_thread::sleep_for(200ms);
  const HttpResult shed = HttpGet(server.port(), "/metrics");
  EXPECT_EQ(shed.status, 503);
  EXPECT_THAT(shed.body, HasSubstr("--web.max-requests"));
  ::close(slow);
  // Once the place is free again, scrapes are served, and the shed ones
  // are counted. (With one place, a scrape right after another may be shed
  // too while the first connection winds down: hence Eventually.)
  EXPECT_TRUE(Eventually(
      [&] {
        const HttpResult r = HttpGet(server.port(), "/metrics");
        return r.status == 200 &&
               ScrapeValue(r.body, "cncert_exporter_scrapes_rejected_total")
                       .value_or(0) >= 1;
      },
      5s));
}

}  // namespace
}  // namespace cncert::testing
