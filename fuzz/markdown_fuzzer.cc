// libFuzzer target for crawler Markdown: front matter, then the article.
#include <cstddef>
#include <cstdint>
#include <string>

#include "parsers/bulletin_json.h"
#include "parsers/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  static const auto rules = cncert::DefaultRules();
  const std::string markdown =
      "---\ntitle: 网络安全信息与动态周报\nurl: https://mp.weixin.qq.com/s/x\n"
      "---\n" +
      std::string(reinterpret_cast<const char*>(data), size);
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
