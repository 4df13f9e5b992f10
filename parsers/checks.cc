#include "parsers/checks.h"

#include <cmath>
#include <cstdio>
#include <optional>

#include "parsers/strings.h"

namespace cncert {

namespace {

// Metric names are views: most checks name theirs by literals, which
// would be strings made for every look-up.
std::optional<double> Get(const Bulletin& b, std::string_view metric,
                          const Labels& labels = {}) {
  const Value* v = b.Find(metric, labels);
  return v ? std::optional<double>(v->value) : std::nullopt;
}

void PartNotAboveWhole(const Bulletin& b, std::string_view part,
                       const Labels& part_labels, std::string_view whole,
                       std::vector<Inconsistency>* out) {
  const auto p = Get(b, part, part_labels);
  const auto w = Get(b, whole);
  if (p && w && *p > *w) {
    const std::string key = SeriesKey(std::string(part), part_labels);
    out->push_back({"inconsistent: " + key + " (" + FormatNumber(*p) +
                        ") exceeds " + std::string(whole) + " (" +
                        FormatNumber(*w) + ")",
                    {key, std::string(whole)}});
  }
}

// Stated share of all (e.g. government defaced / all defaced) within rounding.
void ShareMatches(const Bulletin& b, std::string_view part,
                  std::string_view whole, std::vector<Inconsistency>* out) {
  const std::string ratio = std::string(part) + "_ratio";
  const auto p = Get(b, part);
  const auto w = Get(b, whole);
  const auto share = Get(b, ratio);
  if (!p || !w || !share || *w <= 0) return;
  const double actual = *p / *w;
  if (std::fabs(actual - *share) > 0.011) {
    out->push_back({"inconsistent: " + ratio + " is stated as " +
                        FormatNumber(*share) + " but " + std::string(part) +
                        "/" + std::string(whole) + " = " +
                        FormatNumber(std::round(actual * 1000) / 1000),
                    {ratio, std::string(part), std::string(whole)}});
  }
}

}  // namespace

std::vector<Inconsistency> FindInconsistencies(const Bulletin& b) {
  std::vector<Inconsistency> out;
  // Parts are rounded to 0.1万 each, so allow a little more than that.
  const auto total = Get(b, "cncert_infected_hosts");
  const auto trojan = Get(b, "cncert_infected_hosts_by_malware",
                          {{"malware", "trojan_botnet"}});
  const auto conficker =
      Get(b, "cncert_infected_hosts_by_malware", {{"malware", "conficker"}});
  if (total && trojan && conficker) {
    const double sum = *trojan + *conficker;
    if (std::fabs(sum - *total) > std::max(2000.0, *total * 0.02)) {
      out.push_back({"inconsistent: infected hosts by malware add up to " +
                         FormatNumber(sum) + ", the stated total is " +
                         FormatNumber(*total),
                     {"cncert_infected_hosts",
                      SeriesKey("cncert_infected_hosts_by_malware",
                                {{"malware", "trojan_botnet"}}),
                      SeriesKey("cncert_infected_hosts_by_malware",
                                {{"malware", "conficker"}})}});
    }
  }
  PartNotAboveWhole(b, "cncert_defaced_government_websites", {},
                    "cncert_defaced_websites", &out);
  PartNotAboveWhole(b, "cncert_backdoored_government_websites", {},
                    "cncert_backdoored_websites", &out);
  PartNotAboveWhole(b, "cncert_incidents_cross_border", {},
                    "cncert_incidents_handled", &out);
  PartNotAboveWhole(b, "cncert_cnvd_vulnerabilities_remote", {},
                    "cncert_cnvd_vulnerabilities", &out);
  for (const char* severity : {"high", "medium", "low"}) {
    PartNotAboveWhole(b, "cncert_cnvd_vulnerabilities_by_severity",
                      {{"severity", severity}}, "cncert_cnvd_vulnerabilities",
                      &out);
  }
  PartNotAboveWhole(b, "cncert_malware_hosting_direct_ips", {},
                    "cncert_malware_hosting_ips", &out);
  ShareMatches(b, "cncert_defaced_government_websites",
               "cncert_defaced_websites", &out);
  ShareMatches(b, "cncert_backdoored_government_websites",
               "cncert_backdoored_websites", &out);
  double severities = 0;
  int stated = 0;
  for (const char* severity : {"high", "medium", "low"}) {
    if (const auto v = Get(b, "cncert_cnvd_vulnerabilities_by_severity",
                           {{"severity", severity}})) {
      severities += *v;
      ++stated;
    }
  }
  const auto vulns = Get(b, "cncert_cnvd_vulnerabilities");
  if (stated == 3 && vulns && std::fabs(severities - *vulns) > 0.5) {
    Inconsistency found{"inconsistent: vulnerabilities by severity add up to " +
                            FormatNumber(severities) +
                            ", the stated total is " + FormatNumber(*vulns),
                        {"cncert_cnvd_vulnerabilities"}};
    for (const char* severity : {"high", "medium", "low"}) {
      found.series.push_back(SeriesKey(
          "cncert_cnvd_vulnerabilities_by_severity", {{"severity", severity}}));
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
