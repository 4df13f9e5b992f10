// An HTML page read straight from its tags, without gumbo's tree. Most
// bulletin pages are well formed: their tree is the nesting of their tags,
// and building it costs most of an HTML parse. HtmlStream follows gumbo's
// tree construction where a page stays within that (the implied <html>,
// <head> and <body>, the head's own elements, paragraphs and list items
// closed by what follows them, unclosed elements at the end) and declines
// everything else — tables, misnested formatting, foreign content, forms
// inside forms, character references it does not know — so the caller reads
// those pages with gumbo. A page it reads gives the events gumbo's tree
// gives; the tests and a fuzzer hold it to that.
#ifndef CNCERT_PARSERS_HTML_STREAM_H_
#define CNCERT_PARSERS_HTML_STREAM_H_

#include <string_view>

#include "parsers/article_text.h"

namespace cncert {

// Feeds the page `utf8` to `text`. False when the page needs what it does
// not do: then `text` holds part of the page and must be discarded.
bool StreamHtml(std::string_view utf8, ArticleText& text);

}  // namespace cncert

#endif  // CNCERT_PARSERS_HTML_STREAM_H_
