// The `parse` command's JSON of one bulletin written straight out as text:
// byte for byte what nlohmann's dump(2) prints of BulletinToJson's tree,
// without building the tree (tree and dump took two fifths of `parse`).
#ifndef CNCERT_PARSERS_BULLETIN_JSON_TEXT_H_
#define CNCERT_PARSERS_BULLETIN_JSON_TEXT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "parsers/bulletin.h"

namespace cncert {

// `depth`: how many levels the element is nested (1 for an element of the
// printed array: every line indented by two more spaces).
std::string BulletinJsonText(const Bulletin& bulletin, std::string_view file,
                             bool provenance, int depth);

// Any JSON as dump(2) prints it, nested `depth` levels: what the text
// above falls back to where writing it straight out would differ.
std::string IndentedJson(const nlohmann::json& json, int depth);

}  // namespace cncert

#endif  // CNCERT_PARSERS_BULLETIN_JSON_TEXT_H_
