// The image flags as the OCR service's options: in the whole exporter only
// (the parse-only front reads no images, and links none of the service).
#include <chrono>

#include "exporter/cli/image_flags.h"

namespace cncert {

ImageOptions ImageFlags::ToOptions() const {
  ImageOptions o;
  o.fetch_remote = fetch;
  if (!allowed_hosts.empty()) {
    o.http.allowed_hosts = {allowed_hosts.begin(), allowed_hosts.end()};
  }
  o.http.refuse_private_addresses = !allow_private;
  o.http.max_bytes = max_bytes;
  o.limits.max_bytes = max_bytes;
  o.limits.budget.memory_bytes = memory_budget;
  o.retry_failed_after = std::chrono::seconds(retry_seconds);
  return o;
}

HttpLimits ImageFlags::FetchLimits(const std::string& user_agent) const {
  HttpLimits limits = ToOptions().http;
  if (limits.user_agent.empty()) limits.user_agent = user_agent;
  return limits;
}

}  // namespace cncert
