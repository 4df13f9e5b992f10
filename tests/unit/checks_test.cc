#include "parsers/checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cncert {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Bulletin With(std::vector<std::pair<std::string, double>> values,
              const Labels& labels = {}) {
  Bulletin b;
  for (auto& [metric, value] : values)
    b.values.push_back({metric, labels, value, {}});
  return b;
}

TEST(ChecksTest, InfectedPartsMustAddUpWithinRounding) {
  Bulletin b = With({{"cncert_infected_hosts", 90000}});
  b.values.push_back({"cncert_infected_hosts_by_malware",
                      {{"malware", "trojan_botnet"}},
                      76000,
                      {}});
  b.values.push_back({"cncert_infected_hosts_by_malware",
                      {{"malware", "conficker"}},
                      15000,
                      {}});
  EXPECT_THAT(CheckConsistency(b), IsEmpty());  // 0.1万 of rounding
  b.values[2].value = 40000;
  EXPECT_THAT(
      CheckConsistency(b),
      ElementsAre(HasSubstr("add up to 116000, the stated total is 90000")));
}

TEST(ChecksTest, GovernmentCannotExceedAll) {
  const Bulletin b = With({{"cncert_defaced_websites", 10},
                           {"cncert_defaced_government_websites", 12}});
  EXPECT_THAT(
      CheckConsistency(b),
      ElementsAre(HasSubstr("cncert_defaced_government_websites (12) exceeds "
                            "cncert_defaced_websites (10)")));
}

TEST(ChecksTest, StatedShareMustMatchTheCounts) {
  Bulletin b = With({{"cncert_defaced_websites", 4012},
                     {"cncert_defaced_government_websites", 160},
                     {"cncert_defaced_government_websites_ratio", 0.04}});
  EXPECT_THAT(CheckConsistency(b), IsEmpty());
  b.values[2].value = 0.025;
  EXPECT_THAT(CheckConsistency(b), ElementsAre(HasSubstr("stated as 0.025")));
}

TEST(ChecksTest, SeveritiesMustAddUpToTheTotal) {
  Bulletin b = With({{"cncert_cnvd_vulnerabilities", 298}});
  for (auto [sev, n] : {std::pair{"high", 101}, {"medium", 172}, {"low", 20}}) {
    b.values.push_back({"cncert_cnvd_vulnerabilities_by_severity",
                        {{"severity", sev}},
                        static_cast<double>(n),
                        {}});
  }
  EXPECT_THAT(CheckConsistency(b), ElementsAre(HasSubstr("add up to 293")));
}

// A check reads the first value of its series, as Bulletin::Find does, and
// only the labels it names: a later duplicate or another severity is not
// mistaken for it.
TEST(ChecksTest, ReadsTheFirstValueOfEachSeriesAndOnlyItsLabels) {
  Bulletin b = With({{"cncert_cnvd_vulnerabilities", 298}});
  const auto severity = [&b](const char* name, double n) {
    b.values.push_back({"cncert_cnvd_vulnerabilities_by_severity",
                        {{"severity", name}},
                        n,
                        {}});
  };
  severity("high", 101);
  severity("critical", 500);
  severity("medium", 172);
  severity("low", 20);
  severity("high", 999);
  EXPECT_THAT(CheckConsistency(b), ElementsAre(HasSubstr("add up to 293")));
  b.values[1].value = 300;
  EXPECT_THAT(
      CheckConsistency(b),
      ElementsAre(HasSubstr("cncert_cnvd_vulnerabilities_by_severity{severity="
                            "\"high\"} (300) exceeds "
                            "cncert_cnvd_vulnerabilities (298)"),
                  HasSubstr("add up to 492")));
}

}  // namespace
}  // namespace cncert
