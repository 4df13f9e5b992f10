// How and what the fetcher fetches: sources, poll interval and the limits of
// every request.
#ifndef CNCERT_EXPORTER_FETCH_FETCH_CONFIG_H_
#define CNCERT_EXPORTER_FETCH_FETCH_CONFIG_H_

#include <chrono>
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "exporter/base/status.h"

namespace cncert {

// The limits of one GET, redirects included.
struct HttpLimits {
  std::chrono::seconds timeout{30};   // whole request, redirects included
  std::size_t max_bytes = 32u << 20;  // per response body
  int max_redirects = 5;
  std::string user_agent;
  std::set<std::string> allowed_hosts;
  // Refuse hosts that resolve to loopback, private or link-local addresses.
  bool refuse_private_addresses = false;
};

// How hard a crawl may press a server (PoliteClient).
struct Politeness {
  double rate = 1;       // requests per second; <= 0: no limit
  double jitter = 0.25;  // each gap varies by ± this share
  int retries = 3;       // after the first attempt
  std::chrono::milliseconds backoff{2000};  // first retry; doubles
  std::chrono::seconds max_wait{300};       // a longer Retry-After fails now
};

struct FetchConfig {
  std::vector<std::string> cncert_indexes;  // index pages to follow
  std::vector<std::string> urls;            // single articles
  std::chrono::seconds interval{6 * 3600};  // between polls of a source
  double jitter = 0.1;                      // ± this share of the interval
  int max_entries = 20;  // newest index entries looked at per poll
  std::chrono::seconds backoff_min{60};  // first retry after a failed poll
  HttpLimits http;
  Politeness politeness;
};

// "6h", "30s", "500ms", "2d".
std::optional<std::chrono::milliseconds> ParseDuration(const std::string& text);

// YAML: interval, jitter, timeout, max_bytes, max_redirects, max_entries,
// user_agent, allowed_hosts, backoff_min, rate, retries, cncert_index and urls
// (lists, added to those of the flags). Errors name the file, line and field.
Status LoadFetchConfig(const std::string& path, FetchConfig* config);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_FETCH_FETCH_CONFIG_H_
