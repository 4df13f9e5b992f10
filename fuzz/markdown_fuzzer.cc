// libFuzzer target for crawler Markdown: front matter, then the article.
// Also holds the hand-written readers of image references and of heading
// numbering to the expressions they replace, on every "![" and every line.
#include <re2/re2.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "parsers/bulletin_json.h"
#include "parsers/line_marks.h"
#include "parsers/markdown_image.h"
#include "parsers/parser.h"
#include "parsers/utf8.h"

namespace {

// Both read decoded text: valid UTF-8 (an expression does not match bytes
// that are no UTF-8, the readers take them as they are).
void CheckImageReferences(std::string_view text) {
  static const RE2 kImage(
      R"(!\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"\n]*")?\s*\))");
  for (std::size_t at = text.find("!["); at != std::string_view::npos;
       at = text.find("![", at + 1)) {
    re2::StringPiece groups[3];
    const bool matched =
        kImage.Match(text, at, text.size(), RE2::ANCHOR_START, groups, 3);
    const auto image = cncert::ReadMarkdownImage(text, at);
    if (matched != image.has_value()) __builtin_trap();
    if (matched &&
        (image->length != groups[0].size() ||
         image->alt != std::string_view(groups[1].data(), groups[1].size()) ||
         image->src != std::string_view(groups[2].data(), groups[2].size()))) {
      __builtin_trap();
    }
  }
}

void CheckHeadingNumbering(std::string_view text) {
  static const RE2 kPrefix(
      R"(^(?:[#*●■◆▶>\s]*)(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d+[、.)]|第[一二三四五六七八九十\d]+部分[:、]?)?\s*)");
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    const std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    re2::StringPiece rest(line.data(), line.size());
    RE2::Consume(&rest, kPrefix);
    if (cncert::HeadingNumberingLength(line) != line.size() - rest.size()) {
      __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  static const auto rules = cncert::DefaultRules();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (cncert::utf8::IsValid(input)) {
    CheckImageReferences(input);
    CheckHeadingNumbering(input);
  }
  const std::string markdown =
      "---\ntitle: 网络安全信息与动态周报\nurl: https://mp.weixin.qq.com/s/x\n"
      "---\n" +
      std::string(input);
  const cncert::Bulletin bulletin = cncert::ParseBulletin(markdown, *rules);
  (void)cncert::BulletinToJson(bulletin, "fuzz", true)
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
  for (const auto& v : bulletin.values) {
    if (v.provenance.end > bulletin.text.size() ||
        v.provenance.begin > v.provenance.end) {
      __builtin_trap();
    }
  }
  return 0;
}
