// libFuzzer target for the OCR cache's entries, which `serve` reads from the
// archive (.cncert-ocr/), as MessagePack and (written by earlier builds) as
// JSON: any bytes give a result or none, never a crash; and a result, written
// again in either form, reads back as itself.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "exporter/ocr/ocr_cache.h"

namespace {

// The seeds' version: an entry of another version is never read.
const std::string kVersion = "v";

void CheckRoundTrip(const cncert::OcrResult& result) {
  const std::string json = cncert::OcrResultToJson(result, kVersion);
  const std::string packed = cncert::OcrResultToMessagePack(result, kVersion);
  const auto from_json = cncert::OcrResultFromJson(json, kVersion);
  const auto unpacked = cncert::OcrResultFromMessagePack(packed, kVersion);
  if (!from_json || cncert::OcrResultToJson(*from_json, kVersion) != json ||
      !unpacked ||
      cncert::OcrResultToMessagePack(*unpacked, kVersion) != packed) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  for (const auto& result :
       {cncert::OcrResultFromJson(bytes, kVersion),
        cncert::OcrResultFromMessagePack(bytes, kVersion)}) {
    if (result) CheckRoundTrip(*result);
  }
  return 0;
}
