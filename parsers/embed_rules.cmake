# Writes the rules YAML into a C++ source as a raw string literal.
file(READ ${INPUT} CONTENT)
string(FIND "${CONTENT}" ")cncert_rules\"" CLASH)
if(NOT CLASH EQUAL -1)
  message(FATAL_ERROR "rules file contains the raw string delimiter")
endif()
file(WRITE ${OUTPUT} "// Generated from parsers/rules/cncert_weekly.yaml; do not edit.\n"
  "#include \"parsers/rules.h\"\n\n"
  "namespace cncert {\n\n"
  "std::string_view DefaultRulesYaml() {\n"
  "  static constexpr std::string_view kRules = R\"cncert_rules(${CONTENT})cncert_rules\";\n"
  "  return kRules;\n}\n\n}  // namespace cncert\n")
