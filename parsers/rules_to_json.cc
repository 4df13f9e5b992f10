// rules_to_json RULES.yaml OUT.json: the rules as the JSON that the binary
// embeds and reads at every start (JsonNode in rules.cc). Maps, lists, and
// every scalar as the string YAML holds, converted when it is read as YAML
// would convert it. Refuses what JSON would hold differently: a key given
// twice, an empty value.
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace {

std::string Where(const YAML::Node& node) {
  return "line " + std::to_string(node.Mark().line + 1);
}

nlohmann::json ToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json map = nlohmann::json::object();
      for (const auto& entry : node) {
        const auto key = entry.first.as<std::string>();
        if (map.contains(key)) {
          throw std::runtime_error(Where(entry.first) + ": key '" + key +
                                   "' given twice");
        }
        map[key] = ToJson(entry.second);
      }
      return map;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& element : node) list.push_back(ToJson(element));
      return list;
    }
    case YAML::NodeType::Scalar:
      return node.Scalar();
    default:
      throw std::runtime_error(Where(node) + ": empty value");
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: rules_to_json RULES.yaml OUT.json\n";
    return 2;
  }
  try {
    const nlohmann::json json = ToJson(YAML::LoadFile(argv[1]));
    std::ofstream out(argv[2]);
    out << json.dump();
    if (!out.flush())
      throw std::runtime_error("cannot write " + std::string(argv[2]));
  } catch (const std::exception& e) {
    std::cerr << argv[1] << ": " << e.what() << "\n";
    return 1;
  }
  return 0;
}
