#include "exporter/exporter.h"

#include <malloc.h>

#include "exporter/commands.h"
#include "exporter/file_reader.h"
#include "exporter/log.h"

namespace cncert {

Exporter::Exporter(ExporterOptions options)
    : options_(std::move(options)), archive_(options_.archive_dir) {}

bool Exporter::Reload(bool rules, bool* retry_soon) {
  std::lock_guard<std::mutex> lock(reload_mutex_);
  const auto start = std::chrono::steady_clock::now();
  bool new_rules = false;
  if (rules || !rules_) {
    std::shared_ptr<const RuleSet> loaded;
    if (options_.rules_file.empty()) {
      loaded = DefaultRules();
    } else {
      const FileContent file = ReadFileCapped(options_.rules_file, 4u << 20);
      std::vector<RuleError> errors;
      if (file.error.empty())
        loaded = LoadRules(file.bytes, options_.rules_file, &errors);
      if (!loaded) {
        std::string why = file.error;
        for (const auto& e : errors)
          why += (why.empty() ? "" : "; ") + e.ToString();
        log::Error(
            "reload failed: rules file is invalid; keeping the previous state",
            {{"file", options_.rules_file}, {"err", why}});
        self_metrics_.ReloadFailed();
        return false;
      }
    }
    new_rules = loaded != rules_;
    rules_ = loaded;
  }
  ArchiveView view;
  if (auto error = archive_.Scan(*rules_, new_rules, options_.settle, &view)) {
    log::Error("reload failed; keeping the previous state", {{"err", *error}});
    self_metrics_.ReloadFailed();
    return false;
  }
  Archive::Organize(&view, TimestampSource::kPeriodEnd);
  for (const ArchiveFile* f : view.failed) {
    if (counted_failures_.emplace(f->name, f->stamp.mtime_ns).second) {
      self_metrics_.ParseFailure(f->bulletin->failure);
      log::Warn(
          "bulletin file failed",
          {{"file", f->name},
           {"reason", f->bulletin->failure},
           {"err", f->bulletin->errors.empty() ? "" : f->bulletin->errors[0]}});
    }
  }
  for (const auto& name : view.pending) {
    log::Debug("file changed moments ago and does not parse yet; retrying",
               {{"file", name}});
  }
  if (retry_soon) *retry_soon = !view.pending.empty();
  const std::size_t bulletins = view.bulletins.size();
  const std::size_t failed = view.failed.size();
  const std::string newest =
      bulletins ? view.bulletins.back()->bulletin->identity.IssueLabel() : "";
  auto snapshot = BuildSnapshot(rules_, std::move(view));
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
                               {"newest", newest},
                               {"seconds", std::to_string(seconds)}});
  return true;
}

}  // namespace cncert
