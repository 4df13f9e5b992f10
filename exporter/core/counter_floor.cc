#include "exporter/core/counter_floor.h"

#include <nlohmann/json.hpp>

#include "exporter/base/files.h"
#include "exporter/base/log.h"

namespace cncert {

CounterFloor::CounterFloor(std::string state_file)
    : state_file_(std::move(state_file)) {
  Load();
}

void CounterFloor::Apply(std::vector<MetricFamily>* families) {
  bool changed = false;
  for (MetricFamily& f : *families) {
    if (f.type != MetricType::kCounter) continue;
    for (Sample& s : f.samples) {
      const std::string key = SeriesKey(f.SampleName(), s.labels);
      Series& series = series_[key];
      double value = s.value + series.offset;
      if (value < series.last) {
        // The archive's sum fell: keep the counter where it was.
        series.offset += series.last - value;
        value = series.last;
        ++corrections_;
        log::Warn(
            "a cumulative sum fell (a past bulletin was corrected or "
            "removed); the counter keeps its value",
            {{"series", key}, {"offset", FormatSampleValue(series.offset)}});
      }
      changed = changed || value != series.last;
      series.last = value;
      s.value = value;
    }
  }
  MetricFamily corrections{
      "cncert_exporter_cumulative_corrections",
      "Times a cumulative counter's sum over the archive fell (a past "
      "bulletin corrected, rewritten or removed) and the counter kept its "
      "value instead.",
      MetricType::kCounter,
      "",
      {}};
  corrections.samples.push_back({{}, corrections_, std::nullopt});
  families->push_back(std::move(corrections));
  if (changed) Save();
}

void CounterFloor::Load() {
  if (state_file_.empty()) return;
  const FileContent file =
      ReadFileCapped(state_file_, 4u << 20, FileOrigin::kArchive);
  if (!file.error.empty()) return;  // first start
  const auto j = nlohmann::json::parse(file.bytes, nullptr, false);
  if (!j.is_object() || !j.contains("series") || !j["series"].is_object()) {
    log::Warn("counter state unreadable; starting afresh",
              {{"file", state_file_}});
    return;
  }
  for (const auto& [key, v] : j["series"].items()) {
    if (!v.is_object()) continue;
    series_[key] = {v.value("offset", 0.0), v.value("last", 0.0)};
  }
  corrections_ = j.value("corrections", 0.0);
}

void CounterFloor::Save() const {
  if (state_file_.empty()) return;
  nlohmann::json series = nlohmann::json::object();
  for (const auto& [key, s] : series_) {
    series[key] = {{"offset", s.offset}, {"last", s.last}};
  }
  const nlohmann::json j = {{"series", series}, {"corrections", corrections_}};
  if (const Status s = WriteFileAtomically(state_file_, j.dump(1)); !s.ok()) {
    log::Debug("cannot save counter state", {{"err", s.message()}});
  }
}

}  // namespace cncert
