#include "parsers/article_text.h"

#include <re2/re2.h>

#include "parsers/html_tree.h"
#include "parsers/images.h"
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
  if (IsHeading(tag)) return true;
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

// The first attribute of that name, as gumbo keeps the first of duplicates.
const std::string_view* Attribute(HtmlAttributes attributes,
                                  std::string_view name) {
  for (const HtmlAttribute& a : attributes) {
    if (a.name == name) return &a.value;
  }
  return nullptr;
}

// class/id tokens that mark site chrome on mirror pages.
bool IsChrome(HtmlAttributes attributes) {
  static const RE2 kChrome(
      R"((?i)(?:^|[\s_-])(?:nav|navbar|menu|breadcrumb|footer|sidebar|copyright|comment|comments|share|related|toolbar|topbar)(?:$|[\s_-]))");
  for (const HtmlAttribute& a : attributes) {
    // gumbo's lookup stopped at the first of each name.
    if ((a.name == "class" || a.name == "id") &&
        Attribute(attributes, a.name) == &a.value &&
        RE2::PartialMatch(a.value, kChrome)) {
      return true;
    }
  }
  return false;
}

}  // namespace

void ArticleText::Meta(HtmlAttributes attributes) {
  const std::string_view* property = Attribute(attributes, "property");
  if (!property) property = Attribute(attributes, "name");
  const std::string_view* content = Attribute(attributes, "content");
  if (!property || !content) return;
  const std::string p = LowerAscii(*property);
  if (p == "og:title" && doc_->title.empty()) doc_->title = *content;
  if (p == "og:url" && doc_->url.empty()) doc_->url = *content;
  if ((p == "article:published_time" || p == "publishdate" || p == "pubdate") &&
      doc_->published.empty()) {
    doc_->published = *content;
  }
}

// WeChat loads images lazily: the real source is in data-src.
void ArticleText::Image(HtmlAttributes attributes) {
  const std::string_view* src = Attribute(attributes, "data-src");
  if (!src || src->empty()) src = Attribute(attributes, "src");
  const std::string_view* alt = Attribute(attributes, "alt");
  out_ += ImageMarker(doc_->images.size());
  doc_->images.push_back({src ? std::string(*src) : std::string(),
                          alt ? std::string(*alt) : std::string()});
}

void ArticleText::HeadChild(GumboTag tag, HtmlAttributes attributes,
                            Open& open) {
  if (tag == GUMBO_TAG_META) Meta(attributes);
  if (tag == GUMBO_TAG_LINK) {
    const std::string_view* rel = Attribute(attributes, "rel");
    const std::string_view* href = Attribute(attributes, "href");
    if (rel && href && LowerAscii(*rel) == "canonical" && doc_->url.empty()) {
      doc_->url = *href;
    }
  }
  if (tag == GUMBO_TAG_TITLE) open.kind = Kind::kHeadTitle;
}

void ArticleText::Enter(GumboTag tag, HtmlAttributes attributes,
                        bool head_child) {
  if (!open_.empty()) open_.back().seen_child = true;
  Open open{Kind::kPlain, true};
  if (Hidden()) {
    // Only the head's own children are read in a hidden part, and only
    // when the head itself was reached.
    if (skipped_depth_ == 0 && open_.back().kind == Kind::kHead) {
      HeadChild(tag, attributes, open);
    }
    open_.push_back(open);
    return;
  }
  if (head_child) {
    HeadChild(tag, attributes, open);
    open_.push_back(open);
    return;
  }
  if (tag == GUMBO_TAG_HEAD) {
    open.kind = Kind::kHead;
    open_.push_back(open);
    return;
  }
  open.hidden = false;
  if (tag == GUMBO_TAG_META) Meta(attributes);
  // WeChat marks the publication time by id: its text is the date, not
  // article text.
  if (const std::string_view* id = Attribute(attributes, "id");
      id && *id == "publish_time") {
    open.kind = Kind::kPublishTime;
    open.mark = out_.size();
    open_.push_back(open);
    return;
  }
  if (IsSkipped(tag) || IsChrome(attributes)) {
    open.kind = Kind::kSkipped;
    open.hidden = true;
    ++skipped_depth_;
    open_.push_back(open);
    return;
  }
  if (tag == GUMBO_TAG_IMG) {
    Image(attributes);
  } else {
    if (tag == GUMBO_TAG_H1 && !heading_found_) {
      open.heading = static_cast<int>(headings_.size());
      headings_.emplace_back();
    }
    if (IsBlock(tag)) {
      out_ += '\n';
      open.kind = Kind::kBlock;
    }
  }
  open_.push_back(open);
}

void ArticleText::Leave() {
  if (open_.empty()) return;
  const Open open = open_.back();
  open_.pop_back();
  switch (open.kind) {
    case Kind::kBlock:
      out_ += '\n';
      break;
    case Kind::kPublishTime:
      if (doc_->published.empty()) doc_->published = out_.substr(open.mark);
      out_.resize(open.mark);
      break;
    case Kind::kSkipped:
      --skipped_depth_;
      break;
    default:
      break;
  }
  if (open.heading >= 0 && !headings_[open.heading].empty()) {
    heading_found_ = true;
  }
}

void ArticleText::Text(std::string_view text, bool whitespace) {
  if (open_.empty()) return;  // the document itself holds no text
  Open& parent = open_.back();
  if (parent.kind == Kind::kHeadTitle && !parent.seen_child && !whitespace &&
      doc_->title.empty()) {
    doc_->title = text;
  }
  parent.seen_child = true;
  if (parent.hidden) return;
  if (parent.heading >= 0 && !whitespace) {
    headings_[parent.heading] += text;
  }
  if (text.find("\xEE\x80") == std::string_view::npos) {
    out_ += text;
  } else {
    std::string stripped(text);
    StripMarkers(stripped);
    out_ += stripped;
  }
}

void ArticleText::Finish() {
  for (const std::string& heading : headings_) {
    if (!heading.empty()) {
      doc_->title = heading;
      break;
    }
  }
  doc_->text = std::move(out_);
}

}  // namespace cncert
