#include "parsers/checks.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "parsers/strings.h"

namespace cncert {

namespace {

// The series the checks read; those of one name stand together (Gather()
// walks them from the first).
enum Slot : std::uint8_t {
  kInfected,
  kInfectedTrojan,
  kInfectedConficker,
  kDefaced,
  kDefacedGovernment,
  kDefacedGovernmentRatio,
  kBackdoored,
  kBackdooredGovernment,
  kBackdooredGovernmentRatio,
  kIncidents,
  kIncidentsCrossBorder,
  kVulnerabilities,
  kVulnerabilitiesRemote,
  kVulnerabilitiesHigh,
  kVulnerabilitiesMedium,
  kVulnerabilitiesLow,
  kHostingIps,
  kHostingDirectIps,
  kSlots,
  kNoSlot = kSlots,
};

struct Series {
  Name name;
  LabelSet labels;
  std::string key;  // SeriesKey(): as the messages name it
};

// Interned once, with a table from a name's index to its first slot: the
// checks run on every bulletin, and looked up one by one, their 31
// look-ups scanned its values each time (3 % of a text parse); gathered,
// they take one pass.
struct Checked {
  std::array<Series, kSlots> series;
  std::vector<Slot> first_slot;  // by Name::index()

  Checked() {
    const auto add = [this](Slot slot, std::string_view name,
                            const Labels& labels = {}) {
      series[slot] = {Name(name), LabelSet(labels),
                      SeriesKey(std::string(name), labels)};
    };
    add(kInfected, "cncert_infected_hosts");
    add(kInfectedTrojan, "cncert_infected_hosts_by_malware",
        {{"malware", "trojan_botnet"}});
    add(kInfectedConficker, "cncert_infected_hosts_by_malware",
        {{"malware", "conficker"}});
    add(kDefaced, "cncert_defaced_websites");
    add(kDefacedGovernment, "cncert_defaced_government_websites");
    add(kDefacedGovernmentRatio, "cncert_defaced_government_websites_ratio");
    add(kBackdoored, "cncert_backdoored_websites");
    add(kBackdooredGovernment, "cncert_backdoored_government_websites");
    add(kBackdooredGovernmentRatio,
        "cncert_backdoored_government_websites_ratio");
    add(kIncidents, "cncert_incidents_handled");
    add(kIncidentsCrossBorder, "cncert_incidents_cross_border");
    add(kVulnerabilities, "cncert_cnvd_vulnerabilities");
    add(kVulnerabilitiesRemote, "cncert_cnvd_vulnerabilities_remote");
    for (const auto& [slot, severity] :
         {std::pair{kVulnerabilitiesHigh, "high"},
          std::pair{kVulnerabilitiesMedium, "medium"},
          std::pair{kVulnerabilitiesLow, "low"}}) {
      add(slot, "cncert_cnvd_vulnerabilities_by_severity",
          {{"severity", severity}});
    }
    add(kHostingIps, "cncert_malware_hosting_ips");
    add(kHostingDirectIps, "cncert_malware_hosting_direct_ips");
    for (std::size_t i = kSlots; i-- > 0;) {
      const std::uint32_t index = series[i].name.index();
      if (first_slot.size() <= index) first_slot.resize(index + 1, kNoSlot);
      first_slot[index] = static_cast<Slot>(i);
    }
  }
};

const Checked& TheChecked() {
  static const Checked* const kChecked = new Checked();
  return *kChecked;
}

// Each checked series' value: the first a bulletin holds, as Find() gives.
using Figures = std::array<std::optional<double>, kSlots>;

Figures Gather(const Bulletin& b, const Checked& checked) {
  Figures out;
  const std::vector<Slot>& first = checked.first_slot;
  for (const Value& v : b.values) {
    const std::uint32_t index = v.metric.index();
    if (index >= first.size() || first[index] == kNoSlot) continue;
    for (std::size_t i = first[index];
         i < kSlots && checked.series[i].name == v.metric; ++i) {
      if (checked.series[i].labels == v.labels) {
        if (!out[i]) out[i] = v.value;
        break;
      }
    }
  }
  return out;
}

void PartNotAboveWhole(const Figures& f, const Checked& c, Slot part,
                       Slot whole, std::vector<Inconsistency>* out) {
  const auto& p = f[part];
  const auto& w = f[whole];
  if (p && w && *p > *w) {
    const std::string& key = c.series[part].key;
    out->push_back({"inconsistent: " + key + " (" + FormatNumber(*p) +
                        ") exceeds " + c.series[whole].key + " (" +
                        FormatNumber(*w) + ")",
                    {key, c.series[whole].key}});
  }
}

// Stated share of all (e.g. government defaced / all defaced) within rounding.
void ShareMatches(const Figures& f, const Checked& c, Slot part, Slot whole,
                  Slot ratio, std::vector<Inconsistency>* out) {
  const auto& p = f[part];
  const auto& w = f[whole];
  const auto& share = f[ratio];
  if (!p || !w || !share || *w <= 0) return;
  const double actual = *p / *w;
  if (std::fabs(actual - *share) > 0.011) {
    const std::string& r = c.series[ratio].key;
    const std::string& pk = c.series[part].key;
    const std::string& wk = c.series[whole].key;
    out->push_back({"inconsistent: " + r + " is stated as " +
                        FormatNumber(*share) + " but " + pk + "/" + wk + " = " +
                        FormatNumber(std::round(actual * 1000) / 1000),
                    {r, pk, wk}});
  }
}

}  // namespace

std::vector<Inconsistency> FindInconsistencies(const Bulletin& b) {
  const Checked& c = TheChecked();
  const Figures f = Gather(b, c);
  std::vector<Inconsistency> out;
  // Parts are rounded to 0.1万 each, so allow a little more than that.
  const auto& total = f[kInfected];
  const auto& trojan = f[kInfectedTrojan];
  const auto& conficker = f[kInfectedConficker];
  if (total && trojan && conficker) {
    const double sum = *trojan + *conficker;
    if (std::fabs(sum - *total) > std::max(2000.0, *total * 0.02)) {
      out.push_back({"inconsistent: infected hosts by malware add up to " +
                         FormatNumber(sum) + ", the stated total is " +
                         FormatNumber(*total),
                     {c.series[kInfected].key, c.series[kInfectedTrojan].key,
                      c.series[kInfectedConficker].key}});
    }
  }
  PartNotAboveWhole(f, c, kDefacedGovernment, kDefaced, &out);
  PartNotAboveWhole(f, c, kBackdooredGovernment, kBackdoored, &out);
  PartNotAboveWhole(f, c, kIncidentsCrossBorder, kIncidents, &out);
  PartNotAboveWhole(f, c, kVulnerabilitiesRemote, kVulnerabilities, &out);
  constexpr Slot kSeverities[] = {kVulnerabilitiesHigh, kVulnerabilitiesMedium,
                                  kVulnerabilitiesLow};
  for (const Slot severity : kSeverities) {
    PartNotAboveWhole(f, c, severity, kVulnerabilities, &out);
  }
  PartNotAboveWhole(f, c, kHostingDirectIps, kHostingIps, &out);
  ShareMatches(f, c, kDefacedGovernment, kDefaced, kDefacedGovernmentRatio,
               &out);
  ShareMatches(f, c, kBackdooredGovernment, kBackdoored,
               kBackdooredGovernmentRatio, &out);
  double severities = 0;
  int stated = 0;
  for (const Slot severity : kSeverities) {
    if (const auto& v = f[severity]) {
      severities += *v;
      ++stated;
    }
  }
  const auto& vulns = f[kVulnerabilities];
  if (stated == 3 && vulns && std::fabs(severities - *vulns) > 0.5) {
    Inconsistency found{"inconsistent: vulnerabilities by severity add up to " +
                            FormatNumber(severities) +
                            ", the stated total is " + FormatNumber(*vulns),
                        {c.series[kVulnerabilities].key}};
    for (const Slot severity : kSeverities) {
      found.series.push_back(c.series[severity].key);
    }
    out.push_back(std::move(found));
  }
  return out;
}

std::vector<std::string> CheckConsistency(const Bulletin& b) {
  std::vector<std::string> out;
  for (auto& i : FindInconsistencies(b)) out.push_back(std::move(i.message));
  return out;
}

}  // namespace cncert
