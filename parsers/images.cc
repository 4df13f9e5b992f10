#include "parsers/images.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <vector>

#include "parsers/strings.h"

namespace cncert {

namespace {
constexpr std::string_view kMarker = "\xEE\x80\x80";  // U+E000
}  // namespace

bool IsDecorativeImage(const ImageRef& ref) {
  if (ref.src.empty()) return true;
  if (ref.alt.empty()) return false;  // most content images
  // Words in any case; none holds a letter that folds outside ASCII (k, s),
  // so lowering ASCII matches as a case-blind search does.
  static constexpr std::string_view kWords[] = {
      "cover", "头像", "二维码", "qrcode", "qr code", "avatar", "logo", "封面"};
  const std::string alt = LowerAscii(ref.alt);
  return std::any_of(
      std::begin(kWords), std::end(kWords),
      [&](std::string_view w) { return alt.find(w) != std::string::npos; });
}

std::string ImageMarker(std::size_t index) {
  return "\n" + std::string(kMarker) + std::to_string(index) + "\n";
}

long ImageMarkerIndex(std::string_view line) {
  if (!line.starts_with(kMarker)) return -1;
  line.remove_prefix(kMarker.size());
  if (line.empty() || line.size() > 6 ||
      line.find_first_not_of("0123456789") != std::string_view::npos) {
    return -1;
  }
  return std::strtol(std::string(line).c_str(), nullptr, 10);
}

void StripMarkers(std::string& text) {
  if (text.find("\xEE\x80") == std::string::npos) return;  // the usual case
  static const RE2 kMarkers(R"(\x{E000}|\x{E001})");
  RE2::GlobalReplace(&text, kMarkers, "");
}

std::string FixOcrConfusions(std::string_view normalized_line) {
  struct Fix {
    RE2 pattern;
    const char* rewrite;
  };
  // Each repair needs the bulletin's own context around the misread
  // characters, so that it cannot turn other text into a wording.
  static const Fix kFixes[] = {
      // 篡改 as 纂改, 算改, 签改, 和代改: "被__改(的)(政府)网站".
      {RE2(R"(被[^,;。\d()]{1,2}?改(的?(?:政府)?网站))"), R"(被篡改\1)"},
      // 后门 as 后内, 后让: "植入后_(的|网站)".
      {RE2(R"(植入后[^门,;。\d()](的|网站|政府))"), R"(植入后门\1)"},
      // 仿冒 as 仿时: "仿_页面".
      {RE2(R"(仿[^冒,;。\d()]页面)"), "仿冒页面"},
      // A decimal point read as a comma: "33,2%" (a thousands separator
      // has three digits after it).
      {RE2(R"((\d),(\d%))"), R"(\1.\2)"},
      // The % sign doubled, or followed by a stray letter, before the words
      // that follow a share: "34.8%%为", "62.7%b为" (before the repair
      // below, which then sees the sign where it belongs).
      {RE2(R"((\d%)(?:%|[A-Za-z])([为位较,;。)]))"), R"(\1\2)"},
      // The % sign read as a digit (9, 5, 96, 9%6) or followed by a stray
      // one, after a share or change: "约占境内5.49)", "88.65," or "5.0%8)"
      // for "5.4%)". Bulletins state every share and change with one
      // decimal, so a second one is the misread sign.
      {RE2(R"((\d\.\d)(?:\d?%\d{0,2}|\d{1,2})([),;。为位]|较))"), R"(\1%\2)"},
      // The same at the end of a line, where the sign itself was seen.
      {RE2(R"((\d\.\d)(?:\d%\d{0,2}|%\d{1,2})$)"), R"(\1%)"},
      // A decimal digit read as a Han character ("51.芝" for "51.2") or
      // lost ("89.;" for "89.7%;"): what is left would read as a smaller
      // figure, so the number goes. (At the end of a line the decimals may
      // stand on the next.)
      {RE2(R"(\d+\.([^\d\s]))"), "\xEF\xBF\xBD\\1"},
      // IP as I|P, l|P, |P, 1P, IF, PP, [P: a token of its own (never the
      // end of a number) before the words bulletins put after it.
      {RE2(R"((^|[^\dA-Za-z.])(?:[Il1\[]\||[Il1\[P|])[PF](地址|中|直|个|。|$))"),
       R"(\1IP\2)"},
      // IP as a lone bracket: "[地址".
      {RE2(R"(\[(地址))"), R"(IP\1)"},
      // 承载 as 承塌: "地址承_了".
      {RE2(R"((地址)承[^载,;。\d()]了)"), R"(\1承载了)"},
      // 漏洞 as 漏润: before a number, 中 or a comma.
      {RE2(R"(漏[^洞,;。\d()](\d|中|共|,))"), R"(漏洞\1)"},
      // A stray character inside a severity: "中和危漏洞".
      {RE2(R"((^|[、,;])([高中低])[^危\d,;、]危漏洞)"), R"(\1\2危漏洞)"},
      // 顶 as 项: "项级域" is no word.
      {RE2(R"(项级域)"), "顶级域"},
      // A lone rating 中 read as 三.
      {RE2(R"((评价(?:级别)?为)三)"), R"(\1中)"},
      // Parentheses as angle brackets or quotes: "〈(约占", "“〈(",
      // "〈conficker)".
      {RE2(R"([“”"]?[〈《【]\(?|[“”"]\()"), "("},
      {RE2(R"(\)?[〉》】])"), ")"},
      // The bracket before a share as 人, ! or |, or lost: "53个人约占",
      // "8个!约占", "8个" at the end of a line whose next starts "约占".
      {RE2(R"((\d个)[人!|]?(约?占))"), R"(\1(\2)"},
      {RE2(R"((\d个)[人!|]$)"), R"(\1()"},
  };
  // Most lines need no repair: one pass of all patterns together tells
  // which could apply, instead of one pass each. After a repair the line is
  // asked again, as a repair may make the next one apply.
  static const RE2::Set* const kAny = [] {
    auto* set = new RE2::Set(RE2::Options(), RE2::UNANCHORED);
    for (const Fix& fix : kFixes) set->Add(fix.pattern.pattern(), nullptr);
    set->Compile();
    return set;
  }();
  constexpr int kCount = static_cast<int>(std::size(kFixes));
  std::string out(normalized_line);
  std::vector<int> matching;
  for (int next = 0; next < kCount;) {
    matching.clear();
    if (!kAny->Match(out, &matching)) break;
    int first = kCount;
    for (const int i : matching) {
      if (i >= next) first = std::min(first, i);
    }
    if (first == kCount) break;
    RE2::GlobalReplace(&out, kFixes[first].pattern, kFixes[first].rewrite);
    next = first + 1;
  }
  return out;
}

}  // namespace cncert
