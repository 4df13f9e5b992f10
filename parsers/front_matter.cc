#include "parsers/front_matter.h"

#include <cctype>

namespace cncert {

std::optional<std::map<std::string, std::string>> ReadPlainFrontMatter(
    std::string_view yaml) {
  std::map<std::string, std::string> out;
  while (!yaml.empty()) {
    const std::size_t eol = yaml.find('\n');
    std::string_view line = yaml.substr(0, eol);
    yaml.remove_prefix(eol == std::string_view::npos ? yaml.size() : eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    const std::size_t colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) return std::nullopt;
    const std::string_view key = line.substr(0, colon);
    for (const char c : key) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-')
        return std::nullopt;
    }
    std::string_view value = line.substr(colon + 1);
    if (!value.empty() && value.front() != ' ' && value.front() != '\t')
      return std::nullopt;  // "a:b" is a plain scalar key, not a pair
    const std::size_t first = value.find_first_not_of(" \t");
    value = first == std::string_view::npos ? std::string_view()
                                            : value.substr(first);
    const std::size_t last = value.find_last_not_of(" \t");
    value = value.substr(0, last == std::string_view::npos ? 0 : last + 1);
    if (!value.empty() &&
        std::string_view("[]{}|>&*!%@`'\"#?,-:").find(value.front()) !=
            std::string_view::npos) {
      return std::nullopt;
    }
    if (value.find(" #") != std::string_view::npos ||
        value.find("\t#") != std::string_view::npos ||
        value.find(": ") != std::string_view::npos ||
        value.find('\t') != std::string_view::npos ||
        (!value.empty() && value.back() == ':')) {
      return std::nullopt;
    }
    if (value == "~" || value == "null" || value == "Null" || value == "NULL")
      value = {};
    if (!out.emplace(key, value).second) return std::nullopt;  // repeated
  }
  return out;
}

}  // namespace cncert
