#include "exporter/metrics/bulletin_metrics.h"

#include <algorithm>
#include <map>
#include <optional>

namespace cncert {

namespace {

class FamilyBuilder {
 public:
  FamilyBuilder(const RuleSet& rules, Labels extra)
      : rules_(rules), extra_(std::move(extra)) {}

  MetricFamily& Family(const std::string& name, MetricType type,
                       const std::string& help, const std::string& unit = "") {
    auto [it, inserted] = families_.try_emplace(name);
    if (inserted) {
      it->second.name = name;
      it->second.type = type;
      it->second.help = help;
      it->second.unit = unit;
    }
    return it->second;
  }

  void Add(MetricFamily& family, Labels labels, double value,
           std::optional<long long> timestamp) {
    for (const auto& [k, v] : extra_) labels.emplace(k, v);
    family.samples.push_back({std::move(labels), value, timestamp});
  }

  // The figures and identity of one bulletin.
  void AddBulletin(const ArchiveFile& file, std::optional<long long> ts) {
    const Bulletin& b = *file.bulletin;
    for (const Value& v : b.values) {
      std::string help = rules_.Help(v.metric.str());
      if (help.empty())
        help = "Figure " + v.metric + " of the CNCERT weekly bulletin.";
      const std::string unit = v.metric.ends_with("_ratio") ? "ratio" : "";
      Add(Family(v.metric, MetricType::kGauge, help, unit), v.labels, v.value,
          ts);
    }
    const Identity& id = b.identity;
    Labels info{{"issue", id.IssueLabel()}};
    if (!id.title.empty()) info["title"] = id.title;
    if (!id.url.empty()) info["url"] = id.url;
    // An info metric: the family is named without the "_info" of its samples.
    constexpr std::string_view kInfoSamples = "cncert_bulletin_info";
    const std::string info_family(
        kInfoSamples.substr(0, kInfoSamples.size() - 5));
    Add(Family(info_family, MetricType::kInfo,
               "The bulletin the figures come from (value 1)."),
        info, 1, ts);
    auto date = [&](const char* name, const std::optional<Date>& d,
                    const char* help) {
      if (!d) return;
      Add(Family(name, MetricType::kGauge, help, "seconds"), {},
          static_cast<double>(DateToUnixSeconds(*d)), ts);
    };
    date("cncert_bulletin_period_start_timestamp_seconds", id.period_start,
         "Start of the bulletin's period (00:00 China Standard Time), Unix "
         "seconds.");
    date("cncert_bulletin_period_end_timestamp_seconds", id.period_end,
         "Last day of the bulletin's period (00:00 China Standard Time), Unix "
         "seconds.");
    date("cncert_bulletin_published_timestamp_seconds", id.published,
         "Publication date of the bulletin (00:00 China Standard Time), Unix "
         "seconds.");
    Add(Family("cncert_bulletin_figures", MetricType::kGauge,
               "Figures the parser found in the bulletin; a drop hints at a "
               "changed layout."),
        {}, static_cast<double>(b.values.size()), ts);
    Add(Family("cncert_bulletin_warnings", MetricType::kGauge,
               "Parser warnings about the bulletin (inconsistencies, "
               "ambiguities, truncation)."),
        {}, static_cast<double>(b.warnings.size()), ts);
  }

  // Adds one bulletin's flow figures to the running sums and records them.
  void AddCumulative(const ArchiveFile& file, std::optional<long long> ts,
                     bool record) {
    for (const Value& v : file.bulletin->values) {
      if (!rules_.IsCounter(v.metric)) continue;
      sums_[{v.metric, v.labels}] += v.value;
    }
    if (!record) return;
    for (const auto& [series, sum] : sums_) {
      const std::string name = series.first + kCumulativeSuffix;
      Add(Family(name, MetricType::kCounter,
                 "Sum of " + series.first +
                     " over the archive's bulletins up to this one; use "
                     "increase() for "
                     "period totals."),
          series.second, sum, ts);
    }
  }

  std::vector<MetricFamily> Take() {
    std::vector<MetricFamily> out;
    for (auto& [name, family] : families_) {
      // One series after another, each in time order (OpenMetrics needs it).
      std::stable_sort(family.samples.begin(), family.samples.end(),
                       [](const Sample& a, const Sample& b) {
                         if (a.labels != b.labels) return a.labels < b.labels;
                         return a.timestamp_seconds < b.timestamp_seconds;
                       });
      out.push_back(std::move(family));
    }
    return out;
  }

 private:
  const RuleSet& rules_;
  Labels extra_;
  std::map<std::string, MetricFamily> families_;
  std::map<std::pair<std::string, Labels>, double> sums_;
};

}  // namespace

std::vector<MetricFamily> LiveBulletinFamilies(
    const std::vector<const ArchiveFile*>& bulletins, const RuleSet& rules) {
  FamilyBuilder builder(rules, {});
  if (bulletins.empty()) return {};
  builder.AddBulletin(*bulletins.back(), std::nullopt);
  for (std::size_t i = 0; i < bulletins.size(); ++i) {
    builder.AddCumulative(*bulletins[i], std::nullopt,
                          i + 1 == bulletins.size());
  }
  return builder.Take();
}

std::vector<MetricFamily> HistoryBulletinFamilies(
    const std::vector<const ArchiveFile*>& bulletins, const RuleSet& rules,
    const HistoryOptions& options) {
  FamilyBuilder builder(rules, options.extra_labels);
  for (const ArchiveFile* file : bulletins) {
    const auto ts = BulletinTimestamp(*file->bulletin, options.timestamp);
    builder.AddBulletin(*file, ts);
    builder.AddCumulative(*file, ts, true);
  }
  return builder.Take();
}

}  // namespace cncert
