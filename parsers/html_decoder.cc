// Article text of an HTML page (WeChat article, mirror site, cert.org.cn):
// page chrome is dropped, block elements become line breaks.
#include <gumbo.h>
#include <re2/re2.h>
#include <strings.h>

#include <string>
#include <vector>

#include "parsers/article_text.h"
#include "parsers/document.h"
#include "parsers/encoding.h"
#include "parsers/html_stream.h"
#include "parsers/html_tree.h"

namespace cncert {

namespace {

class HtmlDecoder : public Decoder {
 public:
  std::string_view Name() const override { return "html"; }

  bool Sniff(std::string_view bytes) const override {
    const std::size_t first = bytes.find_first_not_of(" \t\r\n\xef\xbb\xbf");
    if (first == std::string_view::npos || bytes[first] != '<') return false;
    // A marker in the first 4 KB, in any case.
    const std::string_view head = bytes.substr(0, 4096);
    for (std::size_t lt = head.find('<'); lt != std::string_view::npos;
         lt = head.find('<', lt + 1)) {
      for (const std::string_view marker : {"<!doctype html", "<html", "<body",
                                            "<head", "<div", "<p>", "<p "}) {
        if (head.size() - lt >= marker.size() &&
            strncasecmp(head.data() + lt, marker.data(), marker.size()) == 0) {
          return true;
        }
      }
    }
    return false;
  }

  Document Decode(std::string_view bytes) const override {
    Document doc;
    doc.format = "html";
    static const RE2 kCharset(R"((?i)charset\s*=\s*["']?([A-Za-z0-9_-]+))");
    std::string declared;
    RE2::PartialMatch(bytes.substr(0, 4096), kCharset, &declared);
    DecodedText decoded = DecodeToUtf8(bytes, declared);
    doc.encoding = decoded.encoding;
    doc.warnings = std::move(decoded.warnings);
    if (!decoded.error.empty()) {
      doc.error = std::move(decoded.error);
      doc.failure = decoded.failure;
      return doc;
    }
    // Read straight from the tags when the page allows; gumbo's tree
    // otherwise.
    Document page;
    const TagCensus census = CountTags(decoded.text);
    bool streamed = false;
    if (HtmlTree::TakesAsIs(census)) {
      ArticleText text(&page);
      streamed = StreamHtml(decoded.text, text);
      if (streamed) text.Finish();
    }
    if (!streamed) {
      const HtmlTree tree(decoded.text, census);
      if (!tree.root()) {
        doc.error = tree.error();
        doc.failure = Failure::kResources;
        return doc;
      }
      if (tree.defused()) {
        doc.warnings.push_back(
            "formatting tags pile up unclosed: they were read as plain spans");
      }
      page = Document();
      ArticleText text(&page);
      ReplayTree(tree.root(), text);
      text.Finish();
    }
    doc.text = std::move(page.text);
    doc.title = std::move(page.title);
    doc.url = std::move(page.url);
    doc.published = std::move(page.published);
    doc.images = std::move(page.images);
    return doc;
  }
};

}  // namespace

std::unique_ptr<Decoder> MakeHtmlDecoder() {
  return std::make_unique<HtmlDecoder>();
}

}  // namespace cncert
