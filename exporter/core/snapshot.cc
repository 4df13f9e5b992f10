#include "exporter/core/snapshot.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "exporter/metrics/archive_metrics.h"
#include "exporter/metrics/bulletin_metrics.h"
#include "exporter/metrics/exposition.h"
#include "parsers/bulletin_json.h"

namespace cncert {

namespace {

nlohmann::json FileJson(const ArchiveFile& file, bool provenance = true) {
  if (!provenance) return BulletinToJson(*file.bulletin, file.name, false);
  return BulletinToJson(*file.WithText(), file.name, true);
}

}  // namespace

std::vector<std::string> CheckWeekOverWeek(
    const std::vector<const ArchiveFile*>& bulletins) {
  constexpr std::string_view kSuffix = "_change_ratio";
  std::vector<std::string> out;
  for (std::size_t i = 1; i < bulletins.size(); ++i) {
    const Bulletin& prev = *bulletins[i - 1]->bulletin;
    const Bulletin& cur = *bulletins[i]->bulletin;
    const auto& p = prev.identity.period_end;
    const auto& c = cur.identity.period_end;
    if (!p || !c ||
        std::chrono::sys_days(*c) - std::chrono::sys_days(*p) !=
            std::chrono::days(7)) {
      continue;  // not consecutive weeks
    }
    for (const Value& change : cur.values) {
      if (!change.metric.ends_with(kSuffix)) continue;
      const std::string base =
          change.metric.str().substr(0, change.metric.size() - kSuffix.size());
      const Value* now = cur.Find(base, change.labels);
      const Value* before = prev.Find(base, change.labels);
      if (!now || !before || before->value <= 0) continue;
      const double actual = now->value / before->value - 1;
      // Stated changes are rounded to 0.1 %; allow a little more.
      if (std::fabs(actual - change.value) > 0.002 + std::fabs(actual) * 0.01) {
        char buf[320];
        std::snprintf(
            buf, sizeof buf,
            "%s states %s = %.4g, but %s went from %.10g (%s) to %.10g: %.4g",
            bulletins[i]->name.c_str(), change.metric.c_str(), change.value,
            base.c_str(), before->value, bulletins[i - 1]->name.c_str(),
            now->value, actual);
        out.emplace_back(buf);
      }
    }
  }
  return out;
}

namespace {
nlohmann::json ArchiveListsJson(const Snapshot& snapshot);
}  // namespace

const Snapshot::JsonParts& Snapshot::Parts(bool provenance) const {
  const int i = provenance ? 1 : 0;
  std::call_once(json_once_[i], [this, provenance, i] {
    JsonParts& parts = json_[i];
    const auto dump = [](const nlohmann::json& j) {
      return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    };
    for (auto it = view.bulletins.rbegin(); it != view.bulletins.rend(); ++it) {
      parts.bulletins.push_back(dump(FileJson(**it, provenance)));
    }
    const std::string rest = dump(ArchiveListsJson(*this));
    parts.rest = rest.substr(1, rest.size() - 2);
    parts.whole = BulletinsJson(*this, provenance);
  });
  return json_[i];
}

const std::string& Snapshot::BulletinsJsonOnce(bool provenance) const {
  return Parts(provenance).whole;
}

std::string Snapshot::BulletinsJsonPage(bool provenance, std::size_t offset,
                                        std::size_t limit) const {
  const JsonParts& parts = Parts(provenance);
  const std::size_t total = parts.bulletins.size();
  const std::size_t from = std::min(offset, total);
  const std::size_t to = from + std::min(limit, total - from);
  std::string out = "{\"bulletins\":[";
  for (std::size_t i = from; i < to; ++i) {
    if (i > from) out += ',';
    out += parts.bulletins[i];
  }
  out += "],\"total\":" + std::to_string(total) +
         ",\"offset\":" + std::to_string(offset) +
         ",\"limit\":" + std::to_string(limit);
  if (!parts.rest.empty()) out += "," + parts.rest;
  return out + "}";
}

namespace {

nlohmann::json ArchiveListsJson(const Snapshot& snapshot) {
  const ArchiveView& v = snapshot.view;
  nlohmann::json failed = nlohmann::json::array();
  for (const ArchiveFile* f : v.failed) failed.push_back(FileJson(*f, false));
  nlohmann::json held_back = nlohmann::json::array();
  for (const auto& [f, reason] : v.held_back) {
    nlohmann::json entry = FileJson(*f, false);
    entry["held_back"] = std::string(HoldBackName(reason));
    held_back.push_back(std::move(entry));
  }
  nlohmann::json duplicates = nlohmann::json::array();
  for (const ArchiveFile* f : v.duplicates) duplicates.push_back(f->name);
  return {{"failed", failed},
          {"held_back", held_back},
          {"duplicates", duplicates},
          {"pending", v.pending},
          {"archive_warnings", snapshot.archive_warnings}};
}

}  // namespace

std::string BulletinsJson(const Snapshot& snapshot, bool provenance) {
  const ArchiveView& v = snapshot.view;
  nlohmann::json list = nlohmann::json::array();
  for (auto it = v.bulletins.rbegin(); it != v.bulletins.rend(); ++it) {
    list.push_back(FileJson(**it, provenance));
  }
  nlohmann::json all = ArchiveListsJson(snapshot);
  all["bulletins"] = std::move(list);
  return all.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::shared_ptr<const Snapshot> BuildSnapshot(
    std::shared_ptr<const RuleSet> rules, ArchiveView view,
    CounterFloor* counters) {
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->rules = std::move(rules);
  snapshot->view = std::move(view);
  const ArchiveView& v = snapshot->view;

  std::vector<MetricFamily> families =
      LiveBulletinFamilies(v.bulletins, *snapshot->rules);
  for (auto& f : ArchiveFamilies(v)) families.push_back(std::move(f));
  snapshot->archive_warnings = CheckWeekOverWeek(v.bulletins);
  MetricFamily inconsistencies{
      "cncert_exporter_archive_inconsistencies",
      "Stated week-over-week changes that disagree with the previous "
      "week's bulletin in the archive (see /api/v1/bulletins).",
      MetricType::kGauge,
      "",
      {}};
  inconsistencies.samples.push_back(
      {{},
       static_cast<double>(snapshot->archive_warnings.size()),
       std::nullopt});
  families.push_back(std::move(inconsistencies));
  if (counters) counters->Apply(&families);
  snapshot->exposition = RenderText(families);

  constexpr auto kReplace = nlohmann::json::error_handler_t::replace;
  snapshot->latest_json =
      snapshot->Newest()
          ? FileJson(*snapshot->Newest()).dump(-1, ' ', false, kReplace)
          : "null";
  return snapshot;
}

}  // namespace cncert
