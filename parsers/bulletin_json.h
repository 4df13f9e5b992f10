// The `parse` command's JSON (docs/metrics.md) and the API's bulletin objects.
#ifndef CNCERT_PARSERS_BULLETIN_JSON_H_
#define CNCERT_PARSERS_BULLETIN_JSON_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "parsers/bulletin.h"

namespace cncert {

// {"kind","title","year","issue","period_start","period_end","published","url"}
// with unknown keys omitted.
nlohmann::json IdentityToJson(const Identity& identity);

// A number as JSON: integral values as integers (177, not 177.0).
nlohmann::json NumberToJson(double value);
// The integer NumberToJson prints `value` as, if it prints one.
std::optional<long long> WholeNumber(double value);
// An OCR confidence (0–100) as printed: to one decimal.
nlohmann::json ConfidenceToJson(double confidence);

// "read", "pending", "skipped", "unread", "failed".
const char* ImageStatusName(ImageStatus status);

// One element of the `parse` output array. `provenance` adds, per series, the
// rule, section, byte span, matched text and sentence. (`parse` prints the
// same text without the tree: BulletinJsonText.)
nlohmann::json BulletinToJson(const Bulletin& bulletin, std::string_view file,
                              bool provenance);

}  // namespace cncert

#endif  // CNCERT_PARSERS_BULLETIN_JSON_H_
