// `cncert_exporter fetch` against a local mirror of the whole series: 320
// weekly reports over 16 index pages in two pagination styles, with a page
// that fails once, an entry listed on two pages, a missing PDF, a
// Retry-After answer and a crash mid-walk; and a WeChat chain of 近期回顾
// links with a cycle and a broken link. Then backfill → promtool → a real
// Prometheus shows the whole series.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/process.h"
#include "tests/support/prometheus.h"
#include "tests/support/synthetic_archive.h"
#include "tests/support/test_support.h"
#include "tests/support/tiny_pdf.h"

namespace cncert::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr int kWeeks = 320;
constexpr int kPerPage = 20;
constexpr int kPages = kWeeks / kPerPage;  // 16
constexpr int kMissingPdf = 250;           // entry whose PDF is gone
constexpr int kRetryAfterPdf = 50;         // answers 429 once
constexpr int kFailingPage = 5;            // answers 503 once

std::string Stem(const SyntheticWeek& w) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d", w.year, w.issue);
  return buf;
}

// A site shaped like cert.org.cn holding the whole series (entry 0 is the
// newest), and WeChat articles for the chain test.
class SeriesSite {
 public:
  explicit SeriesSite(std::vector<SyntheticWeek> weeks)
      : weeks_(std::move(weeks)) {
    server_.Get(R"(/publish/main/44/index(?:_(\d+))?\.html)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  const int page =
                      req.matches[1].length() ? std::stoi(req.matches[1]) : 0;
                  if (page >= kPages || !Count(req.path, res)) return;
                  if (page == kFailingPage && Once(req.path)) {
                    res.status = 503;
                    if (on_failing_page_) on_failing_page_();
                    return;
                  }
                  res.set_content(IndexPage(page), "text/html; charset=utf-8");
                });
    server_.Get(R"(/publish/main/44/\d+/(\d+-\d+)\.html)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  const SyntheticWeek* w = Find(req.matches[1]);
                  if (!w || !Count(req.path, res)) return;
                  res.set_content(
                      "<html><body><h2>网络安全信息与动态周报-" +
                          std::to_string(w->year) + "年第" +
                          std::to_string(w->issue) +
                          "期</h2><div>来源：CNCERT"
                          "　时间：" +
                          FormatDate(w->published) +
                          "</div><a href=\"/publish/main/upload/File/" +
                          Stem(*w) + ".pdf\">附件</a></body></html>",
                      "text/html; charset=utf-8");
                });
    server_.Get(R"(/publish/main/upload/File/(\d+-\d+)\.pdf)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  const SyntheticWeek* w = Find(req.matches[1]);
                  if (!w) return;
                  if (kill_at_ > 0 && ++pdfs_ == kill_at_ && on_kill_) {
                    on_kill_();  // the fetcher dies mid-request
                    res.status = 503;
                    return;
                  }
                  if (!Count(req.path, res)) return;
                  const int entry = EntryOf(*w);
                  if (entry == kMissingPdf) {
                    res.status = 404;
                    return;
                  }
                  if (entry == kRetryAfterPdf && Once(req.path)) {
                    res.status = 429;
                    res.set_header("Retry-After", "1");
                    return;
                  }
                  res.set_content(MakeTextPdf(w->title + "\n" + w->body),
                                  "application/pdf");
                });
    server_.Get(R"(/s/([\w-]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  const SyntheticWeek* w = Find(req.matches[1]);
                  if (!Count(req.path, res)) return;
                  if (!w) {
                    res.status = 404;
                    return;
                  }
                  // Ctrl-C while this article is on its way.
                  if (interrupt_at_ > 0 && ++articles_ == interrupt_at_) {
                    on_interrupt_();
                  }
                  res.set_content(Article(*w), "text/html; charset=utf-8");
                });
    server_.Get(R"(/img/([\w-]+)\.png)", [this](const httplib::Request& req,
                                                httplib::Response& res) {
      if (!Count(req.path, res)) return;
      res.set_content("\x89PNG\r\n\x1a\n" + req.matches[1].str(), "image/png");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    Eventually([this] { return server_.is_running(); }, 5s);
  }
  ~SeriesSite() {
    server_.stop();
    thread_.join();
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int Hits(const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    return hits_.count(path) ? hits_[path] : 0;
  }
  // Paths of one kind and how often each was answered.
  std::map<std::string, int> HitsUnder(const std::string& prefix) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::map<std::string, int> out;
    for (const auto& [path, n] : hits_) {
      if (path.starts_with(prefix)) out[path] = n;
    }
    return out;
  }
  // At the `n`th PDF request, calls `kill` instead of answering.
  void KillAt(int n, std::function<void()> kill) {
    kill_at_ = n;
    on_kill_ = std::move(kill);
  }
  // Called as the failing index page answers 503 (the first time).
  void OnFailingPage(std::function<void()> f) {
    on_failing_page_ = std::move(f);
  }
  // At the `n`th article, calls `interrupt` and answers all the same.
  void InterruptAt(int n, std::function<void()> interrupt) {
    interrupt_at_ = n;
    on_interrupt_ = std::move(interrupt);
  }
  // Chain links: article → the stems its 近期回顾 list links, as paths.
  void SetReviews(std::map<std::string, std::vector<std::string>> reviews) {
    reviews_ = std::move(reviews);
  }
  const SyntheticWeek& Entry(int e) const { return weeks_[kWeeks - 1 - e]; }

 private:
  int EntryOf(const SyntheticWeek& w) const {
    return kWeeks - 1 - static_cast<int>(&w - weeks_.data());
  }
  const SyntheticWeek* Find(const std::string& stem) const {
    for (const auto& w : weeks_) {
      if (Stem(w) == stem) return &w;
    }
    return nullptr;
  }
  bool Count(const std::string& path, httplib::Response&) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++hits_[path];
    return true;
  }
  bool Once(const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    return failed_once_.insert(path).second;
  }
  std::string EntryHtml(int e) const {
    const SyntheticWeek& w = Entry(e);
    return "<li><span>[" + FormatDate(w.published) +
           "]</span><a href=\"javascript:void(0)\" "
           "onclick='window.open(\"/publish/main/44/" +
           std::to_string(w.year) + "/" + Stem(w) +
           ".html\")'>网络安全信息与动态周报-" + std::to_string(w.year) +
           "年第" + std::to_string(w.issue) + "期</a></li>\n";
  }
  std::string IndexPage(int page) const {
    std::string html =
        "<html><head><meta charset=\"utf-8\"></head><body><ul>\n";
    // The list moved while it was walked: page 4 repeats page 3's last.
    if (page == 4) html += EntryHtml(page * kPerPage - 1);
    for (int e = page * kPerPage; e < (page + 1) * kPerPage; ++e) {
      html += EntryHtml(e);
    }
    html += "</ul><div class=\"pager\">";
    if (page < kPages / 2) {
      // Style one: numbered links and 下一页.
      for (int p = 1; p <= 3; ++p) {
        html += "<a href=\"index_" + std::to_string(page + p) + ".html\">" +
                std::to_string(page + p + 1) + "</a> ";
      }
      html +=
          "<a href=\"index_" + std::to_string(page + 1) + ".html\">下一页</a>";
    } else {
      // Style two: the TRS pager script, no links in the page.
      html += "<script>createPageHTML(" + std::to_string(kPages) + ", " +
              std::to_string(page) + ", \"index\", \"html\");</script>";
    }
    return html + "</div></body></html>";
  }
  std::string Article(const SyntheticWeek& w) const {
    std::string html = "<html><head><meta charset=\"utf-8\"><title>" + w.title +
                       "</title></head><body><h1>" + w.title +
                       "</h1><div id=\"js_content\">";
    std::size_t pos = 0;
    for (int line = 0; pos < w.body.size(); ++line) {
      const std::size_t eol = w.body.find('\n', pos);
      html += "<p>" + w.body.substr(pos, eol - pos) + "</p>\n";
      pos = eol + 1;
      // As since 2020: the figures' section as an image, after the posture.
      if (line == 1) {
        html += "<p><img data-src=\"" + Url("/img/" + Stem(w)) +
                ".png\" style=\"width:100%\"></p>\n";
      }
    }
    html += "<p>近期回顾</p>\n";
    const auto it = reviews_.find(Stem(w));
    if (it != reviews_.end()) {
      for (const auto& path : it->second) {
        const SyntheticWeek* to = Find(path.substr(path.size() - 7));
        const std::string title = to ? to->title : w.title;
        html += "<p>●<a href=\"" + path + "?scene=21#wechat_redirect\">" +
                title + "</a></p>\n";
      }
    }
    return html + "<p>预览时标签不可点</p></div></body></html>";
  }

  std::vector<SyntheticWeek> weeks_;
  std::map<std::string, std::vector<std::string>> reviews_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::map<std::string, int> hits_;
  std::set<std::string> failed_once_;
  std::atomic<int> pdfs_{0};
  int kill_at_ = 0;
  std::function<void()> on_kill_;
  std::function<void()> on_failing_page_;
  std::atomic<int> articles_{0};
  int interrupt_at_ = 0;
  std::function<void()> on_interrupt_;
};

class HistoryFetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    fs::create_directory(dir_ + "/archive");
  }
  void TearDown() override { fs::remove_all(dir_); }

  struct Run {  // NOLINT(bugprone-exception-escape): test data
    int status = -1;
    nlohmann::json summary;
    std::string stdout_text;
    std::string log;
  };
  // `fetch` as a separate process; `on_pid` gets its pid while it runs.
  Run Fetch(std::vector<std::string> args,
            std::atomic<pid_t>* pid_out = nullptr) {
    std::vector<std::string> argv{
        CNCERT_EXPORTER_BINARY, "fetch", "--bulletins.dir", dir_ + "/archive",
        "--fetch.rate",         "1000",  "--log.level",     "info"};
    argv.insert(argv.end(), args.begin(), args.end());
    const pid_t pid = Spawn(argv, dir_ + "/fetch.out", dir_ + "/fetch.err");
    if (pid_out) *pid_out = pid;
    int status = 0;
    ::waitpid(pid, &status, 0);
    Run r;
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.stdout_text = ReadFile(dir_ + "/fetch.out");
    r.log = ReadFile(dir_ + "/fetch.err");
    r.summary = nlohmann::json::parse(r.stdout_text, nullptr, false);
    return r;
  }
  int Stored(const std::string& suffix) {
    int n = 0;
    for (const auto& e : fs::directory_iterator(dir_ + "/archive")) {
      const std::string name = e.path().filename().string();
      n += name.starts_with("fetched-") && name.ends_with(suffix);
    }
    return n;
  }

  std::string dir_;
};

TEST_F(HistoryFetchTest, WalksEveryIndexPageOnceResumesAndReachesPrometheus) {
  const auto weeks =
      MakeSyntheticWeeks(Date{std::chrono::year(2019), std::chrono::December,
                              std::chrono::day(30)},
                         1, kWeeks);
  SeriesSite site(weeks);
  // The archive already holds three weeks, from other channels.
  WriteSyntheticArchive(dir_ + "/archive",
                        {weeks[100], weeks[101], weeks[102]});
  const std::string index = site.Url("/publish/main/44/index.html");

  // A dry run walks every page and lists what is missing; it stores nothing.
  const Run dry = Fetch({"--fetch.cncert-index", index, "--dry-run"});
  ASSERT_EQ(dry.status, 0) << dry.stdout_text << dry.log;
  EXPECT_THAT(dry.stdout_text, HasSubstr("dry run: nothing stored"));
  int listed = 0;
  for (std::size_t p = 0;
       (p = dry.stdout_text.find("\nhttp", p)) != std::string::npos; ++p) {
    ++listed;
  }
  listed += dry.stdout_text.starts_with("http");
  EXPECT_EQ(listed, kWeeks - 3);
  EXPECT_TRUE(site.HitsUnder("/publish/main/upload/").empty());
  EXPECT_EQ(Stored(".pdf"), 0);

  // The first run crashes at its 150th PDF.
  std::atomic<pid_t> pid{0};
  site.KillAt(150, [&pid] { ::kill(pid.load(), SIGKILL); });
  const Run crashed =
      Fetch({"--fetch.cncert-index", index, "--output", "json"}, &pid);
  EXPECT_EQ(crashed.status, 128 + SIGKILL);
  const int after_crash = Stored(".pdf");
  EXPECT_GE(after_crash, 140);
  EXPECT_LT(after_crash, 150);

  // The second resumes where the first stopped.
  site.KillAt(0, nullptr);
  const Run resumed =
      Fetch({"--fetch.cncert-index", index, "--output", "json"});
  ASSERT_FALSE(resumed.summary.is_discarded()) << resumed.stdout_text;
  EXPECT_EQ(resumed.status, 1) << resumed.log;  // the missing PDF
  EXPECT_TRUE(resumed.summary["resumed"].get<bool>());
  EXPECT_TRUE(resumed.summary["complete"].get<bool>());
  ASSERT_EQ(resumed.summary["failures"].size(), 1u) << resumed.summary.dump(1);
  const auto& failure = resumed.summary["failures"][0];
  EXPECT_EQ(failure["reason"], "http_4xx");
  EXPECT_THAT(failure["url"].get<std::string>(),
              HasSubstr(Stem(site.Entry(kMissingPdf)) + ".pdf"));
  EXPECT_EQ(after_crash + resumed.summary["new"].get<int>(), kWeeks - 4);

  // Every bulletin stored exactly once; every PDF asked for once, but the
  // one that answered 429 (asked again after Retry-After).
  EXPECT_EQ(Stored(".pdf"), kWeeks - 4);
  const auto pdfs = site.HitsUnder("/publish/main/upload/File/");
  EXPECT_EQ(pdfs.size(), static_cast<std::size_t>(kWeeks - 3));
  for (const auto& [path, n] : pdfs) {
    const bool retried =
        path.find(Stem(site.Entry(kRetryAfterPdf))) != std::string::npos;
    EXPECT_EQ(n, retried ? 2 : 1) << path;
  }
  // The held weeks were never asked for: skipped by their issue.
  for (int i = 100; i <= 102; ++i) {
    EXPECT_EQ(site.Hits("/publish/main/44/" + std::to_string(weeks[i].year) +
                        "/" + Stem(weeks[i]) + ".html"),
              0);
  }

  // A third run fetches nothing: the first page is all known.
  const auto pages_before = site.HitsUnder("/publish/main/44/");
  const Run again = Fetch({"--fetch.cncert-index", index, "--output", "json"});
  EXPECT_EQ(again.status, 0) << again.stdout_text;
  EXPECT_EQ(again.summary["new"], 0);
  EXPECT_EQ(again.summary["pages"], 1);
  EXPECT_EQ(site.HitsUnder("/publish/main/upload/File/"), pdfs);
  auto pages_after = site.HitsUnder("/publish/main/44/");
  pages_after["/publish/main/44/index.html"] -= 1;
  EXPECT_EQ(pages_after, pages_before);

  // Backfill, promtool, Prometheus: the whole series.
  const Output backfill = RunCommand(
      {CNCERT_EXPORTER_BINARY, "backfill", "--bulletins.dir", dir_ + "/archive",
       "--output", dir_ + "/history.om", "--label", "job=cncert"});
  ASSERT_EQ(backfill.status, 0) << backfill.text;
  EXPECT_THAT(backfill.text,
              HasSubstr(std::to_string(kWeeks - 1) + " bulletins written"));
  const Output blocks =
      RunCommand({"promtool", "tsdb", "create-blocks-from", "openmetrics",
                  "--max-block-duration=8760h", dir_ + "/history.om",
                  dir_ + "/prometheus/data"});
  ASSERT_EQ(blocks.status, 0) << blocks.text;
  PrometheusServer prometheus(dir_ + "/prometheus",
                              "global:\n  scrape_interval: 1h\n",
                              {"--storage.tsdb.retention.time=100y"});
  ASSERT_TRUE(prometheus.ok()) << prometheus.process().Log();
  const double end =
      static_cast<double>(DateToUnixSeconds(weeks.back().period_end)) + 60;
  EXPECT_EQ(prometheus.Scalar(
                "count_over_time(cncert_incidents_handled{job=\"cncert\"}"
                "[400w])",
                end),
            kWeeks - 1);
  EXPECT_EQ(prometheus.Scalar("cncert_incidents_handled{job=\"cncert\"}", end),
            weeks.back().figures.at("cncert_incidents_handled"));
}

// Ctrl-C while the client waits to ask again for an index page that failed:
// the next run starts at that page, not at the first, and not believing
// the walk complete.
TEST_F(HistoryFetchTest, AnInterruptionDuringABackoffResumesAtThatPage) {
  const auto weeks =
      MakeSyntheticWeeks(Date{std::chrono::year(2019), std::chrono::December,
                              std::chrono::day(30)},
                         1, kWeeks);
  SeriesSite site(weeks);
  std::atomic<pid_t> pid{0};
  site.OnFailingPage([&pid] { ::kill(pid.load(), SIGINT); });
  const std::string index = site.Url("/publish/main/44/index.html");
  const Run first =
      Fetch({"--fetch.cncert-index", index, "--output", "json"}, &pid);
  EXPECT_EQ(first.status, 130) << first.log;
  EXPECT_FALSE(first.summary["complete"].get<bool>());
  EXPECT_EQ(first.summary["new"], kFailingPage * kPerPage);
  const Run second = Fetch({"--fetch.cncert-index", index, "--output", "json"});
  EXPECT_TRUE(second.summary["resumed"].get<bool>()) << second.stdout_text;
  EXPECT_TRUE(second.summary["complete"].get<bool>());
  EXPECT_EQ(site.Hits("/publish/main/44/index.html"), 1);
  EXPECT_EQ(first.summary["new"].get<int>() + second.summary["new"].get<int>(),
            kWeeks - 1);  // all but the missing PDF
}

TEST_F(HistoryFetchTest, FollowsTheReviewChainBackToTheArchiveOnce) {
  const auto weeks =
      MakeSyntheticWeeks(Date{std::chrono::year(2019), std::chrono::December,
                              std::chrono::day(30)},
                         1, 30);
  SeriesSite site(weeks);
  // Each article links the five before it; 2020-20 also links 2020-25 (a
  // cycle); the newest links 2020-29 through a broken URL.
  std::map<std::string, std::vector<std::string>> reviews;
  for (int i = 0; i < 30; ++i) {
    for (int back = 1; back <= 5 && i - back >= 0; ++back) {
      reviews[Stem(weeks[i])].push_back("/s/" + Stem(weeks[i - back]));
    }
  }
  reviews[Stem(weeks[19])].push_back("/s/" + Stem(weeks[24]));
  reviews[Stem(weeks[29])][0] = "/s/gone-2020-29";
  site.SetReviews(reviews);
  // The archive holds 2020-05.
  WriteSyntheticArchive(dir_ + "/archive", {weeks[4]});

  const std::string start = site.Url("/s/" + Stem(weeks[29]));
  const std::vector<std::string> args{"--fetch.url",
                                      start,
                                      "--follow-previous",
                                      "--output",
                                      "json",
                                      "--images.fetch",
                                      "--images.allowed-host",
                                      "127.0.0.1",
                                      "--images.allow-private-addresses"};
  // Ctrl-C at the tenth article: it is stored with its image, then the walk
  // stops and says how to go on.
  std::atomic<pid_t> pid{0};
  site.InterruptAt(10, [&pid] { ::kill(pid.load(), SIGINT); });
  const Run first = Fetch(args, &pid);
  ASSERT_FALSE(first.summary.is_discarded()) << first.stdout_text << first.log;
  EXPECT_EQ(first.status, 130) << first.log;
  EXPECT_TRUE(first.summary["interrupted"].get<bool>());
  EXPECT_FALSE(first.summary["complete"].get<bool>());
  // (The signal may reach it as it sends the next request, whose answer is
  // then kept too.)
  EXPECT_GE(first.summary["new"].get<int>(), 10);
  EXPECT_LE(first.summary["new"].get<int>(), 11);
  EXPECT_EQ(first.summary["images"], first.summary["new"]);
  // The broken link came second (2020-29, newest after the start).
  ASSERT_EQ(first.summary["failures"].size(), 1u);
  EXPECT_THAT(first.summary["failures"][0]["url"].get<std::string>(),
              HasSubstr("/s/gone-2020-29"));

  site.InterruptAt(0, nullptr);
  const Run resumed = Fetch(args);
  ASSERT_FALSE(resumed.summary.is_discarded()) << resumed.stdout_text;
  EXPECT_EQ(resumed.status, 0)
      << resumed.log;  // the broken link is not asked again
  EXPECT_TRUE(resumed.summary["resumed"].get<bool>());
  EXPECT_TRUE(resumed.summary["complete"].get<bool>());
  // 2020-30, then 2020-28 back to 2020-06 (2020-29 was only linked through
  // the broken URL); nothing before the held 2020-05.
  EXPECT_EQ(first.summary["new"].get<int>() + resumed.summary["new"].get<int>(),
            1 + 23);
  EXPECT_EQ(
      first.summary["images"].get<int>() + resumed.summary["images"].get<int>(),
      1 + 23);
  EXPECT_EQ(Stored(".html"), 24);
  const auto articles = site.HitsUnder("/s/");
  for (const auto& [path, n] : articles) EXPECT_EQ(n, 1) << path;
  EXPECT_EQ(articles.count("/s/" + Stem(weeks[3])), 0u);
  EXPECT_EQ(articles.count("/s/" + Stem(weeks[4])), 0u);
  EXPECT_EQ(articles.count("/s/" + Stem(weeks[28])), 0u);
  const auto images = site.HitsUnder("/img/");
  EXPECT_EQ(images.size(), 24u);
  for (const auto& [path, n] : images) EXPECT_EQ(n, 1) << path;
  int stored_images = 0;
  for (const auto& e :
       fs::directory_iterator(dir_ + "/archive/.cncert-images")) {
    stored_images += e.path().filename().string().starts_with("url-");
  }
  EXPECT_EQ(stored_images, 24);

  // Again: nothing is fetched.
  const Run again = Fetch(args);
  EXPECT_EQ(again.status, 0) << again.stdout_text << again.log;
  EXPECT_EQ(again.summary["new"], 0);
  EXPECT_EQ(site.HitsUnder("/s/"), articles);
  EXPECT_EQ(site.HitsUnder("/img/"), images);
}

TEST_F(HistoryFetchTest, BadFlagsAreRefused) {
  const Run none = Fetch({});
  EXPECT_EQ(none.status, 2);
  const Run since =
      Fetch({"--fetch.url", "http://127.0.0.1:1/x", "--since", "last week"});
  EXPECT_EQ(since.status, 2);
  EXPECT_THAT(since.log + since.stdout_text, HasSubstr("not a date"));
}

}  // namespace
}  // namespace cncert::testing
