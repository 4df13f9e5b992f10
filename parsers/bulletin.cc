#include "parsers/bulletin.h"

#include <re2/re2.h>

#include <array>
#include <cstdio>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "parsers/short_regex.h"
#include "parsers/utf8.h"

namespace cncert {

std::string FormatDate(const Date& date) {
  // Every JSON element and page prints a few: digits placed, not formatted.
  const int year = static_cast<int>(date.year());
  const auto month = static_cast<unsigned>(date.month());
  const auto day = static_cast<unsigned>(date.day());
  if (year < 0 || year > 9999 || month > 99 || day > 99) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", year, month, day);
    return buf;
  }
  const auto digit = [](unsigned n) { return static_cast<char>('0' + n % 10); };
  const auto y = static_cast<unsigned>(year);
  return {digit(y / 1000),
          digit(y / 100),
          digit(y / 10),
          digit(y),
          '-',
          digit(month / 10),
          digit(month),
          '-',
          digit(day / 10),
          digit(day)};
}

std::optional<Date> MakeDate(int year, int month, int day) {
  const Date date{std::chrono::year(year),
                  std::chrono::month(static_cast<unsigned>(month)),
                  std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || year < 2000 || year > 2100) return std::nullopt;
  return date;
}

std::optional<Date> FindDate(std::string_view text) {
  static const ShortRegex kDate(R"((\d{4})[-./年](\d{1,2})[-./月](\d{1,2}))");
  std::array<re2::StringPiece, 4> g;
  if (!kDate.Search(text, g.data(), static_cast<int>(g.size()))) {
    return std::nullopt;
  }
  return MakeDate(*GroupNumber(g[1]), *GroupNumber(g[2]), *GroupNumber(g[3]));
}

long long DateToUnixSeconds(const Date& date) {
  constexpr long long kChinaOffsetSeconds = 8LL * 3600;
  const auto days = std::chrono::sys_days(date).time_since_epoch().count();
  return static_cast<long long>(days) * 86400LL - kChinaOffsetSeconds;
}

namespace {

// Label values must be UTF-8, or Prometheus rejects the whole scrape. Bytes
// that are not (a GBK file name) and '%' become %XX, so that distinct values
// stay distinct.
std::string LabelSafe(const std::string& value) {
  if (utf8::IsValid(value)) return value;
  std::string out;
  std::string_view rest = value;
  while (!rest.empty()) {
    const std::size_t valid = utf8::ValidPrefix(rest);
    for (char c : rest.substr(0, valid)) {
      if (c == '%') {
        out += "%25";
      } else {
        out += c;
      }
    }
    rest.remove_prefix(valid);
    if (rest.empty()) break;
    static constexpr char kHex[] = "0123456789ABCDEF";
    const auto byte = static_cast<unsigned char>(rest[0]);
    out += '%';
    out += kHex[byte >> 4];
    out += kHex[byte & 15];
    rest.remove_prefix(1);
  }
  return out;
}

}  // namespace

namespace {
const std::string kNone;
}  // namespace

const std::string& ImageOf(const Bulletin& b, const Provenance& p) {
  return p.image < b.images.size() ? b.images[p.image].src : kNone;
}

std::string RuleName(const Value& v) {
  return v.metric + "/" + std::to_string(v.provenance.pattern);
}

std::string_view MatchedText(const Bulletin& b, const Provenance& p) {
  if (p.begin > p.end || p.end > b.text.size()) return {};
  return std::string_view(b.text).substr(p.begin, p.end - p.begin);
}

std::string ImageLine(const Bulletin& b, const Provenance& p) {
  using Span = ImageLineSpan;
  if (!p.read_from_image()) return {};
  const auto& lines = b.image_lines;
  std::string out;
  for (std::size_t i = p.image_line; i < lines.size(); ++i) {
    const auto [begin, end] = lines[i];
    if (end == Span::kKept) {
      const auto& kept = b.image_kept;
      return i == p.image_line && begin < kept.size() ? kept[begin] : out;
    }
    const std::uint32_t to = end & ~Span::kGoesOn;
    if (begin > to || to > b.text.size()) return {};
    if (i > p.image_line) out += '\n';
    out.append(b.text, begin, to - begin);
    if (!(end & Span::kGoesOn)) break;
  }
  return out;
}

std::string_view SentenceAround(const Bulletin& b, const Provenance& p) {
  const std::string_view text = b.text;
  if (p.begin > p.end || p.end > text.size()) return {};
  static constexpr std::string_view kStop = "。";
  std::size_t from = 0;
  for (std::size_t i = p.begin; i > 0; --i) {
    if (text[i - 1] == '\n') {
      from = i;
      break;
    }
    if (i >= kStop.size() &&
        text.substr(i - kStop.size(), kStop.size()) == kStop) {
      from = i;
      break;
    }
  }
  std::size_t to = text.size();
  const std::size_t stop = text.find(kStop, p.end);
  const std::size_t newline = text.find('\n', p.end);
  if (stop != std::string_view::npos) to = stop + kStop.size();
  if (newline != std::string_view::npos && newline < to) to = newline;
  return text.substr(from, to - from);
}

std::string SeriesKey(const std::string& metric, const Labels& labels) {
  if (labels.empty()) return metric;
  std::string out;
  out.reserve(metric.size() + 2 + 24 * labels.size());
  out += metric;
  out += '{';
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    const bool valid = utf8::IsValid(value);
    const std::string encoded = valid ? std::string() : LabelSafe(value);
    std::string_view rest = valid ? value : encoded;
    // Runs without '\\', '"' or a line break are copied whole.
    for (std::size_t special = rest.find_first_of("\\\"\n");
         special != std::string_view::npos;
         special = rest.find_first_of("\\\"\n")) {
      out.append(rest.substr(0, special));
      out += rest[special] == '\n'  ? "\\n"
             : rest[special] == '"' ? "\\\""
                                    : "\\\\";
      rest.remove_prefix(special + 1);
    }
    out.append(rest);
    out += '"';
  }
  out += '}';
  return out;
}

const std::string& InternedSeriesKey(const Name& metric,
                                     const LabelSet& labels) {
  // Keyed by the interned strings' addresses, which are never reused; a
  // cache each thread, without a lock.
  struct PairHash {
    std::size_t operator()(const std::pair<const void*, const void*>& p) const {
      return std::hash<const void*>()(p.first) * 31 +
             std::hash<const void*>()(p.second);
    }
  };
  thread_local std::unordered_map<std::pair<const void*, const void*>,
                                  std::string, PairHash>
      keys;
  const std::pair<const void*, const void*> id{&metric.str(), &labels.map()};
  auto it = keys.find(id);
  if (it == keys.end())
    it = keys.emplace(id, SeriesKey(metric, labels.map())).first;
  return it->second;
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

const Value* Bulletin::Find(std::string_view metric,
                            const Labels& labels) const {
  for (const auto& v : values) {
    if (v.metric == metric && v.labels == labels) return &v;
  }
  return nullptr;
}

}  // namespace cncert
