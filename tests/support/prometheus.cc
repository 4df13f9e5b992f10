#include "tests/support/prometheus.h"

#include <httplib.h>

#include <filesystem>

#include "tests/support/test_support.h"

namespace cncert::testing {

PrometheusServer::PrometheusServer(const std::string& dir,
                                   const std::string& config,
                                   std::vector<std::string> extra_args) {
  std::filesystem::create_directories(dir + "/data");
  WriteFile(dir + "/prometheus.yml", config);
  port_ = FreePort();
  std::vector<std::string> argv{
      "prometheus", "--config.file=" + dir + "/prometheus.yml",
      "--storage.tsdb.path=" + dir + "/data",
      "--web.listen-address=127.0.0.1:" + std::to_string(port_),
      "--log.level=warn"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<Process>(argv);
  ready_ =
      Eventually([this] { return HttpGet(port_, "/-/ready").status == 200; },
                 std::chrono::seconds(60));
}

nlohmann::json PrometheusServer::Api(
    const std::string& path,
    const std::vector<std::pair<std::string, std::string>>& params) {
  httplib::Client client("127.0.0.1", port_);
  client.set_read_timeout(30, 0);
  httplib::Params p;
  for (const auto& [k, v] : params) p.emplace(k, v);
  auto r = client.Get("/api/v1/" + path, p, httplib::Headers{});
  if (!r || r->status != 200) return nullptr;
  return nlohmann::json::parse(r->body, nullptr, false);
}

std::optional<double> PrometheusServer::Scalar(const std::string& query,
                                               std::optional<double> time) {
  std::vector<std::pair<std::string, std::string>> params{{"query", query}};
  if (time) params.emplace_back("time", std::to_string(*time));
  const auto j = Api("query", params);
  if (j.is_null() || j.value("status", "") != "success") return std::nullopt;
  const auto& result = j["data"]["result"];
  if (j["data"]["resultType"] == "scalar")
    return std::stod(result[1].get<std::string>());
  if (!result.is_array() || result.size() != 1) return std::nullopt;
  return std::stod(result[0]["value"][1].get<std::string>());
}

}  // namespace cncert::testing
