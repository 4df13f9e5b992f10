// The attacks that once broke the exporter, as a hostile user or a clumsy
// operator would make them, on loopback: each must leave the figures, the
// scrape and the process intact.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <latch>
#include <nlohmann/json.hpp>
#include <thread>

#include "parsers/allocation_watch.h"
#include "tests/support/archive_fixture.h"
#include "tests/support/process.h"
#include "tests/support/synthetic_archive.h"
#include "tests/support/test_support.h"
#include "tests/support/tiny_pdf.h"

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

// Reads what arrives on `fd` until `done` says so or `timeout` passes.
std::string ReadUntil(int fd,
                      const std::function<bool(const std::string&)>& done,
                      std::chrono::milliseconds timeout) {
  std::string got;
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!done(got) && std::chrono::steady_clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return got;
}

TEST_F(HostileTest, SlowClientsNeitherHoldWorkersNorStopScrapes) {
  Add("tests/golden/seed_wechat_2024.md");
  auto server = Start({"--web.request-timeout", "2"});
  ASSERT_TRUE(server.ok());
  const int port = server.port();
  // Twelve connections from a second address, each sending a header line
  // now and then: four are admitted, the rest are told 503 at once.
  std::vector<int> slow;
  for (int i = 0; i < 12; ++i) {
    const int fd = ConnectLoopbackFrom(port, "127.0.0.2");
    ASSERT_GE(fd, 0);
    const std::string start = "GET /metrics HTTP/1.1\r\nHost: x\r\n";
    ASSERT_EQ(::send(fd, start.data(), start.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(start.size()));
    slow.push_back(fd);
  }
  std::atomic<bool> stop{false};
  std::thread trickle([&] {
    while (!stop) {
      for (const int fd : slow) {
        (void)::send(fd, "X-Slow: 1\r\n", 11, MSG_NOSIGNAL);
      }
      std::this_thread::sleep_for(300ms);
    }
  });
  int refused = 0;
  for (const int fd : slow) {
    refused += ReadUntil(
                   fd,
                   [](const std::string& s) {
                     return s.find("\r\n\r\n") != std::string::npos;
                   },
                   300ms)
                   .starts_with("HTTP/1.1 503");
  }
  EXPECT_EQ(refused, 8);
  // Meanwhile every scrape from elsewhere is answered at once.
  for (int i = 0; i < 20; ++i) {
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(HttpGet(port, "/metrics").status, 200);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
    std::this_thread::sleep_for(100ms);
  }
  // The slow requests are cut at their deadline, trickle as they may.
  int cut = 0;
  for (const int fd : slow) cut += ClosedByPeer(fd, 100ms);
  EXPECT_EQ(cut, 12);
  // Slow clients do not hold up a stop either: new ones, half-way through
  // their requests, and an idle keep-alive connection.
  for (int i = 0; i < 3; ++i) {
    const int fd = ConnectLoopbackFrom(port, "127.0.0.2");
    ASSERT_GE(fd, 0);
    (void)::send(fd, "GET / HTTP/1.1\r\n", 16, MSG_NOSIGNAL);
    slow.push_back(fd);
  }
  const int idle = ConnectLoopback(port);
  const std::string healthy = "GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n";
  (void)::send(idle, healthy.data(), healthy.size(), MSG_NOSIGNAL);
  (void)ReadUntil(
      idle,
      [](const std::string& s) {
        return s.find("Healthy") != std::string::npos;
      },
      2s);
  EXPECT_EQ(server.process().Stop(std::chrono::seconds(2)), 0)
      << server.process().Log();
  stop = true;
  trickle.join();
  ::close(idle);
  for (const int fd : slow) ::close(fd);
}

TEST_F(HostileTest, AHeaderBombIsCutOffAndPipelinedRequestsAreAnswered) {
  Add("tests/golden/seed_wechat_2024.md");
  auto server = Start();
  ASSERT_TRUE(server.ok());
  const int port = server.port();
  // 32 MB of headers: the connection ends long before they are sent.
  const int bomb = ConnectLoopback(port);
  ASSERT_GE(bomb, 0);
  std::string chunk = "GET /metrics HTTP/1.1\r\n";
  const std::string header = "X-Bomb: " + std::string(100, 'a') + "\r\n";
  while (chunk.size() < (1u << 20)) chunk += header;
  std::size_t sent = 0;
  for (int i = 0; i < 32; ++i) {
    const ssize_t n = ::send(bomb, chunk.data(), chunk.size(), MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  ::close(bomb);
  EXPECT_LT(sent, 32u << 20);
  // Three requests in one write: three answers.
  const int fd = ConnectLoopback(port);
  ASSERT_GE(fd, 0);
  std::string three;
  for (int i = 0; i < 3; ++i)
    three += "GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::send(fd, three.data(), three.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(three.size()));
  const std::string answers = ReadUntil(
      fd,
      [](const std::string& s) {
        std::size_t n = 0;
        for (std::size_t p = 0; (p = s.find("Healthy", p)) != std::string::npos;
             ++p) {
          ++n;
        }
        return n == 3;
      },
      3s);
  ::close(fd);
  std::size_t n = 0;
  for (std::size_t p = 0; (p = answers.find("Healthy", p)) != std::string::npos;
       ++p) {
    ++n;
  }
  EXPECT_EQ(n, 3u) << answers;
  EXPECT_EQ(HttpGet(port, "/-/healthy").status, 200);
}

// A response's head waits for its body to go out with it: one without a
// body (HEAD) and an interim "100 Continue" must still go out at once.
TEST_F(HostileTest, HeadsWithoutABodyAndInterimAnswersAreSent) {
  Add("tests/golden/seed_wechat_2024.md");
  auto server = Start();
  ASSERT_TRUE(server.ok());
  const auto head_complete = [](const std::string& s) {
    return s.find("\r\n\r\n") != std::string::npos;
  };
  const int fd = ConnectLoopback(server.port());
  ASSERT_GE(fd, 0);
  const std::string head = "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::send(fd, head.data(), head.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(head.size()));
  const std::string answer = ReadUntil(fd, head_complete, 3s);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 200")) << answer;
  EXPECT_NE(answer.find("Content-Length: "), std::string::npos) << answer;
  ::close(fd);

  const int post = ConnectLoopback(server.port());
  ASSERT_GE(post, 0);
  const std::string ask =
      "POST /elsewhere HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
      "Expect: 100-continue\r\n\r\n";
  ASSERT_EQ(::send(post, ask.data(), ask.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(ask.size()));
  const std::string interim = ReadUntil(post, head_complete, 3s);
  EXPECT_TRUE(interim.starts_with("HTTP/1.1 100 Continue")) << interim;
  ASSERT_EQ(::send(post, "hello", 5, MSG_NOSIGNAL), 5);
  const std::string final_answer = ReadUntil(post, head_complete, 3s);
  // The body is read before the route is looked up: the interim answer
  // was out before that read waited for it.
  EXPECT_TRUE(final_answer.starts_with("HTTP/1.1 404")) << final_answer;
  ::close(post);
}

// The shipped systemd unit's MemoryMax, as the unit file states it.
long long UnitMemoryMax() {
  const std::string unit =
      ReadFile(SourcePath("deploy/systemd/cncert_exporter.service"));
  const auto at = unit.find("\nMemoryMax=");
  if (at == std::string::npos) return 0;
  const long long n = std::stoll(unit.substr(at + 11));
  const char unit_char = unit[unit.find_first_not_of("0123456789", at + 11)];
  return unit_char == 'G' ? n << 30 : unit_char == 'M' ? n << 20 : n;
}

// Every attack of this file against one exporter, which must stay within
// the unit's memory limit all along (AddressSanitizer's shadow memory is
// allowed for).
TEST_F(HostileTest, EveryAttackFitsTheSystemdUnitsMemoryMax) {
  Add("tests/golden/seed_wechat_2024.md");
  for (int i = 0; i < 50; ++i) {
    Add("tests/golden/full_layout_2018.txt",
        "copy" + std::to_string(i) + ".txt");
  }
  auto server = Start({"--web.request-timeout", "2"});
  ASSERT_TRUE(server.ok());
  const int port = server.port();
  // Unclosed formatting tags that made gumbo build a quadratic tree.
  WriteFile(
      dir_ + "/bomb.html", "<html><body>" + [] {
        std::string b;
        for (int i = 0; i < 20000; ++i) b += "<b>";
        return b;
      }() + "x");
  // A PDF that takes poppler over its memory budget (in a child; not under
  // AddressSanitizer, where poppler runs in process without one).
  if (kAllocationsWatched) {
    WriteFile(dir_ + "/bomb.pdf", MakeManyPagesPdf(100'000));
  }
  // 32 MB of headers.
  {
    const int fd = ConnectLoopback(port);
    std::string chunk = "GET /metrics HTTP/1.1\r\n";
    while (chunk.size() < (1u << 20))
      chunk += "X-Bomb: " + std::string(100, 'a') + "\r\n";
    for (int i = 0; i < 32; ++i) {
      if (::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL) <= 0) break;
    }
    ::close(fd);
  }
  // Many ranges; the API with provenance over and over, eight at a time.
  std::string ranges = "bytes=0-0";
  for (int i = 1; i < 1500; ++i) ranges += ",0-0";
  (void)HttpGet(port, "/api/v1/bulletins?provenance=1", {{"Range", ranges}});
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([port] {
      for (int i = 0; i < 10; ++i) {
        (void)HttpGet(port, "/api/v1/bulletins?provenance=1");
        (void)HttpGet(port, "/");
        (void)HttpGet(port, "/bulletins");
      }
    });
  }
  // Slow clients from another address.
  std::vector<int> slow;
  for (int i = 0; i < 8; ++i) {
    const int fd = ConnectLoopbackFrom(port, "127.0.0.2");
    if (fd >= 0) {
      (void)::send(fd, "GET / HTTP/1.1\r\n", 16, MSG_NOSIGNAL);
      slow.push_back(fd);
    }
  }
  for (auto& t : clients) t.join();
  ASSERT_TRUE(Eventually(
      [&] {
        return ScrapeValue(Metrics(port), "cncert_exporter_bulletins_loaded")
                   .has_value() &&
               Metrics(port).find("bomb.html") != std::string::npos &&
               (!kAllocationsWatched ||
                Metrics(port).find("bomb.pdf") != std::string::npos);
      },
      std::chrono::seconds(30)));
  if (kAllocationsWatched) {
    EXPECT_THAT(Metrics(port),
                HasSubstr("cncert_exporter_archive_file_failed{"
                          "file=\"bomb.pdf\",reason=\"resources\"} 1"));
  }
  for (const int fd : slow) ::close(fd);
  EXPECT_EQ(HttpGet(port, "/-/healthy").status, 200);
  const long long limit = UnitMemoryMax();
  ASSERT_GT(limit, 0);
#if defined(__SANITIZE_ADDRESS__)
  const long long allowed = 3 * limit;  // shadow memory and quarantine
#else
  const long long allowed = limit;
#endif
  const long long peak = server.process().PeakResidentBytes();
  EXPECT_GT(peak, 0);
  std::printf("peak resident %lld MB of %lld MB allowed\n", peak >> 20,
              allowed >> 20);
  EXPECT_LT(peak, allowed) << "peak resident " << (peak >> 20) << " MB";
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

TEST_F(HostileTest, TheBulletinsApiServesAFewClientsAtATime) {
  // The whole archive with provenance is megabytes: made once per snapshot,
  // and no more than four requests at a time wait for it or copy it.
  WriteSyntheticArchive(
      dir_, MakeSyntheticWeeks(Date{std::chrono::year{2005},
                                    std::chrono::month{1}, std::chrono::day{3}},
                               1, 1000));
  auto server = Start({"--web.max-connections-per-client", "16"});
  ASSERT_TRUE(server.ok());
  const int port = server.port();
  constexpr int kClients = 8;  // as many as the server has workers
  // How many of eight clients asking at once overlap depends on the
  // machine's load: under ASan, with another test on the other core, some
  // are answered before the last ones ask, and those find slots free. So
  // a burst shows the cap when some are refused, and every answer is the
  // whole list or a refusal saying why; a server without the cap never
  // refuses.
  bool capped = false;
  for (int burst = 0; burst < 5 && !capped; ++burst) {
    std::vector<HttpResult> results(kClients);
    std::vector<std::thread> clients;
    std::latch start(kClients);
    for (int i = 0; i < kClients; ++i) {
      clients.emplace_back([port, &results, &start, i] {
        start.arrive_and_wait();
        results[i] = HttpGet(port, "/api/v1/bulletins?provenance=1");
      });
    }
    for (auto& c : clients) c.join();
    int served = 0;
    int refused = 0;
    for (const auto& r : results) {
      if (r.status == 200) {
        ++served;
        EXPECT_EQ(
            nlohmann::json::parse(r.body, nullptr, false)["bulletins"].size(),
            1000u);
      } else {
        ++refused;
        EXPECT_EQ(r.status, 503) << r.body;
        EXPECT_THAT(r.body, HasSubstr("Too many concurrent API requests"));
      }
    }
    EXPECT_GE(served, 1);
    capped = refused >= 1;
  }
  EXPECT_TRUE(capped) << "five bursts of eight clients, none refused";
  // Once made, it is served to each who asks.
  EXPECT_EQ(HttpGet(port, "/api/v1/bulletins?provenance=1").status, 200);
  EXPECT_EQ(HttpGet(port, "/metrics").status, 200);
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
