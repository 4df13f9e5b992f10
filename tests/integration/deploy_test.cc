// Deployment files: well-formed, consistent with each other, and the import
// script run for real. (No container engine runs here: images are not built.)
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "tests/support/synthetic_archive.h"
#include "tests/support/test_support.h"

namespace cncert::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

nlohmann::json ToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json j = nlohmann::json::object();
      for (const auto& e : node)
        j[e.first.as<std::string>()] = ToJson(e.second);
      return j;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& e : node) j.push_back(ToJson(e));
      return j;
    }
    case YAML::NodeType::Scalar:
      return node.as<std::string>();
    default:
      return nullptr;
  }
}

TEST(DeployTest, EveryYamlFileIsWellFormed) {
  int files = 0;
  for (const char* dir : {"deploy", "grafana/provisioning"}) {
    for (const auto& e : fs::recursive_directory_iterator(SourcePath(dir))) {
      const std::string ext = e.path().extension().string();
      if (ext != ".yml" && ext != ".yaml") continue;
      ++files;
      EXPECT_NO_THROW(YAML::LoadAllFromFile(e.path().string())) << e.path();
    }
  }
  EXPECT_GE(files, 8);
}

TEST(DeployTest, PrometheusRuleHoldsExactlyTheRulesFile) {
  const YAML::Node rules =
      YAML::LoadFile(SourcePath("deploy/prometheus/cncert_rules.yml"));
  const YAML::Node crd =
      YAML::LoadFile(SourcePath("deploy/kubernetes/prometheusrule.yaml"));
  EXPECT_EQ(crd["kind"].as<std::string>(), "PrometheusRule");
  EXPECT_EQ(ToJson(crd["spec"]["groups"]), ToJson(rules["groups"]));
}

TEST(DeployTest, ComposeMountsFilesThatExist) {
  const fs::path compose_dir = SourcePath("deploy/compose");
  const YAML::Node compose =
      YAML::LoadFile((compose_dir / "compose.yaml").string());
  int mounts = 0;
  for (const auto& service : compose["services"]) {
    const YAML::Node volumes = service.second["volumes"];
    if (!volumes) continue;
    for (const auto& v : volumes) {
      const std::string spec = v.as<std::string>();
      std::string source = spec.substr(0, spec.find(':'));
      if (spec.starts_with("${")) {  // ${VAR:-default}:/target
        const std::string var = spec.substr(0, spec.find('}') + 1);
        source = var.substr(var.find(":-") + 2);
        source.pop_back();
      }
      if (!source.starts_with(".")) continue;  // a named volume
      ++mounts;
      EXPECT_TRUE(fs::exists(compose_dir / source))
          << service.first << ": " << source;
    }
  }
  EXPECT_GE(mounts, 6);
  const std::string prometheus = YAML::Dump(compose["services"]["prometheus"]);
  EXPECT_THAT(prometheus, HasSubstr("--storage.tsdb.retention.time=15y"));
}

TEST(DeployTest, KubernetesProbesAndPortsMatchTheExporter) {
  const auto docs = YAML::LoadAllFromFile(
      SourcePath("deploy/kubernetes/cncert-exporter.yaml"));
  bool deployment = false;
  for (const auto& d : docs) {
    if (d["kind"].as<std::string>() != "Deployment") continue;
    deployment = true;
    const YAML::Node c = d["spec"]["template"]["spec"]["containers"][0];
    EXPECT_EQ(c["livenessProbe"]["httpGet"]["path"].as<std::string>(),
              "/-/healthy");
    EXPECT_EQ(c["readinessProbe"]["httpGet"]["path"].as<std::string>(),
              "/-/ready");
    EXPECT_EQ(c["ports"][0]["containerPort"].as<int>(), 10036);
    EXPECT_TRUE(c["securityContext"]["readOnlyRootFilesystem"].as<bool>());
  }
  EXPECT_TRUE(deployment);
}

TEST(DeployTest, BackfillScriptImportsBlocks) {
  const std::string dir = MakeTempDir();
  fs::create_directories(dir + "/archive");
  WriteSyntheticArchive(
      dir + "/archive",
      MakeSyntheticWeeks(Date{std::chrono::year(2019), std::chrono::January,
                              std::chrono::day(7)},
                         2, 6));
  const Output o = RunCommand(
      {"env", std::string("CNCERT_EXPORTER=") + CNCERT_EXPORTER_BINARY, "bash",
       SourcePath("deploy/backfill.sh"), dir + "/archive", dir + "/data",
       "job=cncert"});
  EXPECT_EQ(o.status, 0) << o.text;
  EXPECT_THAT(o.text, HasSubstr("6 bulletins written"));
  int blocks = 0;
  for (const auto& e : fs::directory_iterator(dir + "/data")) {
    if (fs::exists(e.path() / "meta.json")) ++blocks;
  }
  EXPECT_GE(blocks, 1);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cncert::testing
