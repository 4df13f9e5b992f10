// libFuzzer target: HtmlStream against gumbo's tree. Wherever the stream
// reads a page (it may decline any), the article text, title, URL, date and
// images must be the tree's, byte for byte.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "parsers/article_text.h"
#include "parsers/encoding.h"
#include "parsers/html_stream.h"
#include "parsers/html_tree.h"

namespace {

bool Same(const cncert::Document& a, const cncert::Document& b) {
  if (a.text != b.text || a.title != b.title || a.url != b.url ||
      a.published != b.published || a.images.size() != b.images.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.images.size(); ++i) {
    if (a.images[i].src != b.images[i].src ||
        a.images[i].alt != b.images[i].alt) {
      return false;
    }
  }
  return true;
}

void Compare(std::string_view page) {
  const cncert::TagCensus census = cncert::CountTags(page);
  if (!cncert::HtmlTree::TakesAsIs(census)) return;
  cncert::Document streamed;
  cncert::ArticleText stream_text(&streamed);
  if (!cncert::StreamHtml(page, stream_text)) return;
  stream_text.Finish();
  const cncert::HtmlTree tree(page, census);
  if (!tree.root()) __builtin_trap();
  cncert::Document built;
  cncert::ArticleText tree_text(&built);
  cncert::ReplayTree(tree.root(), tree_text);
  tree_text.Finish();
  if (!Same(streamed, built)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  Compare(bytes);
  // As the decoder meets it: converted to UTF-8 first.
  const cncert::DecodedText decoded = cncert::DecodeToUtf8(bytes, "");
  if (decoded.error.empty() && decoded.text != bytes) Compare(decoded.text);
  return 0;
}
