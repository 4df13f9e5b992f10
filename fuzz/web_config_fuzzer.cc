// libFuzzer target for the web config file (exporter-toolkit's format):
// any YAML must give a config or an error that names a field, never a
// crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "exporter/web/web_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto config = cncert::ParseWebConfig(yaml, "/nonexistent", &error);
  if (!config && error.empty()) __builtin_trap();
  return 0;
}
