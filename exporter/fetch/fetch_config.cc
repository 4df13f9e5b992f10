#include "exporter/fetch/fetch_config.h"

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include "exporter/base/files.h"

namespace cncert {

std::optional<std::chrono::milliseconds> ParseDuration(
    const std::string& text) {
  static const RE2 kDuration(R"((\d{1,9})(ms|s|m|h|d))");
  long long n = 0;
  std::string unit;
  if (!RE2::FullMatch(text, kDuration, &n, &unit)) return std::nullopt;
  const long long ms = unit == "ms"  ? n
                       : unit == "s" ? n * 1000
                       : unit == "m" ? n * 60000
                       : unit == "h" ? n * 3600000
                                     : n * 86400000;
  return std::chrono::milliseconds(ms);
}

namespace {

// One field of the file; false with a message naming it.
bool ReadField(const std::string& key, const YAML::Node& v, FetchConfig* config,
               std::string* error) {
  auto duration = [&](auto* out) {
    const auto d = ParseDuration(v.as<std::string>());
    if (!d) {
      *error = key + ": '" + v.as<std::string>() +
               "' is not a duration (e.g. 6h, 30s, 500ms)";
      return false;
    }
    *out =
        std::chrono::duration_cast<std::remove_reference_t<decltype(*out)>>(*d);
    return true;
  };
  if (key == "interval") return duration(&config->interval);
  if (key == "timeout") return duration(&config->http.timeout);
  if (key == "backoff_min") return duration(&config->backoff_min);
  if (key == "jitter") {
    config->jitter = v.as<double>();
    if (config->jitter < 0 || config->jitter > 0.5) {
      *error = "jitter must lie within 0 and 0.5";
      return false;
    }
  } else if (key == "max_bytes") {
    config->http.max_bytes = v.as<std::size_t>();
  } else if (key == "max_redirects") {
    config->http.max_redirects = v.as<int>();
  } else if (key == "rate") {
    config->politeness.rate = v.as<double>();
    if (!(config->politeness.rate > 0) || config->politeness.rate > 1000) {
      *error = "rate must be a number of requests per second in (0, 1000]";
      return false;
    }
  } else if (key == "retries") {
    config->politeness.retries = v.as<int>();
    if (config->politeness.retries < 0 || config->politeness.retries > 10) {
      *error = "retries must lie within 0 and 10";
      return false;
    }
  } else if (key == "max_entries") {
    config->max_entries = v.as<int>();
  } else if (key == "user_agent") {
    config->http.user_agent = v.as<std::string>();
  } else if (key == "allowed_hosts") {
    for (const auto& h : v)
      config->http.allowed_hosts.insert(h.as<std::string>());
  } else if (key == "cncert_index") {
    for (const auto& u : v)
      config->cncert_indexes.push_back(u.as<std::string>());
  } else if (key == "urls") {
    for (const auto& u : v) config->urls.push_back(u.as<std::string>());
  } else {
    *error = "unknown field '" + key + "'";
    return false;
  }
  return true;
}

}  // namespace

Status LoadFetchConfig(const std::string& path, FetchConfig* config) {
  const FileContent file =
      ReadFileCapped(path, 1u << 20, FileOrigin::kOperator);
  if (!file.error.empty()) return Status::Error(path + ": " + file.error);
  try {
    const YAML::Node root = YAML::Load(file.bytes);
    if (root.IsNull()) return Status::Ok();
    if (!root.IsMap()) return Status::Error(path + ": must be a mapping");
    for (const auto& e : root) {
      std::string error;
      if (!ReadField(e.first.as<std::string>(), e.second, config, &error)) {
        return Status::Error(path + ": " + error);
      }
    }
  } catch (const YAML::Exception& e) {
    return Status::Error(path + ": line " + std::to_string(e.mark.line + 1) +
                         ": " + e.msg);
  }
  return Status::Ok();
}

}  // namespace cncert
