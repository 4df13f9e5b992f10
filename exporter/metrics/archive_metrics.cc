#include "exporter/metrics/archive_metrics.h"

namespace cncert {

// What the archive holds, and which files failed and why.
std::vector<MetricFamily> ArchiveFamilies(const ArchiveView& view) {
  MetricFamily files{
      "cncert_exporter_archive_files",
      "Files in the archive directory by state: bulletin (used), duplicate "
      "(same bulletin as a more complete file), failed, unplaced (no date), "
      "pending (being written).",
      MetricType::kGauge,
      "",
      {}};
  const std::pair<const char*, std::size_t> states[] = {
      {"bulletin", view.bulletins.size()},
      {"duplicate", view.duplicates.size()},
      {"failed", view.failed.size()},
      {"unplaced", view.unplaced.size()},
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
  for (const ArchiveFile* f : view.failed) {
    failed.samples.push_back(
        {{{"file", f->name},
          {"reason", std::string(FailureName(f->bulletin->failure))}},
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
      if (!v.provenance.image.empty()) ++image_figures;
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
  out.push_back(std::move(from_images));
  out.push_back(std::move(pending_images));
  out.push_back(std::move(files));
  out.push_back(std::move(failed));
  out.push_back(std::move(loaded));
  return out;
}

}  // namespace cncert
