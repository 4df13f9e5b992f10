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
