#include "parsers/identity.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <optional>

#include "parsers/normalize.h"
#include "parsers/short_regex.h"
#include "parsers/utf8.h"

namespace cncert {

namespace {

constexpr std::string_view kTitleMarker = "网络安全信息与动态周报";

int DaysBetween(const Date& from, const Date& to) {
  return static_cast<int>(
      (std::chrono::sys_days(to) - std::chrono::sys_days(from)).count());
}

struct Period {
  std::optional<Date> start;
  std::optional<Date> end;
};

// Whether `text` holds two runs of at least four digits, as a period of
// full dates must: most titles hold one, the year, and the search tries
// the pattern at each digit.
bool HasTwoYears(std::string_view text) {
  int runs = 0;
  int run = 0;
  for (const char c : text) {
    run = c >= '0' && c <= '9' ? run + 1 : 0;
    if (run == 4 && ++runs == 2) return true;
  }
  return false;
}

// "(2014.02.03至2014.02.09)", "(2013-09-02至2013-09-08)".
bool FullDatePeriod(std::string_view text, Period* out) {
  if (!HasTwoYears(text)) return false;
  static const ShortRegex kFull(
      R"((\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2})日?\s*(?:-|~|至|到)\s*(\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2}))");
  std::array<re2::StringPiece, 7> g;
  if (!kFull.Search(text, g.data(), static_cast<int>(g.size()))) return false;
  out->start =
      MakeDate(*GroupNumber(g[1]), *GroupNumber(g[2]), *GroupNumber(g[3]));
  out->end =
      MakeDate(*GroupNumber(g[4]), *GroupNumber(g[5]), *GroupNumber(g[6]));
  return out->start && out->end;
}

struct MonthDayPeriod {
  int m1 = 0, d1 = 0, m2 = 0, d2 = 0;
};

// "7月15日-7月21日", "2月5日—2月11日", "在9月8日至14日期间".
bool MonthDayRange(std::string_view text, MonthDayPeriod* out) {
  static const ShortRegex kRange(
      R"((\d{1,2})月(\d{1,2})日?\s*(?:-|~|至|到)\s*(?:(\d{1,2})月)?(\d{1,2})日)");
  std::array<re2::StringPiece, 5> g;
  if (!kRange.Search(text, g.data(), static_cast<int>(g.size()))) return false;
  out->m1 = *GroupNumber(g[1]);
  out->d1 = *GroupNumber(g[2]);
  out->m2 = GroupNumber(g[3]).value_or(out->m1);
  out->d2 = *GroupNumber(g[4]);
  return true;
}

// Years of a month-day range. `year` is the bulletin's year (of the title or
// publication); a range crossing New Year starts in the year before, except in
// the last issues of a year, which end in the year after.
Period ResolveYears(const MonthDayPeriod& md, int year,
                    std::optional<int> issue) {
  Period p;
  int start_year = year;
  int end_year = year;
  if (md.m1 > md.m2) {
    if (issue && *issue >= 50) {
      end_year = year + 1;
    } else {
      start_year = year - 1;
    }
  }
  p.start = MakeDate(start_year, md.m1, md.d1);
  p.end = MakeDate(end_year, md.m2, md.d2);
  return p;
}

std::optional<Date> ParseDateString(std::string_view text) {
  if (auto date = FindDate(text)) return date;
  // Unix seconds (WeChat's ct).
  static const RE2 kEpoch(R"(^\s*(\d{9,10})\s*$)");
  long long seconds;
  if (RE2::FullMatch(text, kEpoch, &seconds)) {
    const auto days = std::chrono::floor<std::chrono::days>(
        std::chrono::sys_seconds(std::chrono::seconds(seconds + 8LL * 3600)));
    return Date(days);
  }
  return std::nullopt;
}

// The first line of the text (outside ignored sections) that holds the title.
std::string TitleFromText(const Layout& layout) {
  for (const auto& span : layout.sections) {
    if (!span.extract) continue;
    const std::string_view text = layout.Text(span);
    const std::size_t at = text.find(kTitleMarker);
    if (at == std::string_view::npos) continue;
    std::size_t from = text.rfind('\n', at);
    from = from == std::string_view::npos ? 0 : from + 1;
    std::size_t to = text.find('\n', at);
    if (to == std::string_view::npos) to = text.size();
    // Keep the title and what immediately follows (issue and period).
    return std::string(
        utf8::TruncateAtBoundary(text.substr(from, to - from), 400));
  }
  return "";
}

std::string CleanTitle(std::string_view line) {
  // The title proper: from the marker through the closing bracket of the
  // period, if any.
  const std::size_t at = line.find(kTitleMarker);
  if (at == std::string_view::npos) return std::string(line);
  std::string_view rest = line.substr(at);
  static const ShortRegex kTitle(
      R"(网络安全信息与动态周报\s*-?\s*(?:\d{4}年)?(?:第\d+期)?\s*(?:\(\d[^)]{0,40}\))?)");
  re2::StringPiece title;
  if (kTitle.MatchAt(rest, 0, &title, 1))
    return std::string(title.data(), title.size());
  return std::string(rest);
}

}  // namespace

namespace {

// The title: the container's (front matter, <title>), unless the text's
// heading is the bulletin's; plus year and issue from it.
void ReadTitle(const Document& doc, const Layout& layout, Identity* id) {
  std::string title = NormalizeText(doc.title);
  while (!title.empty() && title.back() == '\n') title.pop_back();
  const std::string line = TitleFromText(layout);
  const std::string from_text = CleanTitle(line);
  if (title.find(kTitleMarker) == std::string::npos) {
    title = from_text;
  } else {
    // A page <title> wraps the bulletin's ("【转载】…-某论坛") and may lack the
    // period that the heading in the text states. Most often it is that
    // heading's line.
    title = title == line ? from_text : CleanTitle(title);
    if (from_text.starts_with(title) && from_text.size() > title.size()) {
      title = from_text;
    }
  }
  if (title.find(kTitleMarker) != std::string::npos) id->kind = "cncert_weekly";
  id->title = title;
  static const ShortRegex kYearIssue(R"((\d{4})年第(\d{1,3})期)");
  std::array<re2::StringPiece, 3> g;
  if (kYearIssue.Search(title, g.data(), static_cast<int>(g.size()))) {
    const int year = *GroupNumber(g[1]);
    const int issue = *GroupNumber(g[2]);
    if (year >= 2000 && year <= 2100 && issue >= 1 && issue <= 53) {
      id->year = year;
      id->issue = issue;
    }
  }
}

// Dates the page states next to 时间/发布时间: the publication date, unless
// they lie far from the period (a repost's date).
std::vector<Date> PageDates(const Layout& layout) {
  std::vector<Date> dates;
  // "(?:发布时间|发布日期|时间|日期):\s*(\d{4})-(\d{1,2})-(\d{1,2})", found
  // by its colon, which few lines hold: each colon after 时间 or 日期 is
  // asked for the rest, anchored. (A search for either word stops at every
  // character that begins with the same byte; RE2 searching for the whole
  // pattern went through all the text after the last date.)
  static const ShortRegex kDateAfterColon(R"(:\s*(\d{4})-(\d{1,2})-(\d{1,2}))");
  const std::string_view text = layout.text;
  for (std::size_t colon = text.find(':');
       colon != std::string_view::npos && dates.size() < 16;
       colon = text.find(':', colon + 1)) {
    constexpr std::size_t kWord = std::string_view("时间").size();
    const std::string_view word =
        colon >= kWord ? text.substr(colon - kWord, kWord) : "";
    if (word != "时间" && word != "日期") continue;
    std::array<re2::StringPiece, 4> g;
    if (!kDateAfterColon.MatchAt(text, colon, g.data(),
                                 static_cast<int>(g.size()))) {
      continue;
    }
    if (const auto date = MakeDate(*GroupNumber(g[1]), *GroupNumber(g[2]),
                                   *GroupNumber(g[3]))) {
      dates.push_back(*date);
    }
    colon =
        static_cast<std::size_t>(g[0].data() + g[0].size() - text.data()) - 1;
  }
  return dates;
}

bool NearPeriodEnd(const Date& end, const Date& date) {
  const int after = DaysBetween(end, date);
  return after >= 0 && after <= 45;
}

// Period: the title's, else the lead's or body's ("在9月8日至14日期间"); a
// month-day range takes its year from the title, the publication date or a
// page date that fits.
Period FindPeriod(const Identity& id, const Layout& layout,
                  const std::vector<Date>& page_dates,
                  std::vector<std::string>* warnings) {
  Period period;
  MonthDayPeriod md;
  bool full = FullDatePeriod(id.title, &period);
  if (!full && !MonthDayRange(id.title, &md)) {
    std::string lead_text;
    for (const auto& span : layout.sections) {
      if (span.extract && (span.name == "lead" || span.name == "body")) {
        lead_text += layout.Text(span);
      }
    }
    full = FullDatePeriod(lead_text, &period);
    if (!full) MonthDayRange(lead_text, &md);
  }
  if (full || md.m1 == 0) return period;
  // The year of a publication date, which may lie in January after a
  // December week.
  auto year_of = [&md](const Date& published) {
    int y = static_cast<int>(published.year());
    if (static_cast<unsigned>(published.month()) <
        static_cast<unsigned>(md.m2)) {
      --y;
    }
    return y;
  };
  if (id.year) return ResolveYears(md, *id.year, id.issue);
  if (id.published) return ResolveYears(md, year_of(*id.published), id.issue);
  for (const Date& date : page_dates) {
    const Period candidate = ResolveYears(md, year_of(date), id.issue);
    if (candidate.end && NearPeriodEnd(*candidate.end, date)) return candidate;
  }
  warnings->push_back(
      "the period states no year and no publication date says which; "
      "ignored");
  return period;
}

// Takes `period` if it is about a week long.
void SetPeriod(const Period& period, Identity* id,
               std::vector<std::string>* warnings) {
  if (!period.start || !period.end) return;
  const int length = DaysBetween(*period.start, *period.end);
  if (length < 0 || length > 31) {
    warnings->push_back("period " + FormatDate(*period.start) + " to " +
                        FormatDate(*period.end) + " is not a week; ignored");
    return;
  }
  id->period_start = period.start;
  id->period_end = period.end;
  if (!id->year) id->year = static_cast<int>(period.end->year());
  if (length != 6) {
    warnings->push_back("period spans " + std::to_string(length + 1) +
                        " days, not a week");
  }
}

// Without a stated publication date, the first page date that fits the
// bulletin; a stated one far from the period is reported.
void SetPublished(const std::vector<Date>& page_dates, Identity* id,
                  std::vector<std::string>* warnings) {
  if (id->published) {
    if (id->period_end && !NearPeriodEnd(*id->period_end, *id->published)) {
      warnings->push_back("publication date " + FormatDate(*id->published) +
                          " lies far from the period end " +
                          FormatDate(*id->period_end));
    }
    return;
  }
  for (const Date& date : page_dates) {
    bool plausible = false;
    if (id->period_end) {
      plausible = NearPeriodEnd(*id->period_end, date);
    } else if (id->year) {
      const int y = static_cast<int>(date.year());
      plausible = y == *id->year ||
                  (y == *id->year + 1 && date.month() == std::chrono::January);
    }
    if (plausible) {
      id->published = date;
      return;
    }
    warnings->push_back(
        "page date " + FormatDate(date) +
        " is not this bulletin's publication date (a repost?); ignored");
  }
}

}  // namespace

Identity ReadIdentity(const Document& doc, const Layout& layout,
                      std::vector<std::string>* warnings) {
  Identity id;
  id.url = doc.url;
  ReadTitle(doc, layout, &id);
  if (!doc.published.empty()) {
    id.published = ParseDateString(doc.published);
    if (!id.published) {
      warnings->push_back("publication date '" + doc.published +
                          "' is not a date; ignored");
    }
  }
  const std::vector<Date> page_dates = PageDates(layout);
  SetPeriod(FindPeriod(id, layout, page_dates, warnings), &id, warnings);
  SetPublished(page_dates, &id, warnings);
  if (!id.year && id.published && !id.kind.empty() && !id.issue) {
    id.year = static_cast<int>(id.published->year());
  }
  return id;
}

}  // namespace cncert
