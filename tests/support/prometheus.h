// A real Prometheus server for tests: loopback, temporary data directory,
// stopped when the object goes.
#ifndef CNCERT_TESTS_SUPPORT_PROMETHEUS_H_
#define CNCERT_TESTS_SUPPORT_PROMETHEUS_H_

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace cncert::testing {

class PrometheusServer {
 public:
  // Writes `config` as prometheus.yml in `dir` and starts the server on a free
  // port; `extra_args` are added (e.g. retention).
  PrometheusServer(const std::string& dir, const std::string& config,
                   std::vector<std::string> extra_args = {});
  bool ok() const { return ready_; }
  int port() const { return port_; }
  Process& process() { return *process_; }

  // GET /api/v1/<path> with URL-encoded query parameters; null on failure.
  nlohmann::json Api(
      const std::string& path,
      const std::vector<std::pair<std::string, std::string>>& params);
  // The single value of an instant query (at `time`, Unix seconds, if given).
  std::optional<double> Scalar(const std::string& query,
                               std::optional<double> time = std::nullopt);

 private:
  int port_ = 0;
  bool ready_ = false;
  std::unique_ptr<Process> process_;
};

}  // namespace cncert::testing

#endif  // CNCERT_TESTS_SUPPORT_PROMETHEUS_H_
