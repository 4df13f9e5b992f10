// libFuzzer target for the parse entry point: any bytes, default rules.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "parsers/bulletin_json.h"
#include "parsers/bulletin_json_text.h"
#include "parsers/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  static const auto rules = cncert::DefaultRules();
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const cncert::Bulletin bulletin = cncert::ParseBulletin(bytes, *rules);
  // The JSON rendering must accept whatever the parser produced.
  (void)cncert::BulletinToJson(bulletin, "fuzz", true)
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
  // `parse` writes the same text without the tree.
  if (cncert::BulletinJsonText(bulletin, "fuzz", true, 1) !=
      cncert::IndentedJson(cncert::BulletinToJson(bulletin, "fuzz", true), 1)) {
    __builtin_trap();
  }
  for (const auto& v : bulletin.values) {
    if (v.provenance.end > bulletin.text.size() ||
        v.provenance.begin > v.provenance.end) {
      __builtin_trap();
    }
  }
  return 0;
}
