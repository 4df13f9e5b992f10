#include "exporter/core/exporter.h"

#include <malloc.h>
#include <unistd.h>

#include "exporter/base/log.h"
#include "exporter/base/rules_file.h"

namespace cncert {

Exporter::Exporter(ExporterOptions options)
    : options_(std::move(options)),
      archive_(options_.archive_dir, options_.images),
      counters_(::access(options_.archive_dir.c_str(), W_OK) == 0
                    ? options_.archive_dir + "/.cncert-counters.json"
                    : "") {}

ReloadOutcome Exporter::Reload(ReloadScope scope) {
  std::lock_guard<std::mutex> lock(reload_mutex_);
  const auto start = std::chrono::steady_clock::now();
  bool new_rules = false;
  if (scope == ReloadScope::kRulesAndArchive || !rules_) {
    LoadedRules loaded = LoadRulesFile(options_.rules_file);
    if (!loaded.rules) {
      std::string why;
      for (const auto& p : loaded.problems)
        why += (why.empty() ? "" : "; ") + p;
      log::Error(
          "reload failed: rules file is invalid; keeping the previous state",
          {{"file", options_.rules_file}, {"err", why}});
      self_metrics_.ReloadFailed();
      return {};
    }
    new_rules = loaded.rules != rules_;
    rules_ = std::move(loaded.rules);
  }
  ArchiveView view;
  const Status scanned = archive_.Scan(
      *rules_, new_rules ? Archive::Reparse::kAll : Archive::Reparse::kChanged,
      options_.settle, &view);
  if (!scanned.ok()) {
    log::Error("reload failed; keeping the previous state",
               {{"err", scanned.message()}});
    self_metrics_.ReloadFailed();
    return {};
  }
  Archive::Organize(&view, TimestampSource::kPeriodEnd);
  for (const ArchiveFile* f : view.failed) {
    if (counted_failures_.emplace(f->name, f->stamp.mtime_ns).second) {
      self_metrics_.ParseFailure(f->bulletin->failure);
      log::Warn(
          "bulletin file failed",
          {{"file", f->name},
           {"reason", std::string(FailureName(f->bulletin->failure))},
           {"err", f->bulletin->errors.empty() ? "" : f->bulletin->errors[0]}});
    }
  }
  for (const auto& [f, reason] : view.held_back) {
    if (counted_failures_.emplace(f->name, f->stamp.mtime_ns).second) {
      log::Warn("bulletin held back: it is never served",
                {{"file", f->name},
                 {"reason", std::string(HoldBackName(reason))},
                 {"issue", f->bulletin->identity.IssueLabel()}});
    }
  }
  for (const auto& name : view.pending) {
    log::Debug("file changed moments ago and does not parse yet; retrying",
               {{"file", name}});
  }
  const bool retry_soon = !view.pending.empty();
  const std::size_t bulletins = view.bulletins.size();
  const std::size_t failed = view.failed.size();
  const std::size_t parsed = view.parsed;
  const std::string newest =
      bulletins ? view.bulletins.back()->bulletin->identity.IssueLabel() : "";
  auto snapshot = BuildSnapshot(rules_, std::move(view), &counters_);
  for (const auto& w : snapshot->archive_warnings) {
    log::Debug("inconsistent bulletins", {{"warning", w}});
  }
  snapshot_.store(std::move(snapshot));
  // Parsing frees much more than it keeps: give it back to the system.
  ::malloc_trim(0);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  self_metrics_.ReloadSucceeded(seconds);
  log::Info("archive loaded", {{"dir", options_.archive_dir},
                               {"bulletins", std::to_string(bulletins)},
                               {"failed", std::to_string(failed)},
                               {"parsed", std::to_string(parsed)},
                               {"newest", newest},
                               {"seconds", std::to_string(seconds)}});
  return {true, retry_soon};
}

}  // namespace cncert
