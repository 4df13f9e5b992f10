#include "exporter/web/basic_auth.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

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

// A valid hash to spend bcrypt's time on when the user is unknown, so that
// response time does not tell which users exist.
const std::string& DummyHash() {
  static const std::string hash = [] {
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    if (crypt_gensalt_rn("$2y$", 10, nullptr, 0, salt, sizeof salt) == nullptr)
      return std::string();
    auto data = std::make_unique<crypt_data>();
    std::memset(data.get(), 0, sizeof(crypt_data));
    const char* result = crypt_r("not a password", salt, data.get());
    return result ? std::string(result) : std::string();
  }();
  return hash;
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

bool BasicAuth::Check(const std::string& header) {
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
  const std::string& hash = it == users_.end() ? DummyHash() : it->second;
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
