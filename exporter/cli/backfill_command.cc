// cncert_exporter backfill: the whole archive as OpenMetrics with timestamps,
// for `promtool tsdb create-blocks-from openmetrics`.
#include <re2/re2.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "exporter/archive/archive.h"
#include "exporter/base/files.h"
#include "exporter/cli/commands.h"
#include "exporter/metrics/bulletin_metrics.h"
#include "exporter/metrics/exposition.h"

namespace cncert {

namespace {

struct BackfillOptions {
  std::string bulletins_dir;
  std::string output = "-";
  std::vector<std::string> labels;
  std::string timestamp = "period_end";
  std::string rules;
};

// Exit statuses: 0 all files used, 1 nothing written, 3 written but some files
// were skipped (failed to parse, or no date to place them).
constexpr int kNothingWritten = 1;
constexpr int kSkippedFiles = 3;

int Backfill(const BackfillOptions& o) {
  Labels extra;
  static const RE2 kLabel("([a-zA-Z_][a-zA-Z0-9_]*)=(.*)");
  for (const auto& l : o.labels) {
    std::string name, value;
    if (!RE2::FullMatch(l, kLabel, &name, &value) || name.starts_with("__")) {
      std::cerr
          << "backfill: --label wants NAME=VALUE with a valid label name, got '"
          << l << "'\n";
      return 1;
    }
    if (name == "issue" || name == "title" || name == "url" ||
        name == "malware" || name == "severity") {
      std::cerr << "backfill: --label " << name
                << " would clash with the bulletin's own labels\n";
      return 1;
    }
    extra[name] = value;
  }
  const auto rules = LoadRulesOrDefault(o.rules);
  if (!rules) return kNothingWritten;
  const TimestampSource source = o.timestamp == "published"
                                     ? TimestampSource::kPublished
                                     : TimestampSource::kPeriodEnd;

  Archive archive(o.bulletins_dir);
  ArchiveView view;
  const bool tty = ::isatty(2) != 0;
  auto progress = [tty](std::size_t done, std::size_t total) {
    if (tty && (done % 25 == 0 || done == total)) {
      std::fprintf(stderr, "\rparsing bulletins: %zu/%zu", done, total);
      if (done == total) std::fputc('\n', stderr);
    }
  };
  if (const Status s =
          archive.Scan(*rules, Archive::Reparse::kAll,
                       std::chrono::milliseconds(0), &view, progress);
      !s.ok()) {
    std::cerr << "backfill: " << s.message() << "\n";
    return kNothingWritten;
  }
  Archive::Organize(&view, source);
  for (const ArchiveFile* f : view.failed) {
    std::cerr << "skipped " << f->name << ": "
              << FailureName(f->bulletin->failure) << ": "
              << (f->bulletin->errors.empty() ? "" : f->bulletin->errors[0])
              << "\n";
  }
  for (const ArchiveFile* f : view.unplaced) {
    std::cerr << "skipped " << f->name
              << ": no period or publication date to place it in time\n";
  }
  for (const ArchiveFile* f : view.duplicates) {
    std::cerr << "duplicate " << f->name
              << ": same bulletin as a more complete file\n";
  }
  if (view.bulletins.empty()) {
    // An empty file would only fail later, in promtool.
    std::cerr << "backfill: nothing written: no bulletin in " << o.bulletins_dir
              << " could be placed in time (" << view.failed.size()
              << " files failed)\n";
    return kNothingWritten;
  }
  HistoryOptions history{source, extra};
  const std::string text = RenderOpenMetrics(
      HistoryBulletinFamilies(view.bulletins, *rules, history));
  if (o.output == "-") {
    std::cout << text;
    std::cout.flush();
  } else {
    if (const Status s = WriteOutputFile(o.output, text); !s.ok()) {
      std::cerr << "backfill: " << s.message() << "\n";
      return kNothingWritten;
    }
  }
  std::cerr << "backfill: " << view.bulletins.size() << " bulletins written";
  if (!view.bulletins.empty()) {
    std::cerr << " (" << view.bulletins.front()->bulletin->identity.IssueLabel()
              << " to "
              << view.bulletins.back()->bulletin->identity.IssueLabel() << ")";
  }
  std::cerr << ", " << view.failed.size() + view.unplaced.size()
            << " files skipped, " << view.duplicates.size() << " duplicates\n";
  return view.failed.empty() && view.unplaced.empty() ? 0 : kSkippedFiles;
}

}  // namespace

void AddBackfillCommand(CLI::App& app, CommandRunner* run) {
  auto o = std::make_shared<BackfillOptions>();
  auto* cmd = app.add_subcommand(
      "backfill",
      "Write every bulletin of the archive as OpenMetrics with timestamps, for "
      "`promtool tsdb create-blocks-from openmetrics`");
  cmd->add_option("--bulletins.dir", o->bulletins_dir, "Archive directory")
      ->required();
  cmd->add_option("--output", o->output, "Output file ('-': standard output)")
      ->capture_default_str();
  cmd->add_option(
      "--label", o->labels,
      "NAME=VALUE added to every series, e.g. job=cncert (repeatable)");
  cmd->add_option("--timestamp", o->timestamp, "Where a bulletin lies in time")
      ->check(CLI::IsMember({"period_end", "published"}))
      ->capture_default_str();
  cmd->add_option("--rules", o->rules,
                  "Extraction rules file replacing the embedded defaults");
  cmd->footer(
      "Exit status: 0 every file used; 1 nothing written; 3 written, but some "
      "files were "
      "skipped (listed on stderr).");
  cmd->callback([run, o] { *run = [o] { return Backfill(*o); }; });
}

}  // namespace cncert
