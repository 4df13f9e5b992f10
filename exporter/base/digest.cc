#include "exporter/base/digest.h"

#include <openssl/evp.h>

#include <algorithm>

namespace cncert {

std::string Sha256Hex(std::string_view data) {
  Sha256 sha;
  sha.Update(data);
  return sha.Hex();
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ != nullptr) EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr);
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::Update(std::string_view data) {
  if (ctx_ != nullptr) EVP_DigestUpdate(ctx_, data.data(), data.size());
}

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Written in place: a cache hit names its image this way, three times a
// bulletin.
std::string ToHex(const unsigned char* bytes, std::size_t size) {
  std::string out(2 * size, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kHex[bytes[i] >> 4];
    out[2 * i + 1] = kHex[bytes[i] & 15];
  }
  return out;
}

bool IsLowerHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

// Of a digit IsSha256Hex() accepted.
int HexDigit(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

}  // namespace

std::string Sha256::Hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (ctx_ == nullptr || EVP_DigestFinal_ex(ctx_, digest, &size) != 1) {
    return "";
  }
  return ToHex(digest, size);
}

bool IsSha256Hex(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), IsLowerHexDigit);
}

std::optional<Sha256Digest> Sha256FromHex(std::string_view hex) {
  if (!IsSha256Hex(hex)) return std::nullopt;
  Sha256Digest out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<std::uint8_t>(HexDigit(hex[2 * i]) << 4 |
                                       HexDigit(hex[2 * i + 1]));
  }
  return out;
}

std::string Sha256DigestHex(const Sha256Digest& digest) {
  return ToHex(digest.data(), digest.size());
}

}  // namespace cncert
