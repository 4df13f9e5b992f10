// One GET with the fetcher's limits: http and https only, allowed hosts only,
// a redirect cap and loop detection, a size cap and one deadline for the
// whole request. Conditional requests with ETag / Last-Modified.
#ifndef CNCERT_EXPORTER_FETCH_HTTP_GET_H_
#define CNCERT_EXPORTER_FETCH_HTTP_GET_H_

#include <array>
#include <functional>
#include <string>
#include <string_view>

#include "exporter/fetch/fetch_config.h"

namespace cncert {

// Why a fetch failed: the `reason` label of
// cncert_exporter_fetch_failures_total.
enum class FetchFailure {
  kNone,
  kHttp3xx,
  kHttp4xx,
  kHttp5xx,
  kTimeout,
  kConnection,
  kTruncated,
  kTooLarge,
  kTooManyRedirects,
  kRedirectLoop,
  kHostNotAllowed,
  kSchemeNotAllowed,
  kNotPdf,
  kNoBulletin,
  kNoEntries,
  kWrite,
  kPrivateAddress,
};

inline constexpr std::array kAllFetchFailures = {
    FetchFailure::kHttp3xx,
    FetchFailure::kHttp4xx,
    FetchFailure::kHttp5xx,
    FetchFailure::kTimeout,
    FetchFailure::kConnection,
    FetchFailure::kTruncated,
    FetchFailure::kTooLarge,
    FetchFailure::kTooManyRedirects,
    FetchFailure::kRedirectLoop,
    FetchFailure::kHostNotAllowed,
    FetchFailure::kSchemeNotAllowed,
    FetchFailure::kNotPdf,
    FetchFailure::kNoBulletin,
    FetchFailure::kNoEntries,
    FetchFailure::kWrite,
    FetchFailure::kPrivateAddress};

std::string_view FetchFailureName(FetchFailure f);

struct FetchResult {
  bool ok = false;
  bool not_modified = false;
  int status = 0;
  std::string body;
  std::string etag;
  std::string last_modified;
  std::string final_url;
  // Retry-After of a 429 or 5xx answer, in seconds from now (-1: none).
  long long retry_after = -1;
  FetchFailure reason = FetchFailure::kNone;
  std::string message;
};

struct Conditional {
  std::string etag;
  std::string last_modified;
};

// `on_attempt` is called before each request that goes out (redirects count).
// A redirect may change host (to another allowed one) and upgrade http to
// https, but never leads to another port of the same host.
FetchResult HttpGet(const std::string& url, const HttpLimits& limits,
                    const Conditional& conditional = {},
                    const std::function<void()>& on_attempt = nullptr);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_FETCH_HTTP_GET_H_
