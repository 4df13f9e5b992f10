#include "exporter/web/web_config.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <re2/re2.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <set>

#include "exporter/base/files.h"

namespace cncert {

namespace {

// exporter-toolkit allows only these headers to be set.
const std::set<std::string>& AllowedHeaders() {
  static const auto* const headers = new std::set<std::string>{
      "Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options",
      "X-XSS-Protection", "Strict-Transport-Security"};
  return *headers;
}

bool ParseTlsVersion(const std::string& name, int* out) {
  static const std::map<std::string, int> kVersions = {
      {"TLS10", TLS1_VERSION},
      {"TLS11", TLS1_1_VERSION},
      {"TLS12", TLS1_2_VERSION},
      {"TLS13", TLS1_3_VERSION}};
  const auto it = kVersions.find(name);
  if (it == kVersions.end()) return false;
  *out = it->second;
  return true;
}

std::string OpenSslError() {
  const unsigned long code = ERR_get_error();
  if (code == 0) return "unknown error";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  return buf;
}

class Parser {
 public:
  explicit Parser(std::string base_dir) : base_dir_(std::move(base_dir)) {}

  std::optional<WebConfig> Parse(const std::string& yaml, std::string* error) {
    YAML::Node root;
    try {
      root = YAML::Load(yaml);
    } catch (const YAML::Exception& e) {
      *error = "not valid YAML (line " + std::to_string(e.mark.line + 1) +
               "): " + e.msg;
      return std::nullopt;
    }
    WebConfig config;
    if (root.IsNull()) return config;  // an empty file: plain HTTP, no auth
    if (!root.IsMap()) return Fail(error, "", "must be a mapping");
    try {
      for (const auto& entry : root) {
        const auto key = entry.first.as<std::string>();
        if (key == "tls_server_config") {
          if (!Tls(entry.second, config, error)) return std::nullopt;
        } else if (key == "http_server_config") {
          if (!Http(entry.second, config, error)) return std::nullopt;
        } else if (key == "basic_auth_users") {
          if (!Users(entry.second, config, error)) return std::nullopt;
        } else {
          return Fail(error, key, "unknown field");
        }
      }
    } catch (const YAML::Exception& e) {
      *error = "unexpected structure (line " + std::to_string(e.mark.line + 1) +
               "): " + e.msg;
      return std::nullopt;
    }
    return config;
  }

 private:
  static std::nullopt_t Fail(std::string* error, const std::string& field,
                             const std::string& message) {
    *error = field.empty() ? message : field + ": " + message;
    return std::nullopt;
  }

  std::string Resolve(const std::string& path) const {
    if (path.empty() || path[0] == '/' || base_dir_.empty()) return path;
    return base_dir_ + "/" + path;
  }

  bool Readable(const std::string& field, const std::string& path,
                std::string* error) {
    if (::access(path.c_str(), R_OK) != 0) {
      Fail(error, field, "cannot read '" + path + "'");
      return false;
    }
    return true;
  }

  bool Tls(const YAML::Node& node, WebConfig& config, std::string* error) {
    if (node.IsNull()) return true;
    if (!node.IsMap())
      return Fail(error, "tls_server_config", "must be a mapping"), false;
    TlsConfig tls;
    for (const auto& entry : node) {
      const auto key = entry.first.as<std::string>();
      const std::string field = "tls_server_config." + key;
      const YAML::Node& v = entry.second;
      if (key == "cert_file") {
        tls.cert_file = Resolve(v.as<std::string>());
      } else if (key == "key_file") {
        tls.key_file = Resolve(v.as<std::string>());
      } else if (key == "client_ca_file") {
        tls.client_ca_file = Resolve(v.as<std::string>());
      } else if (key == "client_auth_type") {
        const auto name = v.as<std::string>();
        const auto type = ParseClientAuth(name);
        if (!type) {
          return Fail(error, field, "invalid client_auth_type '" + name + "'"),
                 false;
        }
        tls.client_auth = *type;
      } else if (key == "min_version" || key == "max_version") {
        int version = 0;
        if (!ParseTlsVersion(v.as<std::string>(), &version)) {
          return Fail(error, field,
                      "unknown TLS version '" + v.as<std::string>() +
                          "' (TLS10, TLS11, TLS12, TLS13)"),
                 false;
        }
        (key == "min_version" ? tls.min_version : tls.max_version) = version;
      } else if (key == "prefer_server_cipher_suites") {
        (void)v.as<bool>();  // OpenSSL servers prefer their own order already
      } else if (key == "cipher_suites" || key == "curve_preferences" ||
                 key == "client_allowed_sans") {
        return Fail(error, field, "is not supported by this exporter"), false;
      } else {
        return Fail(error, field, "unknown field"), false;
      }
    }
    if (tls.cert_file.empty())
      return Fail(error, "tls_server_config.cert_file", "missing"), false;
    if (tls.key_file.empty())
      return Fail(error, "tls_server_config.key_file", "missing"), false;
    if (!Readable("tls_server_config.cert_file", tls.cert_file, error) ||
        !Readable("tls_server_config.key_file", tls.key_file, error)) {
      return false;
    }
    if (!tls.client_ca_file.empty() &&
        !Readable("tls_server_config.client_ca_file", tls.client_ca_file,
                  error)) {
      return false;
    }
    if (tls.min_version && tls.max_version &&
        tls.min_version > tls.max_version) {
      return Fail(error, "tls_server_config.min_version",
                  "is above max_version"),
             false;
    }
    config.tls = tls;
    return true;
  }

  bool Http(const YAML::Node& node, WebConfig& config, std::string* error) {
    if (node.IsNull()) return true;
    if (!node.IsMap())
      return Fail(error, "http_server_config", "must be a mapping"), false;
    for (const auto& entry : node) {
      const auto key = entry.first.as<std::string>();
      if (key == "http2") {
        (void)entry.second
            .as<bool>();  // HTTP/1.1 only; accepted for compatibility
      } else if (key == "headers") {
        if (!entry.second.IsMap()) {
          return Fail(error, "http_server_config.headers", "must be a mapping"),
                 false;
        }
        for (const auto& h : entry.second) {
          const auto name = h.first.as<std::string>();
          if (!AllowedHeaders().contains(name)) {
            return Fail(error, "http_server_config.headers." + name,
                        "setting this header is not allowed"),
                   false;
          }
          const auto value = h.second.as<std::string>();
          // httplib drops such a header without a word: say so here.
          if (value.find_first_of("\r\n") != std::string::npos ||
              value.find('\0') != std::string::npos) {
            return Fail(error, "http_server_config.headers." + name,
                        "the value holds a line break or NUL"),
                   false;
          }
          config.headers[name] = value;
        }
      } else {
        return Fail(error, "http_server_config." + key, "unknown field"), false;
      }
    }
    return true;
  }

  bool Users(const YAML::Node& node, WebConfig& config, std::string* error) {
    // An empty list would silently turn auth off.
    if (node.IsNull() || (node.IsMap() && node.size() == 0)) {
      return Fail(error, "basic_auth_users",
                  "is empty: name at least one user, or leave it out"),
             false;
    }
    if (!node.IsMap())
      return Fail(error, "basic_auth_users", "must be a mapping"), false;
    for (const auto& entry : node) {
      const auto user = entry.first.as<std::string>();
      const auto hash = entry.second.as<std::string>();
      // $2y$10$ + 22 characters of salt + 31 of hash, all of bcrypt's
      // alphabet: anything else would make every login fail.
      static const RE2 kBcrypt(R"(\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53})");
      int cost = 0;
      const bool bcrypt = RE2::FullMatch(hash, kBcrypt, &cost);
      if (user.empty() || user.find(':') != std::string::npos) {
        return Fail(error, "basic_auth_users",
                    "invalid user name '" + user + "'"),
               false;
      }
      if (!bcrypt) {
        return Fail(error, "basic_auth_users." + user,
                    "is not a bcrypt hash ($2y$...)"),
               false;
      }
      // Each wrong password costs a bcrypt: at cost 31, days of a core.
      if (cost < 4 || cost > kMaxBcryptCost) {
        return Fail(error, "basic_auth_users." + user,
                    "bcrypt cost " + std::to_string(cost) +
                        " is outside 4 to " + std::to_string(kMaxBcryptCost)),
               false;
      }
      config.basic_auth_users[user] = hash;
    }
    return true;
  }

  std::string base_dir_;
};

}  // namespace

std::optional<WebConfig> ParseWebConfig(const std::string& yaml,
                                        const std::string& base_dir,
                                        std::string* error) {
  return Parser(base_dir).Parse(yaml, error);
}

std::optional<ClientAuth> ParseClientAuth(std::string_view name) {
  static constexpr std::pair<std::string_view, ClientAuth> kNames[] = {
      {"NoClientCert", ClientAuth::kNoClientCert},
      {"RequestClientCert", ClientAuth::kRequestClientCert},
      {"RequireAnyClientCert", ClientAuth::kRequireAnyClientCert},
      {"VerifyClientCertIfGiven", ClientAuth::kVerifyClientCertIfGiven},
      {"RequireAndVerifyClientCert", ClientAuth::kRequireAndVerifyClientCert},
  };
  for (const auto& [n, type] : kNames) {
    if (n == name) return type;
  }
  return std::nullopt;
}

std::optional<WebConfig> LoadWebConfig(const std::string& path,
                                       std::string* error) {
  const FileContent file =
      ReadFileCapped(path, 1u << 20, FileOrigin::kOperator);
  if (!file.error.empty()) {
    *error = path + ": " + file.error;
    return std::nullopt;
  }
  const auto slash = path.rfind('/');
  const std::string dir =
      slash == std::string::npos ? "." : path.substr(0, slash);
  auto config = ParseWebConfig(file.bytes, dir, error);
  if (!config) *error = path + ": " + *error;
  return config;
}

bool SetUpTlsContext(const TlsConfig& tls, SSL_CTX& ctx, std::string* error) {
  if (SSL_CTX_use_certificate_chain_file(&ctx, tls.cert_file.c_str()) != 1) {
    *error = "tls_server_config.cert_file: " + OpenSslError();
    return false;
  }
  if (SSL_CTX_use_PrivateKey_file(&ctx, tls.key_file.c_str(),
                                  SSL_FILETYPE_PEM) != 1) {
    *error = "tls_server_config.key_file: " + OpenSslError();
    return false;
  }
  if (SSL_CTX_check_private_key(&ctx) != 1) {
    *error = "tls_server_config.key_file: does not match cert_file";
    return false;
  }
  SSL_CTX_set_min_proto_version(
      &ctx, tls.min_version ? tls.min_version : TLS1_2_VERSION);
  if (tls.max_version) SSL_CTX_set_max_proto_version(&ctx, tls.max_version);
  if (!tls.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(&ctx, tls.client_ca_file.c_str(),
                                      nullptr) != 1) {
      *error = "tls_server_config.client_ca_file: " + OpenSslError();
      return false;
    }
    SSL_CTX_set_client_CA_list(
        &ctx, SSL_load_client_CA_file(tls.client_ca_file.c_str()));
  }
  auto accept_any = [](int, X509_STORE_CTX*) { return 1; };
  constexpr int kRequire = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  switch (tls.client_auth) {
    case ClientAuth::kNoClientCert:
      SSL_CTX_set_verify(&ctx, SSL_VERIFY_NONE, nullptr);
      return true;
    case ClientAuth::kRequestClientCert:
      SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, accept_any);
      return true;
    case ClientAuth::kRequireAnyClientCert:
      SSL_CTX_set_verify(&ctx, kRequire, accept_any);
      return true;
    case ClientAuth::kVerifyClientCertIfGiven:
      SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, nullptr);
      return true;
    case ClientAuth::kRequireAndVerifyClientCert:
      SSL_CTX_set_verify(&ctx, kRequire, nullptr);
      return true;
  }
  *error = "tls_server_config.client_auth_type: unknown value";
  return false;
}

}  // namespace cncert
