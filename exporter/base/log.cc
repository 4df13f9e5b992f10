#include "exporter/base/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>

namespace cncert::log {

namespace {

std::atomic<Level> g_level{Level::kInfo};
std::atomic<bool> g_json{false};

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

std::string Timestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      now.time_since_epoch())
                      .count() %
                  1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

// logfmt quotes values with spaces, quotes or '='.
void AppendLogfmt(std::string& out, std::string_view key,
                  std::string_view value) {
  out += ' ';
  out += key;
  out += '=';
  const bool quote =
      value.empty() || value.find_first_of(" \"=\t\n") != value.npos;
  if (!quote) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  out += '"';
}

}  // namespace

bool Configure(std::string_view level, std::string_view format) {
  if (level == "debug") {
    g_level = Level::kDebug;
  } else if (level == "info") {
    g_level = Level::kInfo;
  } else if (level == "warn") {
    g_level = Level::kWarn;
  } else if (level == "error") {
    g_level = Level::kError;
  } else {
    return false;
  }
  if (format == "json") {
    g_json = true;
  } else if (format == "logfmt") {
    g_json = false;
  } else {
    return false;
  }
  return true;
}

void Write(Level level, std::string_view message, Fields fields) {
  if (level < g_level.load()) return;
  std::string line;
  if (g_json) {
    nlohmann::json j;
    j["ts"] = Timestamp();
    j["level"] = LevelName(level);
    j["msg"] = std::string(message);
    for (const auto& [k, v] : fields) j[std::string(k)] = v;
    line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    line = "ts=" + Timestamp();
    AppendLogfmt(line, "level", LevelName(level));
    AppendLogfmt(line, "msg", message);
    for (const auto& [k, v] : fields) AppendLogfmt(line, k, v);
  }
  line += '\n';
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace cncert::log
