#include "exporter/metrics/archive_metrics.h"

#include <map>

namespace cncert {

namespace {
constexpr std::size_t kMaxFileSeries = 100;
}  // namespace

// What the archive holds, and which files failed and why.
std::vector<MetricFamily> ArchiveFamilies(const ArchiveView& view) {
  MetricFamily files{
      "cncert_exporter_archive_files",
      "Files in the archive directory by state: bulletin (used), duplicate "
      "(same bulletin as a more complete file), failed, unplaced (no date), "
      "held_back (no figures, cut off or dated in the future: never served), "
      "pending (being written).",
      MetricType::kGauge,
      "",
      {}};
  const std::pair<const char*, std::size_t> states[] = {
      {"bulletin", view.bulletins.size()},
      {"duplicate", view.duplicates.size()},
      {"failed", view.failed.size()},
      {"unplaced", view.unplaced.size()},
      {"held_back", view.held_back.size()},
      {"pending", view.pending.size()}};
  for (const auto& [state, n] : states) {
    files.samples.push_back(
        {{{"state", state}}, static_cast<double>(n), std::nullopt});
  }
  MetricFamily failed{
      "cncert_exporter_archive_file_failed",
      "Archive files that hold no usable bulletin (value 1), with the reason.",
      MetricType::kGauge,
      "",
      {}};
  // One series per file, up to a limit: 10,000 junk files must not make
  // 10,000 series. The count by reason below is always complete.
  MetricFamily by_reason{
      "cncert_exporter_archive_files_failed",
      "Archive files that hold no usable bulletin, by reason (all of them; "
      "cncert_exporter_archive_file_failed names at most " +
          std::to_string(kMaxFileSeries) + ").",
      MetricType::kGauge,
      "",
      {}};
  std::map<std::string, double> reasons;
  for (const ArchiveFile* f : view.failed) {
    const std::string reason(FailureName(f->bulletin->failure));
    reasons[reason] += 1;
    if (failed.samples.size() >= kMaxFileSeries) continue;
    failed.samples.push_back(
        {{{"file", f->name}, {"reason", reason}}, 1, std::nullopt});
  }
  for (const auto& [reason, n] : reasons) {
    by_reason.samples.push_back({{{"reason", reason}}, n, std::nullopt});
  }
  MetricFamily held{
      "cncert_exporter_archive_file_held_back",
      "Bulletins that parsed but are never served (value 1), with the reason: "
      "no_figures, truncated, future.",
      MetricType::kGauge,
      "",
      {}};
  for (const auto& [f, reason] : view.held_back) {
    if (held.samples.size() >= kMaxFileSeries) break;
    held.samples.push_back(
        {{{"file", f->name}, {"reason", std::string(HoldBackName(reason))}},
         1,
         std::nullopt});
  }
  MetricFamily loaded{"cncert_exporter_bulletins_loaded",
                      "Distinct bulletins in the archive.",
                      MetricType::kGauge,
                      "",
                      {}};
  loaded.samples.push_back(
      {{}, static_cast<double>(view.bulletins.size()), std::nullopt});
  MetricFamily from_images{
      "cncert_exporter_image_figures",
      "Figures of the newest bulletin that were read from its images (OCR).",
      MetricType::kGauge,
      "",
      {}};
  double image_figures = 0;
  if (!view.bulletins.empty()) {
    for (const Value& v : view.bulletins.back()->bulletin->values) {
      if (v.provenance.read_from_image()) ++image_figures;
    }
  }
  from_images.samples.push_back({{}, image_figures, std::nullopt});
  MetricFamily pending_images{
      "cncert_exporter_bulletins_waiting_for_images",
      "Bulletins parsed while some of their images were still being read.",
      MetricType::kGauge,
      "",
      {}};
  double waiting = 0;
  for (const ArchiveFile& f : view.files) waiting += f.pending_images ? 1 : 0;
  pending_images.samples.push_back({{}, waiting, std::nullopt});
  std::vector<MetricFamily> out;
  out.push_back(std::move(by_reason));
  out.push_back(std::move(held));
  out.push_back(std::move(from_images));
  out.push_back(std::move(pending_images));
  out.push_back(std::move(files));
  out.push_back(std::move(failed));
  out.push_back(std::move(loaded));
  return out;
}

}  // namespace cncert
