// The fetcher's thread, in process, against a local site.
#include "exporter/fetch/fetcher.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "tests/support/test_support.h"

namespace cncert {
namespace {

using namespace std::chrono_literals;

TEST(FetcherTest, StopInterruptsAPollBetweenTwoRequests) {
  // An index of 20 entries whose report pages each take a second: a poll
  // runs 20 s unless Stop() interrupts it.
  httplib::Server site;
  std::atomic<int> pages{0};
  site.Get("/index.html", [](const httplib::Request&, httplib::Response& res) {
    std::string html = "<html><body><ul>";
    for (int i = 1; i <= 20; ++i) {
      html += "<li>[2026-03-0" + std::to_string(1 + i % 9) + "] <a href=\"/r/" +
              std::to_string(i) + ".html\">网络安全信息与动态周报-2026年第" +
              std::to_string(i) + "期</a></li>";
    }
    res.set_content(html + "</ul></body></html>", "text/html; charset=utf-8");
  });
  site.Get(R"(/r/\d+\.html)",
           [&pages](const httplib::Request&, httplib::Response& res) {
             ++pages;
             std::this_thread::sleep_for(1s);
             res.status = 404;
           });
  const int port = site.bind_to_any_port("127.0.0.1");
  std::thread listener([&site] { site.listen_after_bind(); });

  const std::string dir = testing::MakeTempDir();
  FetchConfig config;
  config.cncert_indexes = {"http://127.0.0.1:" + std::to_string(port) +
                           "/index.html"};
  SelfMetrics metrics;
  {
    Fetcher fetcher(config, dir, DefaultRules(), metrics);
    fetcher.Start();
    for (int i = 0; i < 500 && pages.load() == 0; ++i) {
      std::this_thread::sleep_for(10ms);
    }
    ASSERT_GT(pages.load(), 0);
    fetcher.Stop();
  }
  EXPECT_LT(pages.load(), 5);
  site.stop();
  listener.join();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cncert
