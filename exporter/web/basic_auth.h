// HTTP basic auth against bcrypt hashes (libcrypt), with a cache of verified
// credentials: bcrypt is deliberately slow and Prometheus scrapes often.
#ifndef CNCERT_EXPORTER_WEB_BASIC_AUTH_H_
#define CNCERT_EXPORTER_WEB_BASIC_AUTH_H_

#include <map>
#include <mutex>
#include <set>
#include <string>

namespace cncert {

class BasicAuth {
 public:
  explicit BasicAuth(std::map<std::string, std::string> users)
      : users_(std::move(users)) {}

  bool enabled() const { return !users_.empty(); }

  // `header` is the Authorization header value ("Basic base64(user:pass)").
  bool Check(const std::string& header);

 private:
  std::map<std::string, std::string> users_;
  std::mutex mutex_;
  std::set<std::string> verified_;  // SHA-256 of user, hash and password
};

// bcrypt check of one password, in constant time with respect to the hash.
bool BcryptMatches(const std::string& password, const std::string& hash);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_WEB_BASIC_AUTH_H_
