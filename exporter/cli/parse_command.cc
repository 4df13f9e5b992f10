// cncert_exporter parse [--output json|text] FILE...: the parsers on files, per
// the contract in docs/metrics.md.
#include <iostream>

#include "exporter/base/files.h"
#include "exporter/cli/commands.h"
#include "parsers/bulletin_json.h"
#include "parsers/parser.h"
#include "parsers/strings.h"

namespace cncert {

namespace {

constexpr std::size_t kMaxFileBytes = 32u << 20;

void PrintText(std::ostream& out, const std::string& file, const Bulletin& b) {
  out << file << ": " << (b.ok() ? "ok" : "FAILED") << "\n";
  for (const auto& e : b.errors) out << "  error: " << e << "\n";
  if (b.ok()) {
    const Identity& id = b.identity;
    out << "  bulletin: " << id.title << "\n";
    out << "  format " << b.format << ", encoding " << b.encoding;
    if (!id.IssueLabel().empty()) out << ", issue " << id.IssueLabel();
    if (id.period_start && id.period_end) {
      out << ", period " << FormatDate(*id.period_start) << " to "
          << FormatDate(*id.period_end);
    }
    if (id.published) out << ", published " << FormatDate(*id.published);
    out << "\n";
    if (!id.url.empty()) out << "  url: " << id.url << "\n";
  }
  for (const auto& v : b.values) {
    const Provenance& p = v.provenance;
    out << "  " << SeriesKey(v.metric, v.labels) << " = "
        << FormatNumber(v.value) << "\n      from \"" << p.match << "\" (rule "
        << p.rule << ", section " << p.section << ", bytes " << p.begin << "-"
        << p.end << ")\n"
        << "      in: " << p.sentence << "\n";
  }
  for (const auto& w : b.warnings) out << "  warning: " << w << "\n";
}

}  // namespace

void AddParseCommand(CLI::App& app, CommandRunner* run) {
  struct Options {
    std::vector<std::string> files;
    std::string output = "json";
    std::string rules;
    bool provenance = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("parse",
                                 "Parse bulletin files (Markdown, HTML, PDF or "
                                 "text) and print their figures");
  cmd->add_option("files", opts->files, "Bulletin files")->required();
  cmd->add_option("--output", opts->output, "Output format")
      ->check(CLI::IsMember({"json", "text"}))
      ->capture_default_str();
  cmd->add_option("--rules", opts->rules,
                  "Extraction rules file replacing the embedded defaults");
  cmd->add_flag("--provenance", opts->provenance,
                "JSON: add each value's rule, section, span and sentence");
  cmd->callback([run, opts] {
    *run = [opts]() -> int {
      const auto rules = LoadRulesOrDefault(opts->rules);
      if (!rules) return 2;
      nlohmann::json all = nlohmann::json::array();
      bool failed = false;
      for (const auto& path : opts->files) {
        Bulletin bulletin;
        const FileContent file =
            ReadFileCapped(path, kMaxFileBytes, FileOrigin::kOperator);
        if (!file.error.empty()) {
          bulletin.errors.push_back(file.error);
          bulletin.failure = file.failure;
        } else {
          bulletin = ParseBulletin(file.bytes, *rules, {kMaxFileBytes});
        }
        failed = failed || !bulletin.ok();
        if (opts->output == "json") {
          all.push_back(BulletinToJson(bulletin, path, opts->provenance));
        } else {
          PrintText(std::cout, path, bulletin);
        }
      }
      if (opts->output == "json") {
        std::cout << all.dump(2, ' ', false,
                              nlohmann::json::error_handler_t::replace)
                  << "\n";
      }
      return failed ? 1 : 0;
    };
  });
}

}  // namespace cncert
