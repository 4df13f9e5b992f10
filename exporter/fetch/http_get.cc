#include "exporter/fetch/http_get.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <set>

#include "exporter/fetch/url.h"

namespace cncert {

std::string_view FetchFailureName(FetchFailure f) {
  switch (f) {
    case FetchFailure::kNone:
      return "";
    case FetchFailure::kHttp3xx:
      return "http_3xx";
    case FetchFailure::kHttp4xx:
      return "http_4xx";
    case FetchFailure::kHttp5xx:
      return "http_5xx";
    case FetchFailure::kTimeout:
      return "timeout";
    case FetchFailure::kConnection:
      return "connection";
    case FetchFailure::kTruncated:
      return "truncated";
    case FetchFailure::kTooLarge:
      return "too_large";
    case FetchFailure::kTooManyRedirects:
      return "too_many_redirects";
    case FetchFailure::kRedirectLoop:
      return "redirect_loop";
    case FetchFailure::kHostNotAllowed:
      return "host_not_allowed";
    case FetchFailure::kSchemeNotAllowed:
      return "scheme_not_allowed";
    case FetchFailure::kNotPdf:
      return "not_pdf";
    case FetchFailure::kNoBulletin:
      return "no_bulletin";
    case FetchFailure::kNoEntries:
      return "no_entries";
    case FetchFailure::kWrite:
      return "write";
    case FetchFailure::kPrivateAddress:
      return "private_address";
  }
  return "";
}

namespace {

using Clock = std::chrono::steady_clock;

FetchResult Failed(FetchFailure reason, std::string message) {
  FetchResult r;
  r.reason = reason;
  r.message = std::move(message);
  return r;
}

// A Content-Length header as a number, if it is one.
std::optional<unsigned long long> ContentLength(const httplib::Response& r) {
  const std::string length = r.get_header_value("Content-Length");
  if (length.empty() || length.size() >= 19 ||
      length.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoull(length);
}

bool IsPrivate(const sockaddr* addr) {
  if (addr->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    const std::uint32_t a = ntohl(in->sin_addr.s_addr);
    return (a >> 24) == 127 || (a >> 24) == 10 || (a >> 24) == 0 ||
           (a >> 20) == 0xAC1 || (a >> 16) == 0xC0A8 || (a >> 16) == 0xA9FE ||
           (a >> 22) == (100u << 2 | 1u);  // 100.64/10
  }
  if (addr->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    const unsigned char* b = in6->sin6_addr.s6_addr;
    const bool mapped = IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr);
    if (mapped) {
      sockaddr_in v4{};
      v4.sin_family = AF_INET;
      std::memcpy(&v4.sin_addr, b + 12, 4);
      return IsPrivate(reinterpret_cast<const sockaddr*>(&v4));
    }
    return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ||
           IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr) ||
           IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr) || (b[0] & 0xFE) == 0xFC;
  }
  return true;
}

// Whether any address of `host` is loopback, private or link-local (or the
// host does not resolve: then nothing is fetched either).
bool ResolvesPrivate(const std::string& host) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) return true;
  bool refused = false;
  for (addrinfo* a = found; a; a = a->ai_next) {
    refused = refused || IsPrivate(a->ai_addr);
  }
  ::freeaddrinfo(found);
  return refused;
}

// Before any request: may this URL be fetched at all?
FetchFailure CheckTarget(const std::optional<UrlParts>& parts,
                         const HttpLimits& limits) {
  if (!parts || (parts->scheme != "http" && parts->scheme != "https")) {
    return FetchFailure::kSchemeNotAllowed;
  }
  if (!limits.allowed_hosts.contains(parts->host)) {
    return FetchFailure::kHostNotAllowed;
  }
  if (limits.refuse_private_addresses && ResolvesPrivate(parts->host)) {
    return FetchFailure::kPrivateAddress;
  }
  return FetchFailure::kNone;
}

// Seconds, or an HTTP date; -1 when absent or unreadable.
long long ParseRetryAfter(const std::string& value) {
  if (value.empty()) return -1;
  if (value.find_first_not_of("0123456789") == std::string::npos) {
    return value.size() > 9 ? -1 : std::stoll(value);
  }
  std::tm tm{};
  const char* end = ::strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S", &tm);
  if (end == nullptr) return -1;
  const long long at = ::timegm(&tm);
  const long long now = ::time(nullptr);
  return at > now ? at - now : 0;
}

// One request without following redirects; `result` gets status, headers and
// body, or a failure.
void RequestOnce(const UrlParts& parts, const std::string& url,
                 const HttpLimits& limits, const httplib::Headers& headers,
                 Clock::time_point deadline, FetchResult* result) {
  httplib::Client client(Origin(parts));
  const auto left = std::chrono::duration_cast<std::chrono::seconds>(
                        deadline - Clock::now()) +
                    std::chrono::seconds(1);
  const auto seconds = static_cast<time_t>(left.count());
  client.set_connection_timeout(seconds, 0);
  client.set_read_timeout(seconds, 0);
  client.set_write_timeout(seconds, 0);
  client.set_follow_location(false);
  client.enable_server_certificate_verification(true);
  std::string body;
  bool too_large = false;
  bool late = false;
  auto response = client.Get(
      parts.path, headers,
      [&](const httplib::Response& r) {
        const auto length = ContentLength(r);
        too_large = length && *length > limits.max_bytes;
        return !too_large;
      },
      [&](const char* data, std::size_t n) {
        // The deadline covers the whole body: a server that trickles one
        // byte at a time cannot hold the fetcher.
        late = Clock::now() > deadline;
        too_large = body.size() + n > limits.max_bytes;
        if (late || too_large) return false;
        body.append(data, n);
        return true;
      });
  if (too_large) {
    *result = Failed(FetchFailure::kTooLarge,
                     "response larger than max_bytes (" +
                         std::to_string(limits.max_bytes) + ")");
    return;
  }
  if (!response) {
    const httplib::Error error = response.error();
    FetchFailure reason = FetchFailure::kConnection;
    if (late || error == httplib::Error::ConnectionTimeout ||
        Clock::now() >= deadline) {
      reason = FetchFailure::kTimeout;
    } else if (error == httplib::Error::Read) {
      reason = FetchFailure::kTruncated;  // the peer hung up mid-response
    }
    *result = Failed(reason, httplib::to_string(error) + " fetching " + url);
    return;
  }
  result->status = response->status;
  const auto length = ContentLength(*response);
  if (response->status < 300 && length && *length != body.size()) {
    *result = Failed(FetchFailure::kTruncated,
                     "body of " + url + " is shorter than its Content-Length");
    return;
  }
  result->ok = true;
  result->body = std::move(body);
  result->etag = response->get_header_value("ETag");
  result->last_modified = response->get_header_value("Last-Modified");
  result->message = response->get_header_value("Location");
  result->retry_after =
      ParseRetryAfter(response->get_header_value("Retry-After"));
}

// A redirect to another port of a host is a different service, which the
// allowed-host list did not allow: http→https on the default ports only.
bool SamePortRule(const UrlParts& from, const UrlParts& to) {
  if (from.host != to.host) return true;
  if (from.port == to.port) return true;
  return from.scheme == "http" && to.scheme == "https" && from.port == 80 &&
         to.port == 443;
}

}  // namespace

FetchResult HttpGet(const std::string& url, const HttpLimits& limits,
                    const Conditional& conditional,
                    const std::function<void()>& on_attempt) {
  const auto deadline = Clock::now() + limits.timeout;
  std::set<std::string> visited;
  std::string current = url;
  for (int hop = 0;; ++hop) {
    const auto parts = SplitUrl(current);
    if (const FetchFailure f = CheckTarget(parts, limits);
        f != FetchFailure::kNone) {
      std::string why;
      if (f == FetchFailure::kSchemeNotAllowed) {
        why = "only http and https URLs are fetched: " + current;
      } else if (f == FetchFailure::kPrivateAddress) {
        why = "host " + parts->host +
              " resolves to a loopback or private address";
      } else {
        why = "host " + parts->host + " is not in allowed_hosts";
      }
      FetchResult r = Failed(f, why);
      r.final_url = current;
      return r;
    }
    if (!visited.insert(current).second) {
      FetchResult r =
          Failed(FetchFailure::kRedirectLoop, "redirect loop at " + current);
      r.final_url = current;
      return r;
    }
    if (on_attempt) on_attempt();
    httplib::Headers headers{{"User-Agent", limits.user_agent}};
    if (hop == 0 && !conditional.etag.empty())
      headers.emplace("If-None-Match", conditional.etag);
    if (hop == 0 && !conditional.last_modified.empty())
      headers.emplace("If-Modified-Since", conditional.last_modified);
    FetchResult result;
    RequestOnce(*parts, current, limits, headers, deadline, &result);
    result.final_url = current;
    if (!result.ok) return result;
    const int status = result.status;
    if (status >= 300 && status < 400 && status != 304) {
      const std::string location = result.message;
      if (location.empty() || hop >= limits.max_redirects) {
        FetchResult r =
            Failed(location.empty() ? FetchFailure::kHttp3xx
                                    : FetchFailure::kTooManyRedirects,
                   "redirects stop at " + current);
        r.final_url = current;
        return r;
      }
      const std::string next = ResolveUrl(current, location);
      const auto next_parts = SplitUrl(next);
      if (next_parts && !SamePortRule(*parts, *next_parts)) {
        FetchResult r = Failed(FetchFailure::kHostNotAllowed,
                               "redirect from " + current +
                                   " to another port of its host: " + next);
        r.final_url = current;
        return r;
      }
      current = next;
      continue;
    }
    result.message.clear();
    if (status == 304) {
      result.not_modified = true;
      result.body.clear();
      return result;
    }
    if (status >= 400) {
      FetchResult r = Failed(
          status >= 500 ? FetchFailure::kHttp5xx : FetchFailure::kHttp4xx,
          "HTTP " + std::to_string(status) + " for " + current);
      r.status = status;
      r.final_url = current;
      r.retry_after = result.retry_after;
      return r;
    }
    return result;
  }
}

}  // namespace cncert
