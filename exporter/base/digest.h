// SHA-256 as lower-case hex: content addresses and cache keys.
#ifndef CNCERT_EXPORTER_BASE_DIGEST_H_
#define CNCERT_EXPORTER_BASE_DIGEST_H_

#include <string>
#include <string_view>

namespace cncert {

std::string Sha256Hex(std::string_view data);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_BASE_DIGEST_H_
