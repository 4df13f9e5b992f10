// SHA-256 as lower-case hex: content addresses and cache keys.
#ifndef CNCERT_EXPORTER_BASE_DIGEST_H_
#define CNCERT_EXPORTER_BASE_DIGEST_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace cncert {

// SHA-256 of data given in pieces, so that a large file's digest needs no
// buffer of its size.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view data);
  // The digest of all that was given; call once.
  std::string Hex();

 private:
  evp_md_ctx_st* ctx_;
};

// The same of data given whole.
std::string Sha256Hex(std::string_view data);

// A digest kept in its 32 bytes, where many are kept: its hex is 65 bytes
// on the heap besides the string.
using Sha256Digest = std::array<std::uint8_t, 32>;
// Whether `s` is a digest as Sha256Hex() writes it: 64 lower-case hex
// digits (what names an image or a cache entry).
bool IsSha256Hex(std::string_view s);
// Of such a digest (so that its hex comes back the same); none for
// anything else.
std::optional<Sha256Digest> Sha256FromHex(std::string_view hex);
std::string Sha256DigestHex(const Sha256Digest& digest);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_BASE_DIGEST_H_
