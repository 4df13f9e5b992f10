# Writes the rules YAML, and the JSON made of it, into a C++ source as raw
# string literals.
file(READ ${INPUT} CONTENT)
file(READ ${INPUT_JSON} JSON)
foreach(TEXT IN ITEMS "${CONTENT}" "${JSON}")
  string(FIND "${TEXT}" ")cncert_rules\"" CLASH)
  if(NOT CLASH EQUAL -1)
    message(FATAL_ERROR "rules file contains the raw string delimiter")
  endif()
endforeach()
file(WRITE ${OUTPUT} "// Generated from parsers/rules/cncert_weekly.yaml; do not edit.\n"
  "#include \"parsers/rules.h\"\n\n"
  "namespace cncert {\n\n"
  "std::string_view DefaultRulesYaml() {\n"
  "  static constexpr std::string_view kRules = R\"cncert_rules(${CONTENT})cncert_rules\";\n"
  "  return kRules;\n}\n\n"
  "std::string_view DefaultRulesJson() {\n"
  "  static constexpr std::string_view kRules = R\"cncert_rules(${JSON})cncert_rules\";\n"
  "  return kRules;\n}\n\n}  // namespace cncert\n")
