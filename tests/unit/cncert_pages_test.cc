#include "exporter/fetch/cncert_pages.h"

#include <gtest/gtest.h>

namespace cncert {
namespace {

TEST(CncertPagesTest, IndexEntriesFromOnclickAndHref) {
  const std::string html =
      R"html(<html><body><div class="nav"><a href="/">首页</a></div>
<ul class="list">
<li><span>[2026-04-03]</span><a href="javascript:void(0)" onclick='window.open("/publish/main/44/2026/20260403/20260403_.html")'>网络安全信息与动态周报-2026年第12期</a></li>
<li><span>[2026-03-27]</span><a href="2026/20260327.html">网络安全信息与动态周报-2026年第11期</a></li>
<li><span>[2026-03-20]</span><a href="/publish/main/9/2026/x.html">关于某漏洞的安全公告</a></li>
</ul></body></html>)html";
  const auto entries = ParseIndexPage(
      html, "https://www.cert.org.cn/publish/main/44/index.html");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].url,
            "https://www.cert.org.cn:443/publish/main/44/2026/20260403/"
            "20260403_.html");
  EXPECT_EQ(entries[0].title, "网络安全信息与动态周报-2026年第12期");
  ASSERT_TRUE(entries[0].date.has_value());
  EXPECT_EQ(FormatDate(*entries[0].date), "2026-04-03");
  EXPECT_EQ(entries[1].url,
            "https://www.cert.org.cn:443/publish/main/44/2026/20260327.html");
}

TEST(CncertPagesTest, ReportPageLinksThePdfAndStatesTheDate) {
  const std::string html =
      "<html><body><h2>网络安全信息与动态周报-2026年第12期</h2>"
      "<div>来源：CNCERT　时间：2026-04-03</div>"
      "<p><a "
      "href=\"/publish/main/upload/File/2026-12.PDF\">下载</a></p></body></"
      "html>";
  const ReportPage page =
      ParseReportPage(html, "http://h.example:8080/publish/main/44/a/b.html");
  EXPECT_EQ(page.pdf_url,
            "http://h.example:8080/publish/main/upload/File/2026-12.PDF");
  ASSERT_TRUE(page.published.has_value());
  EXPECT_EQ(FormatDate(*page.published), "2026-04-03");
  EXPECT_EQ(page.title, "网络安全信息与动态周报-2026年第12期");
}

TEST(CncertPagesTest, TheNextIndexPageInEveryPagerStyle) {
  const std::string base = "https://www.cert.org.cn/publish/main/44/";
  // 下一页, among numbered links.
  auto next = ParseIndexPager(
      R"(<div class="page"><a href="index_1.html">2</a>
         <a href="index_2.html">3</a><a href="index_1.html">下一页</a>
         <a href="index_15.html">尾页</a></div>)",
      base + "index.html");
  ASSERT_TRUE(next.next);
  EXPECT_EQ(*next.next,
            "https://www.cert.org.cn:443/publish/main/44/index_1.html");
  // Numbered siblings only: the lowest above this page's number.
  next = ParseIndexPager(
      R"(<a href="index_5.html">5</a><a href="index_3.html">3</a>
         <a href="index_1.html">1</a><a href="other_4.html">x</a>)",
      base + "index_2.html");
  ASSERT_TRUE(next.next);
  EXPECT_EQ(*next.next,
            "https://www.cert.org.cn:443/publish/main/44/index_3.html");
  // The TRS pager script, counted from 0 = index.html.
  next = ParseIndexPager(
      R"(<script>createPageHTML(16, 0, "index", "html");</script>)",
      base + "index.html");
  ASSERT_TRUE(next.next);
  EXPECT_EQ(*next.next,
            "https://www.cert.org.cn:443/publish/main/44/index_1.html");
  EXPECT_EQ(next.pages, 16);
  // Its last page, even with a stray numbered link: the end.
  next = ParseIndexPager(
      R"(<script>createPageHTML(16, 15, "index", "html");</script>
         <a href="index_16.html">?</a>)",
      base + "index_15.html");
  EXPECT_FALSE(next.next);
  // 下一页 that goes nowhere on the last page; and no pager at all.
  EXPECT_FALSE(ParseIndexPager(R"(<a href="javascript:;">下一页</a>)",
                               base + "index_7.html")
                   .next);
  EXPECT_FALSE(ParseIndexPager("<p>周报</p>", base + "index.html").next);
}

TEST(CncertPagesTest, ReviewLinksFollowTheirHeadingOnly) {
  const std::string html = R"(<html><body>
<p>本周，CNCERT <a href="/s/other">网络安全信息与动态周报说明</a></p>
<p><strong>近期回顾</strong></p>
<p>●<a href="http://mp.weixin.qq.com/s?__biz=M&amp;mid=1&amp;scene=21#wechat_redirect">网络安全信息与动态周报2024年第28期（7月8日-7月14日）</a></p>
<p>●<a href="http://mp.weixin.qq.com/s?__biz=M&amp;mid=1&amp;scene=21">网络安全信息与动态周报2024年第28期（7月8日-7月14日）</a></p>
<p>●<a href="/s/27">网络安全信息与动态周报2024年第27期（7月1日-7月7日）</a></p>
<p><a href="/s/ad">关注我们</a></p>
</body></html>)";
  const auto links = ParseReviewLinks(html, "https://mp.weixin.qq.com/s/x");
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0].url, "http://mp.weixin.qq.com/s?__biz=M&mid=1&scene=21");
  EXPECT_EQ(IssueInTitle(links[0].title), "2024-28");
  EXPECT_EQ(links[1].url, "https://mp.weixin.qq.com:443/s/27");
  EXPECT_TRUE(
      ParseReviewLinks("<a href=\"/s/1\">网络安全信息与动态周报2024年第1期</a>",
                       "https://mp.weixin.qq.com/s/x")
          .empty());
}

TEST(CncertPagesTest, IssueInTitle) {
  EXPECT_EQ(IssueInTitle("网络安全信息与动态周报-2026年第12期"), "2026-12");
  EXPECT_EQ(
      IssueInTitle("网络安全信息与动态周报2014年 第 6 期（2月3日-2月9日）"),
      "2014-06");
  EXPECT_EQ(IssueInTitle("网络安全信息与动态周报第6期"), "");
  EXPECT_EQ(IssueInTitle("2026年第0期"), "");
}

TEST(CncertPagesTest, GarbageHasNoEntries) {
  EXPECT_TRUE(ParseIndexPage("<<<>>> \x01 not html", "http://h/").empty());
  EXPECT_TRUE(ParseReportPage("", "http://h/").pdf_url.empty());
}

TEST(CncertPagesTest, ResolveUrl) {
  const std::string base = "http://h.example/a/b/c.html?x=1";
  EXPECT_EQ(ResolveUrl(base, "d.html"), "http://h.example:80/a/b/d.html");
  EXPECT_EQ(ResolveUrl(base, "../d.html"), "http://h.example:80/a/d.html");
  EXPECT_EQ(ResolveUrl(base, "/e/f.pdf?v=2"),
            "http://h.example:80/e/f.pdf?v=2");
  EXPECT_EQ(ResolveUrl(base, "//other.example/g"), "http://other.example/g");
  EXPECT_EQ(ResolveUrl(base, "https://x.example/y"), "https://x.example/y");
  EXPECT_EQ(ResolveUrl(base, "../../../../z"), "http://h.example:80/z");
}

TEST(CncertPagesTest, SplitUrl) {
  const auto u =
      SplitUrl("HTTPS://WWW.Cert.org.cn/publish/main/44/index.html#top");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "www.cert.org.cn");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->path, "/publish/main/44/index.html");
  EXPECT_EQ(SplitUrl("http://[::1]:8080/x")->host, "::1");
  EXPECT_FALSE(SplitUrl("not a url").has_value());
  EXPECT_FALSE(SplitUrl("http://h:99999/").has_value());
}

}  // namespace
}  // namespace cncert
