#include "exporter/fetch/url.h"

#include <re2/re2.h>

#include <vector>

#include "exporter/base/host_port.h"
#include "parsers/strings.h"

namespace cncert {

std::optional<UrlParts> SplitUrl(const std::string& url) {
  static const RE2 kUrl(
      R"(([A-Za-z][A-Za-z0-9+.-]*)://(\[[^\]]+\]|[^/:?#]+)(?::(\d+))?([^#]*))");
  UrlParts parts;
  std::string port;
  if (!RE2::FullMatch(url.substr(0, url.find('#')), kUrl, &parts.scheme,
                      &parts.host, &port, &parts.path)) {
    return std::nullopt;
  }
  parts.scheme = LowerAscii(parts.scheme);
  parts.host = LowerAscii(parts.host);
  if (parts.host.size() > 2 && parts.host.front() == '[') {
    parts.host = parts.host.substr(1, parts.host.size() - 2);
  }
  if (port.size() > 5) return std::nullopt;
  parts.port =
      port.empty() ? (parts.scheme == "https" ? 443 : 80) : std::stoi(port);
  if (parts.port <= 0 || parts.port > 65535) return std::nullopt;
  if (parts.path.empty() || parts.path[0] != '/') parts.path = "/" + parts.path;
  return parts;
}

std::string Origin(const UrlParts& parts) {
  return parts.scheme + "://" + FormatHostPort(parts.host, parts.port);
}

std::string ResolveUrl(const std::string& base, const std::string& reference) {
  static const RE2 kAbsolute(R"([A-Za-z][A-Za-z0-9+.-]*:.*)");
  std::string ref = reference;
  ref.erase(0, ref.find_first_not_of(" \t\r\n"));
  ref.erase(ref.find_last_not_of(" \t\r\n") + 1);
  if (RE2::FullMatch(ref, kAbsolute)) return ref;
  const auto parts = SplitUrl(base);
  if (!parts) return ref;
  const std::string origin = Origin(*parts);
  if (ref.starts_with("//")) return parts->scheme + ":" + ref;
  std::string path;
  if (ref.starts_with("/")) {
    path = ref;
  } else {
    std::string dir = parts->path.substr(0, parts->path.find('?'));
    dir = dir.substr(0, dir.rfind('/') + 1);
    path = dir + ref;
  }
  // Remove dot segments.
  const std::string query =
      path.find('?') == std::string::npos ? "" : path.substr(path.find('?'));
  path = path.substr(0, path.find('?'));
  std::vector<std::string> segments;
  std::size_t pos = 1;
  while (pos <= path.size()) {
    std::size_t next = path.find('/', pos);
    if (next == std::string::npos) next = path.size();
    const std::string seg = path.substr(pos, next - pos);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (seg != ".") {
      segments.push_back(seg);
    }
    pos = next + 1;
  }
  std::string clean;
  for (const auto& s : segments) clean += "/" + s;
  if (clean.empty() || path.ends_with("/")) {
    if (!clean.ends_with("/")) clean += "/";
  }
  return origin + clean + query;
}

}  // namespace cncert
