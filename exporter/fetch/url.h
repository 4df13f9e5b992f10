// URLs as the fetcher needs them: split into parts, and references resolved.
#ifndef CNCERT_EXPORTER_FETCH_URL_H_
#define CNCERT_EXPORTER_FETCH_URL_H_

#include <optional>
#include <string>

namespace cncert {

// RFC 3986 reference resolution for the forms pages use: absolute URLs,
// "//host/…", "/path", "relative/path", "../up", with query and fragment.
std::string ResolveUrl(const std::string& base, const std::string& reference);

struct UrlParts {
  std::string scheme;  // lower case
  std::string host;    // lower case, without brackets
  int port = 0;        // explicit or the scheme's default
  std::string path;    // with query, "/" at least
};
std::optional<UrlParts> SplitUrl(const std::string& url);

// scheme://host:port of `parts`, IPv6 hosts in brackets.
std::string Origin(const UrlParts& parts);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_FETCH_URL_H_
