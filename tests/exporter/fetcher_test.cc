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

// A loopback site for the client's tests, on a port of its own.
class Site {
 public:
  Site() {
    port_ = server.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server.listen_after_bind(); });
    for (int i = 0; i < 500 && !server.is_running(); ++i) {
      std::this_thread::sleep_for(10ms);
    }
  }
  ~Site() {
    server.stop();
    thread_.join();
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  httplib::Server server;

 private:
  int port_ = 0;
  std::thread thread_;
};

TEST(HttpGetTest, ARedirectToAnotherPortOfTheHostIsRefused) {
  Site other;
  other.server.Get("/x", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("other service", "text/plain");
  });
  Site site;
  site.server.Get("/go",
                  [&other](const httplib::Request&, httplib::Response& res) {
                    res.set_redirect(other.Url("/x"));
                  });
  HttpLimits limits;
  limits.allowed_hosts = {"127.0.0.1"};
  const FetchResult r = HttpGet(site.Url("/go"), limits);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, FetchFailure::kHostNotAllowed);
  EXPECT_NE(r.message.find("another port"), std::string::npos) << r.message;
}

TEST(PoliteClientTest, RetriesAfterWhatRetryAfterSaysThenSucceeds) {
  Site site;
  std::atomic<int> calls{0};
  site.server.Get("/busy",
                  [&calls](const httplib::Request&, httplib::Response& res) {
                    if (calls++ == 0) {
                      res.status = 429;
                      res.set_header("Retry-After", "1");
                      return;
                    }
                    res.set_content("ok", "text/plain");
                  });
  site.server.Get("/down", [](const httplib::Request&, httplib::Response& res) {
    res.status = 503;
  });
  site.server.Get("/gone", [](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
  });
  HttpLimits limits;
  limits.allowed_hosts = {"127.0.0.1"};
  Politeness politeness;
  politeness.rate = 0;
  politeness.retries = 2;
  politeness.backoff = 10ms;
  PoliteClient client(limits, politeness);
  int retries = 0;
  std::chrono::milliseconds waited{0};
  client.set_on_retry([&](const FetchResult&, std::chrono::milliseconds w) {
    ++retries;
    waited += w;
  });
  const auto start = std::chrono::steady_clock::now();
  const FetchResult busy = client.Get(site.Url("/busy"));
  EXPECT_TRUE(busy.ok) << busy.message;
  EXPECT_EQ(calls.load(), 2);
  EXPECT_EQ(waited, 1000ms);  // Retry-After, not the 10 ms backoff
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1s);
  // 5xx: retried `retries` times, then failed; 404: not retried.
  retries = 0;
  const FetchResult down = client.Get(site.Url("/down"));
  EXPECT_EQ(down.reason, FetchFailure::kHttp5xx);
  EXPECT_EQ(retries, 2);
  retries = 0;
  const FetchResult gone = client.Get(site.Url("/gone"));
  EXPECT_EQ(gone.reason, FetchFailure::kHttp4xx);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(retries, 0);
}

TEST(PoliteClientTest, KeepsToItsRate) {
  Site site;
  site.server.Get("/p", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok", "text/plain");
  });
  HttpLimits limits;
  limits.allowed_hosts = {"127.0.0.1"};
  Politeness politeness;
  politeness.rate = 20;  // gaps of 50 ms ± 25 %
  PoliteClient client(limits, politeness);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(client.Get(site.Url("/p")).ok);
  // Five gaps of at least 37.5 ms each.
  EXPECT_GE(std::chrono::steady_clock::now() - start, 187ms);
}

}  // namespace
}  // namespace cncert
