// Grafana dashboards and Prometheus rules against the real thing: conventions,
// metric names the exporter really exposes, and every query returning data
// from a Prometheus holding backfilled history and a live scrape.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "exporter/metrics/bulletin_metrics.h"
#include "parsers/rules.h"
#include "tests/support/process.h"
#include "tests/support/prometheus.h"
#include "tests/support/synthetic_archive.h"
#include "tests/support/test_support.h"

namespace cncert::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

const std::vector<std::string> kDashboards = {
    "grafana/dashboards/cncert-overview.json",
    "grafana/dashboards/cncert-exporter-health.json"};

struct Query {
  std::string dashboard;
  std::string panel;
  std::string expr;
  bool instant = false;
};

std::vector<Query> DashboardQueries() {
  std::vector<Query> out;
  for (const auto& path : kDashboards) {
    const json d = json::parse(ReadFile(SourcePath(path)));
    for (const auto& p : d["panels"]) {
      for (const auto& t : p["targets"]) {
        out.push_back({path, p["title"], t["expr"], t.value("instant", false)});
      }
    }
  }
  return out;
}

std::vector<std::string> RecordingRules(
    std::vector<std::string>* names = nullptr) {
  const YAML::Node root =
      YAML::LoadFile(SourcePath("deploy/prometheus/cncert_rules.yml"));
  std::vector<std::string> exprs;
  for (const auto& group : root["groups"]) {
    for (const auto& rule : group["rules"]) {
      if (!rule["record"]) continue;
      exprs.push_back(rule["expr"].as<std::string>());
      if (names) names->push_back(rule["record"].as<std::string>());
    }
  }
  return exprs;
}

std::set<std::string> MetricNamesIn(const std::string& expr) {
  static const RE2 kName(R"(\b((?:cncert|process)[a-z_:]*|up)\b)");
  std::set<std::string> names;
  re2::StringPiece input(expr);
  std::string name;
  while (RE2::FindAndConsume(&input, kName, &name)) names.insert(name);
  return names;
}

// What the exporter exposes: a scrape of a full synthetic archive, every
// figure of the rules, their cumulative counters, and the recording rules.
std::set<std::string> ExposedNames() {
  std::set<std::string> names{"up"};
  for (const auto& rule : DefaultRules()->rules) {
    names.insert(rule.metric);
    if (rule.counter) names.insert(rule.metric + kCumulativeSuffix + "_total");
  }
  std::vector<std::string> recorded;
  RecordingRules(&recorded);
  names.insert(recorded.begin(), recorded.end());
  const std::string dir = MakeTempDir();
  WriteSyntheticArchive(
      dir, MakeSyntheticWeeks(Date{std::chrono::year(2020),
                                   std::chrono::January, std::chrono::day(6)},
                              2, 3));
  WriteFile(dir + "/broken.bin", std::string("\x00\x01", 2));
  ExporterServer exporter(
      {"--bulletins.dir", dir, "--bulletins.rescan-interval", "1"});
  // The broken file is reported once it has settled (2 s after writing).
  Eventually(
      [&] {
        return HttpGet(exporter.port(), "/metrics")
                   .body.find("archive_file_failed{") != std::string::npos;
      },
      std::chrono::seconds(10));
  std::istringstream scrape(HttpGet(exporter.port(), "/metrics").body);
  static const RE2 kSample(R"(([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ].*)");
  for (std::string line; std::getline(scrape, line);) {
    std::string name;
    if (!line.starts_with("#") && RE2::FullMatch(line, kSample, &name))
      names.insert(name);
  }
  fs::remove_all(dir);
  return names;
}

TEST(DashboardsTest, FollowTheConventions) {
  const std::set<std::string> exposed = ExposedNames();
  ASSERT_TRUE(exposed.contains("cncert_exporter_bulletins_loaded"));
  for (const auto& path : kDashboards) {
    SCOPED_TRACE(path);
    const std::string text = ReadFile(SourcePath(path));
    EXPECT_EQ(text.find("${DS_"), std::string::npos)
        << "import-style inputs break provisioning";
    const json d = json::parse(text);
    EXPECT_FALSE(d.value("uid", "").empty());
    EXPECT_EQ(d["uid"], fs::path(path).stem().string())
        << "uid is fixed: the file name";
    EXPECT_FALSE(d.value("description", "").empty());
    std::map<std::string, json> vars;
    for (const auto& v : d["templating"]["list"]) vars[v["name"]] = v;
    ASSERT_TRUE(vars.contains("datasource"));
    EXPECT_EQ(vars["datasource"]["type"], "datasource");
    EXPECT_EQ(vars["datasource"]["query"], "prometheus");
    for (const char* name : {"job", "instance"}) {
      ASSERT_TRUE(vars.contains(name)) << name;
      EXPECT_EQ(vars[name]["datasource"]["uid"], "${datasource}");
    }
    std::set<int> ids;
    for (const auto& p : d["panels"]) {
      SCOPED_TRACE(p["title"].get<std::string>());
      EXPECT_TRUE(ids.insert(p["id"].get<int>()).second)
          << "duplicate panel id";
      EXPECT_EQ(p["datasource"]["uid"], "${datasource}");
      EXPECT_FALSE(p.value("description", "").empty());
      EXPECT_FALSE(p["fieldConfig"]["defaults"].value("unit", "").empty());
      ASSERT_FALSE(p["targets"].empty());
      for (const auto& t : p["targets"]) {
        EXPECT_EQ(t["datasource"]["uid"], "${datasource}");
        const std::string expr = t["expr"];
        EXPECT_NE(expr.find("job=~\"$job\""), std::string::npos) << expr;
        EXPECT_NE(expr.find("instance=~\"$instance\""), std::string::npos)
            << expr;
        for (const auto& name : MetricNamesIn(expr)) {
          EXPECT_TRUE(exposed.contains(name)) << name << " in " << expr;
        }
      }
    }
  }
}

TEST(DashboardsTest, RulesFilesPassPromtool) {
  const std::string rules = SourcePath("deploy/prometheus/cncert_rules.yml");
  const Output check = RunCommand({"promtool", "check", "rules", rules});
  EXPECT_EQ(check.status, 0) << check.text;
  const Output unit =
      RunCommand({"promtool", "test", "rules",
                  SourcePath("deploy/prometheus/cncert_rules_test.yml")});
  EXPECT_EQ(unit.status, 0) << unit.text;
  const Output config =
      RunCommand({"promtool", "check", "config",
                  SourcePath("deploy/prometheus/prometheus.yml")});
  EXPECT_EQ(config.status, 0) << config.text;
}

std::string Substitute(std::string expr,
                       const std::map<std::string, std::string>& vars) {
  for (const auto& [k, v] : vars) {
    for (std::size_t p = expr.find(k); p != std::string::npos;
         p = expr.find(k, p + v.size())) {
      expr.replace(p, k.size(), v);
    }
  }
  return expr;
}

TEST(DashboardsTest, EveryQueryAndRecordingRuleReturnsData) {
  const std::string dir = MakeTempDir();
  fs::create_directories(dir + "/archive");
  const auto weeks = MakeSyntheticWeeks(
      Date{std::chrono::year(2018), std::chrono::October, std::chrono::day(1)},
      40, 60);
  WriteSyntheticArchive(dir + "/archive", weeks);
  // One broken file, so that the failure panels have something to show.
  WriteFile(dir + "/archive/broken.bin", std::string("\x00\x01\x02", 3));

  const Output backfill =
      RunCommand({CNCERT_EXPORTER_BINARY, "backfill", "--bulletins.dir",
                  dir + "/archive", "--output", dir + "/history.om", "--label",
                  "job=cncert", "--label", "instance=archive"});
  ASSERT_EQ(backfill.status, 3)
      << backfill.text;  // written; broken.bin skipped
  const Output blocks =
      RunCommand({"promtool", "tsdb", "create-blocks-from", "openmetrics",
                  dir + "/history.om", dir + "/prometheus/data"});
  ASSERT_EQ(blocks.status, 0) << blocks.text;

  ExporterServer exporter({"--bulletins.dir", dir + "/archive"});
  ASSERT_TRUE(exporter.ok());
  fs::copy_file(SourcePath("deploy/prometheus/cncert_rules.yml"),
                dir + "/cncert_rules.yml");
  PrometheusServer prometheus(
      dir + "/prometheus",
      "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
      "rule_files: ['" +
          dir +
          "/cncert_rules.yml']\n"
          "scrape_configs:\n  - job_name: cncert\n    static_configs:\n"
          "      - targets: ['" +
          exporter.address() + "']\n",
      {"--storage.tsdb.retention.time=100y"});
  ASSERT_TRUE(prometheus.ok()) << prometheus.process().Log();
  ASSERT_TRUE(Eventually(
      [&] {
        return prometheus.Scalar("count_over_time(up{job=\"cncert\"}[1m])")
                   .value_or(0) >= 5;
      },
      60s));

  const double first =
      static_cast<double>(DateToUnixSeconds(weeks.front().period_end));
  const double last =
      static_cast<double>(DateToUnixSeconds(weeks.back().period_end));
  for (const Query& q : DashboardQueries()) {
    SCOPED_TRACE(q.dashboard + " / " + q.panel + ": " + q.expr);
    const bool health = q.dashboard.find("health") != std::string::npos;
    const std::string instance = health ? exporter.address() : "archive";
    const std::string expr =
        Substitute(q.expr, {{"$job", "cncert"},
                            {"$instance", instance},
                            {"$__rate_interval", health ? "1m" : "1w"},
                            {"$__interval", "1d"},
                            {"$__range", "90d"}});
    json result;
    if (health) {
      result = prometheus.Api("query", {{"query", expr}});
    } else if (q.instant) {
      result = prometheus.Api(
          "query", {{"query", expr}, {"time", std::to_string(last + 86400)}});
    } else {
      result =
          prometheus.Api("query_range", {{"query", expr},
                                         {"start", std::to_string(first)},
                                         {"end", std::to_string(last + 86400)},
                                         {"step", "86400"}});
    }
    ASSERT_FALSE(result.is_null()) << "query failed";
    EXPECT_FALSE(result["data"]["result"].empty()) << "no data";
  }
  std::vector<std::string> names;
  const auto exprs = RecordingRules(&names);
  for (std::size_t i = 0; i < exprs.size(); ++i) {
    SCOPED_TRACE(names[i] + ": " + exprs[i]);
    const json result = prometheus.Api(
        "query", {{"query", exprs[i]}, {"time", std::to_string(last + 86400)}});
    ASSERT_FALSE(result.is_null());
    EXPECT_FALSE(result["data"]["result"].empty()) << "no data";
  }
  // The rules also evaluate on the live scrape.
  EXPECT_TRUE(Eventually(
      [&] {
        return prometheus.Scalar("cncert:phishing_pages:last{job=\"cncert\"}")
            .has_value();
      },
      30s));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cncert::testing
