// SHA-256 as lower-case hex: content addresses and cache keys.
#ifndef CNCERT_EXPORTER_BASE_DIGEST_H_
#define CNCERT_EXPORTER_BASE_DIGEST_H_

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

}  // namespace cncert

#endif  // CNCERT_EXPORTER_BASE_DIGEST_H_
