// The flags that say how bulletin images are read, shared by parse and serve.
#ifndef CNCERT_EXPORTER_CLI_IMAGE_FLAGS_H_
#define CNCERT_EXPORTER_CLI_IMAGE_FLAGS_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "exporter/ocr/ocr_service.h"

namespace cncert {

struct ImageFlags {
  bool ocr = true;
  std::string cache_dir;  // parse only; serve keeps it in the archive
  bool fetch = false;
  std::vector<std::string> allowed_hosts;
  bool allow_private = false;
  std::size_t max_bytes = 20u << 20;
  double min_confidence = 60;
  std::size_t memory_budget = OcrLimits{}.budget.memory_bytes;
  int retry_seconds = 3600;  // serve only

  ImageOptions ToOptions() const;
  // The limits of fetching images, sent with `user_agent` unless set.
  HttpLimits FetchLimits(const std::string& user_agent) const;
};

// `with_cache`: parse's --ocr.cache (serve caches in the archive).
void AddImageFlags(CLI::App* cmd, ImageFlags* flags, bool with_cache);

// --images.fetch and the limits of fetching images only (the fetch command).
void AddImageFetchFlags(CLI::App* cmd, ImageFlags* flags);

// $XDG_CACHE_HOME/cncert_exporter/ocr, else ~/.cache/cncert_exporter/ocr;
// "" when neither is known. Not made here: the cache makes it when it
// keeps its first result.
std::string DefaultOcrCacheDir();

}  // namespace cncert

#endif  // CNCERT_EXPORTER_CLI_IMAGE_FLAGS_H_
