// "host:port" with IPv6 hosts in brackets, as URLs and listen addresses want.
#ifndef CNCERT_EXPORTER_BASE_HOST_PORT_H_
#define CNCERT_EXPORTER_BASE_HOST_PORT_H_

#include <string>

namespace cncert {

inline std::string BracketHost(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

inline std::string FormatHostPort(const std::string& host, int port) {
  return BracketHost(host) + ":" + std::to_string(port);
}

}  // namespace cncert

#endif  // CNCERT_EXPORTER_BASE_HOST_PORT_H_
