// --web.config.file in exporter-toolkit's format: TLS, basic auth with bcrypt
// hashes, response headers. Validated at start; errors name the field.
#ifndef CNCERT_EXPORTER_WEB_WEB_CONFIG_H_
#define CNCERT_EXPORTER_WEB_WEB_CONFIG_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

using SSL_CTX = struct ssl_ctx_st;

namespace cncert {

// exporter-toolkit's client_auth_type values.
enum class ClientAuth {
  kNoClientCert,
  kRequestClientCert,
  kRequireAnyClientCert,
  kVerifyClientCertIfGiven,
  kRequireAndVerifyClientCert,
};

// "RequireAndVerifyClientCert" → kRequireAndVerifyClientCert.
std::optional<ClientAuth> ParseClientAuth(std::string_view name);

struct TlsConfig {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;
  ClientAuth client_auth = ClientAuth::kNoClientCert;
  int min_version =
      0;  // OpenSSL protocol version constants; 0 = library default
  int max_version = 0;
};

// The most expensive bcrypt hash accepted (about 1 s a check at 14).
inline constexpr int kMaxBcryptCost = 14;

struct WebConfig {
  std::optional<TlsConfig> tls;
  std::map<std::string, std::string> basic_auth_users;  // user → bcrypt hash
  std::map<std::string, std::string> headers;
};

// Parses and validates; on failure returns nullopt and a message naming the
// field ("tls_server_config.client_ca_file: ..."). Relative paths are taken
// relative to the config file, as exporter-toolkit does.
std::optional<WebConfig> LoadWebConfig(const std::string& path,
                                       std::string* error);
std::optional<WebConfig> ParseWebConfig(const std::string& yaml,
                                        const std::string& base_dir,
                                        std::string* error);

// Configures an OpenSSL server context from `tls`; false with a message on
// failure (unreadable certificate, key not matching, …).
bool SetUpTlsContext(const TlsConfig& tls, SSL_CTX& ctx, std::string* error);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_WEB_WEB_CONFIG_H_
