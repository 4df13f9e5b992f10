// The article text of an HTML page, built from the page's elements in
// document order: page chrome is dropped, block elements become line
// breaks, images become markers, the head's metadata fills the document's.
// Both ways of reading a page (gumbo's tree, HtmlStream) feed it the same
// events, so they cannot disagree on what becomes text.
#ifndef CNCERT_PARSERS_ARTICLE_TEXT_H_
#define CNCERT_PARSERS_ARTICLE_TEXT_H_

#include <gumbo.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/document.h"

namespace cncert {

struct HtmlAttribute {
  std::string_view name;  // lower case
  std::string_view value;
};
using HtmlAttributes = std::span<const HtmlAttribute>;

class ArticleText {
 public:
  explicit ArticleText(Document* doc) : doc_(doc) {}

  // An element opens. `head_child`: its parent is the page's <head> (the
  // tree knows this from the open elements; a page may also put head
  // elements after </head>, where the parser adds them to the head).
  void Enter(GumboTag tag, HtmlAttributes attributes, bool head_child = false);
  void Leave();
  // One text node: `whitespace` when it holds only HTML whitespace.
  void Text(std::string_view text, bool whitespace);
  // Moves the text into the document; call once, after the last Leave.
  void Finish();

 private:
  enum class Kind : unsigned char {
    kPlain,
    kBlock,
    kSkipped,      // page chrome, scripts, forms: nothing inside is text
    kHead,         // hidden; its direct children carry metadata
    kHeadTitle,    // <title> in the head
    kPublishTime,  // WeChat's date, taken out of the text
  };
  struct Open {
    Kind kind;
    bool hidden;           // inside a skipped element or the head
    int heading = -1;      // index into headings_ when capturing an <h1>
    std::size_t mark = 0;  // kPublishTime: where its text began
    bool seen_child = false;
  };

  bool Hidden() const { return !open_.empty() && open_.back().hidden; }
  void HeadChild(GumboTag tag, HtmlAttributes attributes, Open& open);
  void Meta(HtmlAttributes attributes);
  void Image(HtmlAttributes attributes);

  Document* doc_;
  std::string out_;
  std::vector<Open> open_;
  int skipped_depth_ = 0;  // open skipped elements (the head not counted)
  // Direct text of each <h1> entered before one had any: WeChat puts the
  // article title in the first.
  std::vector<std::string> headings_;
  bool heading_found_ = false;
};

}  // namespace cncert

#endif  // CNCERT_PARSERS_ARTICLE_TEXT_H_
