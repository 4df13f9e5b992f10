// HtmlStream reads a page as gumbo's tree does, or declines it.
#include "parsers/html_stream.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "parsers/article_text.h"
#include "parsers/encoding.h"
#include "parsers/html_tree.h"

namespace cncert {
namespace {

struct Article {
  std::string text, title, url, published;
  std::vector<std::string> images;  // source and alt of each

  bool operator==(const Article&) const = default;
};

Article FromDocument(Document& doc) {
  Article a{doc.text, doc.title, doc.url, doc.published, {}};
  for (const ImageRef& image : doc.images) {
    a.images.push_back(image.src + " | " + image.alt);
  }
  return a;
}

Article ByTree(const std::string& page) {
  const HtmlTree tree(page);
  EXPECT_NE(tree.root(), nullptr) << tree.error();
  Document doc;
  ArticleText text(&doc);
  if (tree.root()) ReplayTree(tree.root(), text);
  text.Finish();
  return FromDocument(doc);
}

std::optional<Article> ByStream(const std::string& page) {
  Document doc;
  ArticleText text(&doc);
  if (!StreamHtml(page, text)) return std::nullopt;
  text.Finish();
  return FromDocument(doc);
}

std::string Show(const Article& a) {
  std::ostringstream out;
  out << "text «" << a.text << "» title «" << a.title << "» url «" << a.url
      << "» published «" << a.published << "» images";
  for (const auto& i : a.images) out << " «" << i << "»";
  return out.str();
}

// The page is read, and as the tree reads it.
void ExpectStreamed(const std::string& page) {
  const std::optional<Article> streamed = ByStream(page);
  ASSERT_TRUE(streamed.has_value()) << "declined: " << page;
  const Article tree = ByTree(page);
  EXPECT_EQ(*streamed, tree)
      << page << "\nstream: " << Show(*streamed) << "\ntree:   " << Show(tree);
}

void ExpectDeclined(const std::string& page) {
  EXPECT_FALSE(ByStream(page).has_value()) << page;
}

TEST(HtmlStreamTest, ReadsWellFormedPagesAsTheTreeDoes) {
  ExpectStreamed(
      "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>周报</title>"
      "</head>\n<body><p>本周，境内感染网络病毒的主机数量约为10.8万个。</p>\n"
      "<p>被篡改网站<b>数量</b>为1,212个。</p></body></html>\n");
  ExpectStreamed(
      "<html><head><meta property=\"og:title\" content=\"第18期\">"
      "<link rel=\"Canonical\" href=\"https://example.org/a\"></head>"
      "<body id=\"activity-detail\"><h1 class=\"rich_media_title\">\n"
      "  周报2021年第18期\n</h1><em id=\"publish_time\">2021-05-07</em>"
      "<section><p><img data-src=\"https://x/640?a=1&amp;wx_fmt=png\" "
      "alt='图'/></p></section></body></html>");
  // Chrome and skipped elements, with text after them.
  ExpectStreamed(
      "<body><div class=\"nav\"><a href=\"/\">首页</a></div><script>var a = "
      "'<p>'; if (a < b) {}</script><style>p{}</style><p>正文</p>"
      "<div class=\"footer\">版权</div>尾</body>");
}

TEST(HtmlStreamTest, ImpliesWhatTheTreeImplies) {
  // No html, head or body tags; text before any element.
  ExpectStreamed("正文<p>一</p>");
  ExpectStreamed(
      "  \n<title>题</title><meta name=pubdate content=2020-01-01>"
      "<p>一<p>二<div>三</div>");
  // Whitespace between the head and the body belongs to <html>.
  ExpectStreamed("<html><head></head>\n \n<body>a</body>\n</html>\n");
  // Head elements after </head> still go into the head.
  ExpectStreamed(
      "<html><head></head> <title>题</title><meta property=og:url "
      "content=u><body><p>a</p></body></html>");
  // List items and paragraphs closed by what follows them.
  ExpectStreamed("<ul><li>一<li>二<p>三<li>四</ul><dl><dt>甲<dd>乙<dt>丙</dl>");
  ExpectStreamed("<p>一<h2>二</h3>三<h1>四<h2>五</h2>");
  // Content after </body> and </html> goes into what is still open.
  ExpectStreamed("<body><div>一</body>二</html> 三<p>四");
  // Unclosed elements close at the end; stray end tags are dropped.
  ExpectStreamed("<div><span>一</div></span>二<section>三</i></em>");
  ExpectStreamed("<div><span><em>一</em>二</span></foo>三</div>");
  // <pre> drops the newline right after it.
  ExpectStreamed("<pre>\n一\n二</pre><listing>\n\n三</listing>");
  // Forms are skipped, a form in a form is dropped.
  ExpectStreamed("<form><p>一<form>二</form>三</form>四");
  ExpectStreamed("<div><form>一</div><form>二</form>三");
  // </form> ends no text node: text before it goes to the form's parent.
  ExpectStreamed("<pre><form>一</form>二<form><p>三</p>四</form>五");
  // Unknown elements match each other's end tags, as gumbo's tags do.
  ExpectStreamed("<mpvoice><mp-style>一</mpvoice>二</mp-style>三");
  ExpectStreamed("<p><b>粗<i>斜</i></b>文</p><p><strong>加</strong></p>");
  ExpectStreamed("<P>一<DIV CLASS=NAV>二</div><P><B>三</b><Br/>四</P>");
  ExpectStreamed("<b>一<span>二</b>三");
}

TEST(HtmlStreamTest, ReadsTextAsTheTreeDoes) {
  // References, newlines, '<' that opens no tag, comments between text.
  ExpectStreamed(
      "<p>a &amp; b &lt;c&gt; &#x4E2D;&#25991; &nbsp;&ldquo;引&rdquo;</p>");
  ExpectStreamed("<p>一\r\n二\r三</p><p>1 < 2 <3 </> 4</p>");
  ExpectStreamed("<h1>题<!-- c -->目</h1><h1> <span>x</span> 标</h1>");
  ExpectStreamed("<h1></h1><h1> </h1><div><h1>a</h1></div><h1>b</h1>");
  ExpectStreamed("<title> </title><title>二</title><p>&amp;</p>");
  ExpectStreamed(
      "<a href=\"/s?a=1&b=2&amp;c\" title=\"x&y=z\">链</a><img src=a.png "
      "DATA-SRC=b.png Alt=\"&quot;图&quot;\">");
  ExpectStreamed("<p>\xEE\x80\x80 marker-like \xEE\x80\x81</p>");
  ExpectStreamed("<div id=publish_time><p>2020</p><img src=x></div>正文");
  ExpectStreamed("<html class=\"nav\"><head><title>t</title></head>x</html>");
  ExpectStreamed("<head class=nav><title>t</title></head><p id=x class=y>z");
}

TEST(HtmlStreamTest, DeclinesWhatNeedsTheTreeConstruction) {
  ExpectDeclined("<table><tr><td>一</td></tr></table>");
  ExpectDeclined("<p><b>一<p>二");                 // <b> reopened
  ExpectDeclined("<b>一<div>二</b>三</div>");      // adoption agency
  ExpectDeclined("<a href=1>一<a href=2>二</a>");  // adoption agency
  ExpectDeclined("<p>一</p></p>");                 // </p> makes a <p>
  ExpectDeclined("<p>一</br>");
  ExpectDeclined("<svg><p>一</p></svg>");
  ExpectDeclined("<html><body><html lang=zh>");  // attributes merge
  ExpectDeclined("<p>AT&T</p>");                 // a reference's prefix
  ExpectDeclined("<p>&copy</p>");
  ExpectDeclined("<p>&amp</p>");
  ExpectDeclined("<a title=x&y=z>");
  ExpectDeclined("<p>&#32;</p>");
  ExpectDeclined("<p>a\x01z</p>");        // gumbo replaces it
  ExpectDeclined("<p>\xC2\x85</p>");      // a C1 control
  ExpectDeclined("<p>\xFF</p>");          // not UTF-8
  ExpectDeclined("<p>\xED\xA0\x80</p>");  // a surrogate
  ExpectDeclined("<p>\xE0\x80\xBC</p>");  // overlong
  ExpectDeclined("<p>\xEF\xB7\x90</p>");  // noncharacters
  ExpectDeclined("<p>\xEF\xBF\xBE</p>");
  ExpectDeclined("<p>\xF4\x8F\xBF\xBF</p>");
  ExpectDeclined("<p>\x7F</p>");
  ExpectDeclined("<p>\xE4\xB8\xAD\xE4\xB8");  // cut inside a character
  ExpectDeclined("<p>\xE4\xB8\xAD\xE4\xB8</p>");
  ExpectDeclined("<p>a<!-- x --!> b</p>");
  ExpectDeclined("<p>a<!-->b</p>");
  ExpectDeclined("<script><!--<script></script>--></script>");
  ExpectDeclined("<p>a<?php x ?></p>");
  ExpectDeclined("<p>a</ b></p>");
  ExpectDeclined("<textarea>a</textarea>");
  ExpectDeclined("<p>unfinished <b");
  // gumbo joins the name after a repeated one without a value to it.
  ExpectDeclined("<p a b a id=publish_time>2020</p>");
  ExpectDeclined("<img src=a.png SRC=b.png>");
}

// Random pages from parts that stress the tree construction: whatever the
// stream reads, it reads as the tree does; and it reads many of them.
TEST(HtmlStreamTest, RandomPagesReadAsTheTreeReadsThem) {
  static const char* const kParts[] = {
      "<p>",
      "</p>",
      "<div>",
      "</div>",
      "<div class=nav>",
      "<span>",
      "</span>",
      "<b>",
      "</b>",
      "<strong>",
      "</strong>",
      "<i>",
      "</i>",
      "<a href=x>",
      "</a>",
      "<li>",
      "</li>",
      "<ul>",
      "</ul>",
      "<ol>",
      "</ol>",
      "<dd>",
      "<dt>",
      "</dl>",
      "<h1>",
      "</h1>",
      "<h2>",
      "</h2>",
      "<br>",
      "</br>",
      "<img src=s.png alt=a>",
      "<img data-src=\"d&amp;e\">",
      "<section>",
      "</section>",
      "<em id=publish_time>",
      "</em>",
      "<pre>",
      "</pre>",
      "<form>",
      "</form>",
      "<script>x<y</script>",
      "<style>a{}</style>",
      "<title>题</title>",
      "<meta property=og:title "
      "content=标>",
      "<link rel=canonical href=c>",
      "<head>",
      "</head>",
      "<body>",
      "</body>",
      "<html>",
      "</html>",
      "<!-- c -->",
      "<!DOCTYPE html>",
      "<foo>",
      "</foo>",
      "<bar>",
      "</bar>",
      "<noscript>",
      "</noscript>",
      "<header>",
      "</header>",
      "<table>",
      "<td>",
      "<hr>",
      "<wbr>",
      "文",
      "本周",
      " ",
      "\n",
      "\r\n",
      "&amp;",
      "&lt;",
      "&#x4E2D;",
      "1 < 2",
      "\xEE\x80\x80",
      "&nbsp;",
      "\t",
      "<P>",
      "</P>",
      "<DIV Class=Nav>",
      "<B>",
      "</LI>",
      "<Br/>",
  };
  std::mt19937 random(20261203);
  std::uniform_int_distribution<std::size_t> part(0, std::size(kParts) - 1);
  std::uniform_int_distribution<int> length(1, 40);
  int streamed = 0;
  constexpr int kPages = 20000;
  for (int n = 0; n < kPages; ++n) {
    std::string page;
    for (int i = length(random); i > 0; --i) page += kParts[part(random)];
    const std::optional<Article> stream = ByStream(page);
    if (!stream) continue;
    ++streamed;
    const Article tree = ByTree(page);
    ASSERT_EQ(*stream, tree)
        << page << "\nstream: " << Show(*stream) << "\ntree:   " << Show(tree);
  }
  // Most random pages misnest something; still, a good share is read.
  EXPECT_GT(streamed, kPages / 10);
}

// The HTML bulletins kept as golden files are read by the stream, as the
// tree reads them.
TEST(HtmlStreamTest, GoldenPagesAreStreamedAsTheTreeReadsThem) {
  int pages = 0;
  for (const auto& entry : std::filesystem::directory_iterator(
           std::filesystem::path(CNCERT_SOURCE_DIR) / "tests/golden")) {
    if (entry.path().extension() != ".html") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)),
                            std::istreambuf_iterator<char>());
    const DecodedText decoded = DecodeToUtf8(bytes, "");
    SCOPED_TRACE(entry.path().string());
    ExpectStreamed(decoded.text);
    ++pages;
  }
  EXPECT_GE(pages, 5);
}

}  // namespace
}  // namespace cncert
