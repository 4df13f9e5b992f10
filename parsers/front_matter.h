// Front matter as crawlers write it: flat `key: plain value` lines, read
// as YAML would read them without a YAML parser (which cost more than the
// rest of a bulletin). Anything else — quotes, block scalars, comments,
// indentation, flow collections, a second ': ', a repeated key — gives
// nullopt, and goes to yaml-cpp.
#ifndef CNCERT_PARSERS_FRONT_MATTER_H_
#define CNCERT_PARSERS_FRONT_MATTER_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace cncert {

std::optional<std::map<std::string, std::string>> ReadPlainFrontMatter(
    std::string_view yaml);

}  // namespace cncert

#endif  // CNCERT_PARSERS_FRONT_MATTER_H_
