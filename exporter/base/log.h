// Structured logs on stderr, logfmt (default) or JSON, as Prometheus
// components write them: ts, level, msg, then key/value pairs.
#ifndef CNCERT_EXPORTER_BASE_LOG_H_
#define CNCERT_EXPORTER_BASE_LOG_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace cncert::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Returns false for an unknown level or format name.
bool Configure(std::string_view level, std::string_view format);

using Fields = std::initializer_list<std::pair<std::string_view, std::string>>;
void Write(Level level, std::string_view message, Fields fields = {});

inline void Debug(std::string_view m, Fields f = {}) {
  Write(Level::kDebug, m, f);
}
inline void Info(std::string_view m, Fields f = {}) {
  Write(Level::kInfo, m, f);
}
inline void Warn(std::string_view m, Fields f = {}) {
  Write(Level::kWarn, m, f);
}
inline void Error(std::string_view m, Fields f = {}) {
  Write(Level::kError, m, f);
}

}  // namespace cncert::log

#endif  // CNCERT_EXPORTER_BASE_LOG_H_
