#include "parsers/bulletin.h"

#include <cstdio>

namespace cncert {

std::string FormatDate(const Date& date) {
  char buf[16];
  std::snprintf(
      buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(date.year()),
      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buf;
}

long long DateToUnixSeconds(const Date& date) {
  constexpr long long kChinaOffsetSeconds = 8LL * 3600;
  const auto days = std::chrono::sys_days(date).time_since_epoch().count();
  return static_cast<long long>(days) * 86400LL - kChinaOffsetSeconds;
}

std::string SeriesKey(const std::string& metric, const Labels& labels) {
  if (labels.empty()) return metric;
  std::string out = metric + "{";
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ",";
    first = false;
    out += name + "=\"";
    for (char c : value) {
      if (c == '\\' || c == '"') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    out += "\"";
  }
  return out + "}";
}

std::string Identity::IssueLabel() const {
  if (year && issue) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d", *year, *issue);
    return buf;
  }
  if (period_start) return FormatDate(*period_start);
  if (published) return FormatDate(*published);
  return "";
}

const Value* Bulletin::Find(const std::string& metric,
                            const Labels& labels) const {
  for (const auto& v : values) {
    if (v.metric == metric && v.labels == labels) return &v;
  }
  return nullptr;
}

}  // namespace cncert
