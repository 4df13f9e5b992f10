// libFuzzer target for the OCR cache's entries, which `serve` reads from the
// archive (.cncert-ocr/): any bytes give a result or none, never a crash;
// and a result, written again, reads back as itself.
#include <cstddef>
#include <cstdint>
#include <string>

#include "exporter/ocr/ocr_cache.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  // The seeds' version: an entry of another version is never read.
  const std::string version = "v";
  const std::string json(reinterpret_cast<const char*>(data), size);
  const auto result = cncert::OcrResultFromJson(json, version);
  if (!result) return 0;
  const std::string written = cncert::OcrResultToJson(*result, version);
  const auto again = cncert::OcrResultFromJson(written, version);
  if (!again || cncert::OcrResultToJson(*again, version) != written) {
    __builtin_trap();
  }
  return 0;
}
