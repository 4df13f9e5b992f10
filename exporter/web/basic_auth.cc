#include "exporter/web/basic_auth.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>

namespace cncert {

namespace {

std::string Base64Decode(const std::string& in) {
  std::string out(in.size() * 3 / 4 + 3, '\0');
  const int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(in.data()),
                      static_cast<int>(in.size()));
  if (n < 0) return "";
  std::size_t len = static_cast<std::size_t>(n);
  // EVP_DecodeBlock counts padding as output bytes.
  if (!in.empty() && in.back() == '=') --len;
  if (in.size() > 1 && in[in.size() - 2] == '=') --len;
  out.resize(len);
  return out;
}

std::string Sha256(const std::string& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

// A valid hash of `cost` to spend bcrypt's time on.
std::string DummyHash(int cost) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn("$2y$", static_cast<unsigned long>(cost), nullptr, 0,
                       salt, sizeof salt) == nullptr) {
    return std::string();
  }
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  const char* result = crypt_r("not a password", salt, data.get());
  return result ? std::string(result) : std::string();
}

// The cost of a "$2y$12$…" hash.
int Cost(const std::string& hash) {
  if (hash.size() < 7 || !std::isdigit(static_cast<unsigned char>(hash[4])) ||
      !std::isdigit(static_cast<unsigned char>(hash[5]))) {
    return 10;
  }
  return (hash[4] - '0') * 10 + (hash[5] - '0');
}

}  // namespace

bool BcryptMatches(const std::string& password, const std::string& hash) {
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  const char* result = crypt_r(password.c_str(), hash.c_str(), data.get());
  if (result == nullptr || result[0] == '*') return false;
  return std::strlen(result) == hash.size() &&
         CRYPTO_memcmp(result, hash.data(), hash.size()) == 0;
}

BasicAuth::BasicAuth(std::map<std::string, std::string> users)
    : users_(std::move(users)) {
  int cost = 4;
  for (const auto& [user, hash] : users_) cost = std::max(cost, Cost(hash));
  if (!users_.empty()) dummy_hash_ = DummyHash(cost);
}

BasicAuth::Outcome BasicAuth::Check(const std::string& header,
                                    const std::string& client) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& times = failures_[client];
    while (!times.empty() && now - times.front() > kFailureWindow) {
      times.pop_front();
    }
    if (times.size() >= static_cast<std::size_t>(kMaxFailures)) {
      return Outcome::kTooManyFailures;
    }
    if (times.empty()) failures_.erase(client);
  }
  if (Verify(header)) return Outcome::kAllowed;
  std::lock_guard<std::mutex> lock(mutex_);
  // Bounded: a flood of clients forgets the oldest first.
  if (failures_.size() > 10000) failures_.clear();
  failures_[client].push_back(now);
  return Outcome::kDenied;
}

bool BasicAuth::Verify(const std::string& header) {
  constexpr std::string_view kPrefix = "Basic ";
  if (header.size() <= kPrefix.size() ||
      header.compare(0, kPrefix.size(), kPrefix) != 0) {
    return false;
  }
  const std::string decoded = Base64Decode(header.substr(kPrefix.size()));
  const auto colon = decoded.find(':');
  if (colon == std::string::npos) return false;
  const std::string user = decoded.substr(0, colon);
  const std::string password = decoded.substr(colon + 1);
  const auto it = users_.find(user);
  const std::string& hash = it == users_.end() ? dummy_hash_ : it->second;
  const std::string key = Sha256(user + '\0' + hash + '\0' + password);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (it != users_.end() && verified_.contains(key)) return true;
  }
  const bool ok = BcryptMatches(password, hash) && it != users_.end();
  if (ok) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (verified_.size() > 1024) verified_.clear();
    verified_.insert(key);
  }
  return ok;
}

}  // namespace cncert
