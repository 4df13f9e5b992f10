// HTTP basic auth against bcrypt hashes (libcrypt), with a cache of verified
// credentials: bcrypt is deliberately slow and Prometheus scrapes often.
#ifndef CNCERT_EXPORTER_WEB_BASIC_AUTH_H_
#define CNCERT_EXPORTER_WEB_BASIC_AUTH_H_

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>

namespace cncert {

class BasicAuth {
 public:
  explicit BasicAuth(std::map<std::string, std::string> users);

  bool enabled() const { return !users_.empty(); }

  enum class Outcome { kAllowed, kDenied, kTooManyFailures };

  // `header` is the Authorization header value ("Basic base64(user:pass)");
  // `client` the peer's address. A client with kMaxFailures failures in the
  // last kFailureWindow is refused without a bcrypt, until they age out.
  Outcome Check(const std::string& header, const std::string& client);
  bool Check(const std::string& header) {
    return Check(header, "") == Outcome::kAllowed;
  }

  static constexpr int kMaxFailures = 10;
  static constexpr std::chrono::seconds kFailureWindow{60};

 private:
  bool Verify(const std::string& header);

  std::map<std::string, std::string> users_;
  // Spent on unknown users, with the cost of the dearest real hash, so that
  // the time a check takes does not tell which users exist.
  std::string dummy_hash_;
  std::mutex mutex_;
  std::set<std::string> verified_;  // SHA-256 of user, hash and password
  std::map<std::string, std::deque<std::chrono::steady_clock::time_point>>
      failures_;  // by client
};

// bcrypt check of one password, in constant time with respect to the hash.
bool BcryptMatches(const std::string& password, const std::string& hash);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_WEB_BASIC_AUTH_H_
