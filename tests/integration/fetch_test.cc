// The exporter fetching by itself from a local server shaped like
// cert.org.cn (index page → report pages → PDFs), and every way that can fail.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "tests/support/process.h"
#include "tests/support/test_support.h"

namespace cncert::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

// cert.org.cn in miniature, counting what is asked of it.
class CertSite {
 public:
  CertSite() {
    server_.set_logger(
        [this](const httplib::Request& req, const httplib::Response&) {
          std::lock_guard<std::mutex> lock(mutex_);
          ++hits_[req.path];
        });
    server_.Get("/publish/main/44/index.html",
                [this](const httplib::Request& req, httplib::Response& res) {
                  res.set_header("ETag", "\"index-v1\"");
                  if (req.get_header_value("If-None-Match") == "\"index-v1\"") {
                    res.status = 304;
                    return;
                  }
                  std::string html =
                      "<html><head><meta charset=\"utf-8\"></head><body><ul "
                      "class=\"list\">\n";
                  for (int issue = 12; issue >= 10; --issue) {
                    html += "<li><span>[2026-0" +
                            std::to_string(issue == 12 ? 4 : 3) + "-0" +
                            std::to_string(issue - 9) +
                            "]</span><a href=\"javascript:void(0)\" "
                            "onclick='window.open(\"/publish/main/44/"
                            "2026/" +
                            std::to_string(issue) +
                            ".html\")'>网络安全信息与动态周报-2026年第" +
                            std::to_string(issue) + "期</a></li>\n";
                  }
                  res.set_content(html + extra_entries_ + "</ul></body></html>",
                                  "text/html; charset=utf-8");
                });
    server_.Get(
        R"(/publish/main/44/2026/(\d+)\.html)",
        [](const httplib::Request& req, httplib::Response& res) {
          const std::string issue = req.matches[1];
          res.set_content(
              "<html><body><h2>网络安全信息与动态周报-2026年第" + issue +
                  "期</h2><div>来源：CNCERT　时间：2026-04-0" +
                  std::to_string(std::stoi(issue) - 9) +
                  "</div><a href=\"/publish/main/upload/File/cncert-2026-" +
                  issue + ".pdf\">附件</a></body></html>",
              "text/html; charset=utf-8");
        });
    server_.Get(R"(/publish/main/upload/File/(cncert-2026-\d+\.pdf))",
                [](const httplib::Request& req, httplib::Response& res) {
                  const std::string path = SourcePath(
                      "tests/fixtures/pdf/" + std::string(req.matches[1]));
                  if (!fs::exists(path)) {
                    res.status = 404;
                    return;
                  }
                  res.set_content(ReadFile(path), "application/pdf");
                });
    // Failure modes.
    server_.Get("/bad/404.html",
                [](const httplib::Request&, httplib::Response& res) {
                  res.status = 404;
                });
    server_.Get("/bad/500.html",
                [](const httplib::Request&, httplib::Response& res) {
                  res.status = 500;
                });
    server_.Get("/bad/slow.html",
                [](const httplib::Request&, httplib::Response& res) {
                  std::this_thread::sleep_for(2500ms);
                  res.set_content("late", "text/html");
                });
    server_.Get("/bad/truncated.html", [](const httplib::Request&,
                                          httplib::Response& res) {
      res.set_content_provider(
          1000, "text/html",
          [](std::size_t offset, std::size_t, httplib::DataSink& sink) {
            if (offset > 0) return false;  // hang up after 100 of 1000 bytes
            sink.write(std::string(100, 'x').data(), 100);
            return true;
          });
    });
    server_.Get("/bad/loop.html",
                [](const httplib::Request&, httplib::Response& res) {
                  res.set_redirect("/bad/loop.html");
                });
    server_.Get(
        "/bad/big.html", [](const httplib::Request&, httplib::Response& res) {
          res.set_content("<a href=\"/bad/big.pdf\">附件</a>", "text/html");
        });
    server_.Get("/bad/big.pdf",
                [](const httplib::Request&, httplib::Response& res) {
                  res.set_content("%PDF-1.4\n" + std::string(300000, ' '),
                                  "application/pdf");
                });
    server_.Get("/bad/notpdf.html", [](const httplib::Request&,
                                       httplib::Response& res) {
      res.set_content("<a href=\"/bad/fake.pdf\">附件</a>", "text/html");
    });
    server_.Get("/bad/fake.pdf",
                [](const httplib::Request&, httplib::Response& res) {
                  res.set_content("<html>not a pdf</html>", "application/pdf");
                });
    server_.Get("/bad/otherhost.html", [this](const httplib::Request&,
                                              httplib::Response& res) {
      res.set_content(
          "<a href=\"http://localhost:" + std::to_string(port_) +
              "/publish/main/upload/File/cncert-2026-12.pdf\">附件</a>",
          "text/html");
    });
    // A WeChat-style article whose figures stand in an image.
    server_.Get("/wechat/article.html", [this](const httplib::Request&,
                                               httplib::Response& res) {
      res.set_content(
          "<html><head><meta charset=\"utf-8\"></head><body><h1>"
          "网络安全信息与动态周报2026年第12期（3月16日-3月22日）</h1>"
          "<p>本周网络安全基本态势</p><p>本周，互联网网络安全态势整体评价为良。"
          "</p><p><img data-src=\"" +
              Url("/img/virus.png") +
              "\"></p><p>本周事件处理情况</p><p>本周，CNCERT共处理网络安全事件"
              "233起。</p></body></html>",
          "text/html; charset=utf-8");
    });
    server_.Get(
        "/img/virus.png", [](const httplib::Request&, httplib::Response& res) {
          res.set_content(std::string("\x89PNG\r\n\x1a\n") + "not really",
                          "image/png");
        });
    server_.Get("/garbage.html", [](const httplib::Request&,
                                    httplib::Response& res) {
      res.set_content("<<<>>><li>[2026-01-01] <a>x</a>\x01\x02", "text/html");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    Eventually([this] { return server_.is_running(); }, 5s);
  }
  ~CertSite() {
    server_.stop();
    thread_.join();
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int Hits(const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    return hits_[path];
  }
  void AddFailingEntries() {
    for (const char* page : {"404", "500", "slow", "truncated", "loop", "big",
                             "notpdf", "otherhost"}) {
      extra_entries_ += std::string("<li>[2026-02-01] <a href=\"/bad/") + page +
                        ".html\">网络安全信息与动态周报-" + page +
                        "</a></li>\n";
    }
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::map<std::string, int> hits_;
  std::string extra_entries_;
};

class FetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    WriteFile(dir_ + "/fetch.yml",
              "interval: 1h\ntimeout: 1s\nmax_bytes: 100000\nmax_redirects: 3\n"
              "backoff_min: 1h\nuser_agent: cncert_exporter-test\nrate: 50\n"
              "retries: 0\n");
    fs::create_directory(dir_ + "/archive");
  }
  void TearDown() override { fs::remove_all(dir_); }

  ExporterServer Start(std::vector<std::string> sources) {
    std::vector<std::string> args{"--bulletins.dir", dir_ + "/archive",
                                  "--fetch.config", dir_ + "/fetch.yml"};
    args.insert(args.end(), sources.begin(), sources.end());
    return ExporterServer(args);
  }
  std::vector<std::string> ArchiveFiles() {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_ + "/archive")) {
      names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string dir_;
};

TEST_F(FetchTest, FetchesEveryListedBulletinOnceAndServesTheNewestPdf) {
  CertSite site;
  const std::string index = site.Url("/publish/main/44/index.html");
  {
    auto exporter = Start({"--fetch.cncert-index", index});
    ASSERT_TRUE(exporter.ok()) << exporter.process().Log();
    const int port = exporter.port();
    ASSERT_TRUE(Eventually(
        [&] {
          return ScrapeValue(HttpGet(port, "/metrics").body,
                             "cncert_exporter_bulletins_loaded") == 3;
        },
        20s))
        << exporter.process().Log();
    const std::string m = HttpGet(port, "/metrics").body;
    // The newest bulletin's full catalogue, from its PDF.
    EXPECT_EQ(ScrapeValue(m, "cncert_security_posture_rating"), 3);
    EXPECT_EQ(ScrapeValue(m, "cncert_phishing_ips"), 446);
    EXPECT_EQ(ScrapeValue(m, "cncert_cnvd_threat_rating"), 3);
    EXPECT_EQ(ScrapeValue(m, "cncert_bulletin_figures"), 35);
    // Publication date from the report page, source URL recorded.
    EXPECT_EQ(ScrapeValue(m, "cncert_bulletin_published_timestamp_seconds"),
              1775145600);  // 2026-04-03T00:00+08:00
    EXPECT_THAT(
        m, HasSubstr("url=\"" +
                     site.Url("/publish/main/upload/File/cncert-2026-12.pdf")));
    EXPECT_EQ(
        ScrapeValue(m, "cncert_exporter_bulletins_fetched_total{source=\"" +
                           index + "\"}"),
        3);
    EXPECT_GT(
        ScrapeValue(
            m,
            "cncert_exporter_fetch_last_success_timestamp_seconds{source=\"" +
                index + "\"}")
            .value_or(0),
        0);
  }
  EXPECT_EQ(ArchiveFiles(),
            (std::vector<std::string>{
                ".cncert-counters.json", ".cncert-fetch-state.json",
                ".fetched-2026-10.pdf.source.json",
                ".fetched-2026-11.pdf.source.json",
                ".fetched-2026-12.pdf.source.json", "fetched-2026-10.pdf",
                "fetched-2026-11.pdf", "fetched-2026-12.pdf"}));
  // Original bytes kept.
  EXPECT_EQ(ReadFile(dir_ + "/archive/fetched-2026-12.pdf"),
            ReadFile(SourcePath("tests/fixtures/pdf/cncert-2026-12.pdf")));
  EXPECT_EQ(site.Hits("/publish/main/upload/File/cncert-2026-12.pdf"), 1);

  // A restart fetches nothing twice: the index answers 304, no page or PDF
  // again.
  auto again = Start({"--fetch.cncert-index", index});
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(Eventually(
      [&] { return site.Hits("/publish/main/44/index.html") == 2; }, 10s));
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(site.Hits("/publish/main/44/2026/12.html"), 1);
  EXPECT_EQ(site.Hits("/publish/main/upload/File/cncert-2026-12.pdf"), 1);
  EXPECT_EQ(ScrapeValue(HttpGet(again.port(), "/metrics").body,
                        "cncert_exporter_bulletins_loaded"),
            3);
}

TEST_F(FetchTest, EveryFailureIsCountedLoggedAndHarmless) {
  CertSite site;
  site.AddFailingEntries();
  const std::string index = site.Url("/publish/main/44/index.html");
  const std::string garbage = site.Url("/garbage.html");
  auto exporter = Start({"--fetch.cncert-index", index, "--fetch.cncert-index",
                         garbage, "--fetch.url", site.Url("/bad/404.html")});
  ASSERT_TRUE(exporter.ok()) << exporter.process().Log();
  const int port = exporter.port();
  const std::string failures = "cncert_exporter_fetch_failures_total{reason=\"";
  auto count = [&](const std::string& reason, const std::string& source) {
    return ScrapeValue(HttpGet(port, "/metrics").body,
                       failures + reason + "\",source=\"" + source + "\"}");
  };
  ASSERT_TRUE(
      Eventually([&] { return count("host_not_allowed", index) == 1; }, 30s))
      << HttpGet(port, "/metrics").body << exporter.process().Log();
  ASSERT_TRUE(Eventually(
      [&] {
        return ScrapeValue(HttpGet(port, "/metrics").body,
                           "cncert_exporter_bulletins_loaded") == 3;
      },
      20s));
  // The sources are polled one after another: the single article last.
  ASSERT_TRUE(Eventually(
      [&] { return count("http_4xx", site.Url("/bad/404.html")) == 1; }, 20s));
  EXPECT_EQ(count("http_4xx", index), 1);
  EXPECT_EQ(count("http_5xx", index), 1);
  EXPECT_EQ(count("timeout", index), 1);
  EXPECT_EQ(count("truncated", index), 1);
  EXPECT_EQ(count("redirect_loop", index), 1);
  EXPECT_EQ(count("too_large", index), 1);
  EXPECT_EQ(count("not_pdf", index), 1);
  EXPECT_EQ(count("no_entries", garbage), 1);
  EXPECT_EQ(count("http_4xx", site.Url("/bad/404.html")), 1);
  // The good bulletins are served all the same.
  EXPECT_EQ(ScrapeValue(HttpGet(port, "/metrics").body,
                        "cncert_security_posture_rating"),
            3);
  EXPECT_THAT(exporter.process().Log(), HasSubstr("reason=host_not_allowed"));
  // Nothing but the good ones reached the archive.
  for (const auto& name : ArchiveFiles()) {
    EXPECT_TRUE(name.starts_with(".") || name.starts_with("fetched-2026-1"))
        << name;
  }
}

TEST_F(FetchTest, AFetchedArticleBringsItsImagesAlong) {
  CertSite site;
  auto exporter = Start({"--fetch.url", site.Url("/wechat/article.html"),
                         "--images.fetch", "--images.allowed-host", "127.0.0.1",
                         "--images.allow-private-addresses", "--ocr=false"});
  ASSERT_TRUE(exporter.ok()) << exporter.process().Log();
  ASSERT_TRUE(Eventually([&] { return site.Hits("/img/virus.png") == 1; }, 20s))
      << exporter.process().Log();
  // Stored by content and named by its URL, before any OCR asked for it.
  ASSERT_TRUE(Eventually(
      [&] {
        int links = 0;
        const std::string store = dir_ + "/archive/.cncert-images";
        if (!fs::exists(store)) return false;
        for (const auto& e : fs::directory_iterator(store)) {
          links += e.path().filename().string().starts_with("url-");
        }
        return links == 1;
      },
      5s));
}

TEST_F(FetchTest, BadSourcesAndConfigsAreRefusedAtStart) {
  const Output scheme =
      RunCommand({CNCERT_EXPORTER_BINARY, "serve", "--bulletins.dir",
                  dir_ + "/archive", "--fetch.url", "ftp://example.invalid/x"});
  EXPECT_EQ(scheme.status, 2);
  EXPECT_THAT(scheme.text, HasSubstr("only http and https"));
  WriteFile(dir_ + "/bad.yml", "interval: soon\n");
  const Output config =
      RunCommand({CNCERT_EXPORTER_BINARY, "serve", "--bulletins.dir",
                  dir_ + "/archive", "--fetch.config", dir_ + "/bad.yml"});
  EXPECT_EQ(config.status, 1);
  EXPECT_THAT(config.text, HasSubstr("interval: 'soon' is not a duration"));
}

}  // namespace
}  // namespace cncert::testing
