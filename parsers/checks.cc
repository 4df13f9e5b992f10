#include "parsers/checks.h"

#include <cmath>
#include <cstdio>
#include <optional>

#include "parsers/strings.h"

namespace cncert {

namespace {

// The series the checks name, interned once: the checks run on every
// bulletin, and a name or a label set made for each look-up took a lock
// (and a map of labels, allocations); as indices, a look-up compares
// integers.
struct Checked {
  Name infected_hosts{"cncert_infected_hosts"};
  Name infected_by_malware{"cncert_infected_hosts_by_malware"};
  LabelSet trojan_botnet{{"malware", "trojan_botnet"}};
  LabelSet conficker{{"malware", "conficker"}};
  Name defaced{"cncert_defaced_websites"};
  Name defaced_government{"cncert_defaced_government_websites"};
  Name defaced_government_ratio{"cncert_defaced_government_websites_ratio"};
  Name backdoored{"cncert_backdoored_websites"};
  Name backdoored_government{"cncert_backdoored_government_websites"};
  Name backdoored_government_ratio{
      "cncert_backdoored_government_websites_ratio"};
  Name incidents{"cncert_incidents_handled"};
  Name incidents_cross_border{"cncert_incidents_cross_border"};
  Name vulnerabilities{"cncert_cnvd_vulnerabilities"};
  Name vulnerabilities_remote{"cncert_cnvd_vulnerabilities_remote"};
  Name vulnerabilities_by_severity{"cncert_cnvd_vulnerabilities_by_severity"};
  LabelSet severities[3] = {LabelSet({{"severity", "high"}}),
                            LabelSet({{"severity", "medium"}}),
                            LabelSet({{"severity", "low"}})};
  Name hosting_ips{"cncert_malware_hosting_ips"};
  Name hosting_direct_ips{"cncert_malware_hosting_direct_ips"};
};

const Checked& Series() {
  static const Checked* const kChecked = new Checked();
  return *kChecked;
}

std::optional<double> Get(const Bulletin& b, const Name& metric,
                          const LabelSet& labels = {}) {
  const Value* v = b.FindInterned(metric, labels);
  return v ? std::optional<double>(v->value) : std::nullopt;
}

void PartNotAboveWhole(const Bulletin& b, const Name& part,
                       const LabelSet& part_labels, const Name& whole,
                       std::vector<Inconsistency>* out) {
  const auto p = Get(b, part, part_labels);
  const auto w = Get(b, whole);
  if (p && w && *p > *w) {
    const std::string key = SeriesKey(part, part_labels.map());
    out->push_back({"inconsistent: " + key + " (" + FormatNumber(*p) +
                        ") exceeds " + whole + " (" + FormatNumber(*w) + ")",
                    {key, whole.str()}});
  }
}

// Stated share of all (e.g. government defaced / all defaced) within rounding.
void ShareMatches(const Bulletin& b, const Name& part, const Name& whole,
                  const Name& ratio, std::vector<Inconsistency>* out) {
  const auto p = Get(b, part);
  const auto w = Get(b, whole);
  const auto share = Get(b, ratio);
  if (!p || !w || !share || *w <= 0) return;
  const double actual = *p / *w;
  if (std::fabs(actual - *share) > 0.011) {
    out->push_back({"inconsistent: " + ratio + " is stated as " +
                        FormatNumber(*share) + " but " + part + "/" + whole +
                        " = " + FormatNumber(std::round(actual * 1000) / 1000),
                    {ratio.str(), part.str(), whole.str()}});
  }
}

}  // namespace

std::vector<Inconsistency> FindInconsistencies(const Bulletin& b) {
  const Checked& s = Series();
  std::vector<Inconsistency> out;
  // Parts are rounded to 0.1万 each, so allow a little more than that.
  const auto total = Get(b, s.infected_hosts);
  const auto trojan = Get(b, s.infected_by_malware, s.trojan_botnet);
  const auto conficker = Get(b, s.infected_by_malware, s.conficker);
  if (total && trojan && conficker) {
    const double sum = *trojan + *conficker;
    if (std::fabs(sum - *total) > std::max(2000.0, *total * 0.02)) {
      out.push_back({"inconsistent: infected hosts by malware add up to " +
                         FormatNumber(sum) + ", the stated total is " +
                         FormatNumber(*total),
                     {s.infected_hosts.str(),
                      SeriesKey(s.infected_by_malware, s.trojan_botnet.map()),
                      SeriesKey(s.infected_by_malware, s.conficker.map())}});
    }
  }
  PartNotAboveWhole(b, s.defaced_government, {}, s.defaced, &out);
  PartNotAboveWhole(b, s.backdoored_government, {}, s.backdoored, &out);
  PartNotAboveWhole(b, s.incidents_cross_border, {}, s.incidents, &out);
  PartNotAboveWhole(b, s.vulnerabilities_remote, {}, s.vulnerabilities, &out);
  for (const LabelSet& severity : s.severities) {
    PartNotAboveWhole(b, s.vulnerabilities_by_severity, severity,
                      s.vulnerabilities, &out);
  }
  PartNotAboveWhole(b, s.hosting_direct_ips, {}, s.hosting_ips, &out);
  ShareMatches(b, s.defaced_government, s.defaced, s.defaced_government_ratio,
               &out);
  ShareMatches(b, s.backdoored_government, s.backdoored,
               s.backdoored_government_ratio, &out);
  double severities = 0;
  int stated = 0;
  for (const LabelSet& severity : s.severities) {
    if (const auto v = Get(b, s.vulnerabilities_by_severity, severity)) {
      severities += *v;
      ++stated;
    }
  }
  const auto vulns = Get(b, s.vulnerabilities);
  if (stated == 3 && vulns && std::fabs(severities - *vulns) > 0.5) {
    Inconsistency found{"inconsistent: vulnerabilities by severity add up to " +
                            FormatNumber(severities) +
                            ", the stated total is " + FormatNumber(*vulns),
                        {s.vulnerabilities.str()}};
    for (const LabelSet& severity : s.severities) {
      found.series.push_back(
          SeriesKey(s.vulnerabilities_by_severity, severity.map()));
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
