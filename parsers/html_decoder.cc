// Article text of an HTML page (WeChat article, mirror site, cert.org.cn):
// page chrome is dropped, block elements become line breaks.
#include <gumbo.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "parsers/document.h"
#include "parsers/encoding.h"
#include "parsers/html_tree.h"
#include "parsers/strings.h"

namespace cncert {

namespace {

bool IsSkipped(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_CANVAS:
      return true;
    default:
      return false;
  }
}

// Elements that end a line. <strong>/<b> count too: headings are often bold
// runs inside a paragraph, and line joining later repairs split sentences.
bool IsBlock(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_STRONG:
    case GUMBO_TAG_B:
    case GUMBO_TAG_CENTER:
      return true;
    default:
      return false;
  }
}

const char* Attribute(const GumboElement& el, const char* name) {
  const GumboAttribute* attr = gumbo_get_attribute(&el.attributes, name);
  return attr ? attr->value : nullptr;
}

// class/id tokens that mark site chrome on mirror pages.
bool IsChrome(const GumboElement& el) {
  static const RE2 kChrome(
      R"((?i)(?:^|[\s_-])(?:nav|navbar|menu|breadcrumb|footer|sidebar|copyright|comment|comments|share|related|toolbar|topbar)(?:$|[\s_-]))");
  for (const char* name : {"class", "id"}) {
    if (const char* v = Attribute(el, name);
        v && RE2::PartialMatch(v, kChrome)) {
      return true;
    }
  }
  return false;
}

struct Walker {
  Document* doc;
  std::string out;
  std::string h1;

  // The first <h1>: WeChat puts the article title there.
  void CaptureHeading(const GumboNode* node) {
    std::string out_text;
    for (unsigned i = 0; i < node->v.element.children.length; ++i) {
      const auto* child =
          static_cast<const GumboNode*>(node->v.element.children.data[i]);
      if (child->type == GUMBO_NODE_TEXT) out_text += child->v.text.text;
    }
    h1 = out_text;
  }

  void Meta(const GumboElement& el) {
    const char* property = Attribute(el, "property");
    if (!property) property = Attribute(el, "name");
    const char* content = Attribute(el, "content");
    if (!property || !content) return;
    const std::string p = LowerAscii(property);
    if (p == "og:title" && doc->title.empty()) doc->title = content;
    if (p == "og:url" && doc->url.empty()) doc->url = content;
    if ((p == "article:published_time" || p == "publishdate" ||
         p == "pubdate") &&
        doc->published.empty()) {
      doc->published = content;
    }
  }

  void Head(const GumboNode* node) {
    for (unsigned i = 0; i < node->v.element.children.length; ++i) {
      const auto* child =
          static_cast<const GumboNode*>(node->v.element.children.data[i]);
      if (child->type != GUMBO_NODE_ELEMENT) continue;
      const GumboElement& el = child->v.element;
      if (el.tag == GUMBO_TAG_META) Meta(el);
      if (el.tag == GUMBO_TAG_LINK) {
        const char* rel = Attribute(el, "rel");
        const char* href = Attribute(el, "href");
        if (rel && href && LowerAscii(rel) == "canonical" && doc->url.empty()) {
          doc->url = href;
        }
      }
      if (el.tag == GUMBO_TAG_TITLE && doc->title.empty() &&
          el.children.length > 0) {
        const auto* text = static_cast<const GumboNode*>(el.children.data[0]);
        if (text->type == GUMBO_NODE_TEXT) doc->title = text->v.text.text;
      }
    }
  }

  // WeChat loads images lazily: the real source is in data-src.
  void Image(const GumboElement& el) {
    const char* src = Attribute(el, "data-src");
    if (!src || !*src) src = Attribute(el, "src");
    const char* alt = Attribute(el, "alt");
    out += ImageMarker(doc->images.size());
    doc->images.push_back({src ? src : "", alt ? alt : ""});
  }

  // Depth-first with a stack of its own: HtmlTree lets documents nest
  // thousands of elements deep, deeper than a recursion may go.
  void Walk(const GumboNode* root) {
    struct Step {
      const GumboNode* node;
      enum Kind { kEnter, kLeaveBlock, kLeavePublishTime } kind;
      std::size_t mark = 0;  // kLeavePublishTime: where its text began
    };
    std::vector<Step> stack{{root, Step::kEnter}};
    while (!stack.empty()) {
      const Step step = stack.back();
      stack.pop_back();
      if (step.kind == Step::kLeaveBlock) {
        out += '\n';
        continue;
      }
      if (step.kind == Step::kLeavePublishTime) {
        if (doc->published.empty()) doc->published = out.substr(step.mark);
        out.resize(step.mark);
        continue;
      }
      const GumboNode* node = step.node;
      if (node->type == GUMBO_NODE_TEXT ||
          node->type == GUMBO_NODE_WHITESPACE ||
          node->type == GUMBO_NODE_CDATA) {
        std::string text = node->v.text.text;
        StripMarkers(text);
        out += text;
        continue;
      }
      if (node->type == GUMBO_NODE_ELEMENT) {
        const GumboElement& el = node->v.element;
        if (el.tag == GUMBO_TAG_HEAD) Head(node);
        if (el.tag == GUMBO_TAG_META) Meta(el);
        // WeChat marks the publication time by id: its text is the date,
        // not article text.
        const char* id = Attribute(el, "id");
        if (id && std::string_view(id) == "publish_time") {
          stack.push_back({node, Step::kLeavePublishTime, out.size()});
        } else {
          if (IsSkipped(el.tag) || IsChrome(el)) continue;
          if (el.tag == GUMBO_TAG_IMG) {
            Image(el);
            continue;
          }
          if (el.tag == GUMBO_TAG_H1 && h1.empty()) CaptureHeading(node);
          if (IsBlock(el.tag)) {
            out += '\n';
            stack.push_back({node, Step::kLeaveBlock});
          }
        }
      } else if (node->type != GUMBO_NODE_DOCUMENT) {
        continue;
      }
      const GumboVector& children = node->type == GUMBO_NODE_DOCUMENT
                                        ? node->v.document.children
                                        : node->v.element.children;
      for (unsigned i = children.length; i > 0; --i) {
        stack.push_back({static_cast<const GumboNode*>(children.data[i - 1]),
                         Step::kEnter});
      }
    }
  }
};

class HtmlDecoder : public Decoder {
 public:
  std::string_view Name() const override { return "html"; }

  bool Sniff(std::string_view bytes) const override {
    const std::size_t first = bytes.find_first_not_of(" \t\r\n\xef\xbb\xbf");
    if (first == std::string_view::npos || bytes[first] != '<') return false;
    const std::string head = LowerAscii(bytes.substr(0, 4096));
    const std::size_t start = head.find_first_not_of(" \t\r\n\xef\xbb\xbf");
    if (start == std::string::npos || head[start] != '<') return false;
    for (const char* marker :
         {"<!doctype html", "<html", "<body", "<head", "<div", "<p>", "<p "}) {
      if (head.find(marker) != std::string::npos) return true;
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
    const HtmlTree tree(decoded.text);
    if (!tree.root()) {
      doc.error = tree.error();
      doc.failure = Failure::kResources;
      return doc;
    }
    if (tree.defused()) {
      doc.warnings.push_back(
          "formatting tags pile up unclosed: they were read as plain spans");
    }
    Walker walker{&doc, {}, {}};
    walker.Walk(tree.root());
    if (!walker.h1.empty()) doc.title = walker.h1;
    doc.text = std::move(walker.out);
    return doc;
  }
};

}  // namespace

std::unique_ptr<Decoder> MakeHtmlDecoder() {
  return std::make_unique<HtmlDecoder>();
}

}  // namespace cncert
