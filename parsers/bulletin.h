// The result of parsing one file: identity, figures with provenance, warnings.
#ifndef CNCERT_PARSERS_BULLETIN_H_
#define CNCERT_PARSERS_BULLETIN_H_

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/failure.h"
#include "parsers/images.h"
#include "parsers/interned.h"

namespace cncert {

using Date = std::chrono::year_month_day;

// "2024-07-15".
std::string FormatDate(const Date& date);
// A valid date of the bulletin's era (2000–2100), else nullopt.
std::optional<Date> MakeDate(int year, int month, int day);
// The first date written as 2024-07-15, 2024.07.15, 2024/7/15 or 2024年7月15日
// in `text`.
std::optional<Date> FindDate(std::string_view text);
// Seconds since the epoch at 00:00 China Standard Time (UTC+8) of `date`,
// the time zone in which CNCERT states its periods.
long long DateToUnixSeconds(const Date& date);

// Where a value came from: the rule that produced it and the text it matched
// (kept as offsets into the bulletin's text: MatchedText, SentenceAround).
// Offsets are 32 bits: files are capped far below 4 GB, and an archive
// keeps one Provenance per value.
struct Provenance {
  static constexpr std::uint16_t kTyped = 0xFFFF;
  // Which of the rule's patterns matched, from 1 (kMaxPatternsPerRule).
  std::uint16_t pattern = 0;
  // Read from an image: the figure's recognised line(s), as the bulletin's
  // image_lines[image_line] tells them (ImageLine()).
  std::uint16_t image_line = 0;
  // Read from an image: which one, the bulletin's images[image] (ImageOf());
  // kTyped for typed text. An index, not a name or a pointer: most figures
  // are typed, and every figure of an archive is kept.
  std::uint16_t image = kTyped;
  // Read from an image: the OCR confidence (0–100) of the figure's words;
  // NaN for typed text.
  float image_confidence = std::numeric_limits<float>::quiet_NaN();
  Name section;             // section of the bulletin the text lies in
  std::uint32_t begin = 0;  // byte span of the match in the normalized text
  std::uint32_t end = 0;
  std::uint32_t value_begin = 0;  // byte span of the figure itself
  std::uint32_t value_end = 0;

  bool read_from_image() const { return image != kTyped; }
  std::optional<double> confidence() const {
    if (std::isnan(image_confidence)) return std::nullopt;
    return image_confidence;
  }
};

// A recognised line of an image that a figure was read from: a span of the
// bulletin's text, where most lines stand whole (a copy of each was a
// quarter of an image bulletin's memory), `end` marked with kGoesOn where
// the figure's next line follows; or, where `end` is kKept,
// Bulletin::image_kept[begin]: lines reshaped by the layout, joined by line
// breaks.
struct ImageLineSpan {
  static constexpr std::uint32_t kKept = 0xFFFFFFFF;
  static constexpr std::uint32_t kGoesOn = 0x80000000;
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};

// An image of the bulletin and what became of it.
struct ImageUse {
  std::string src;
  ImageStatus status = ImageStatus::kSkipped;
  std::string reason;
  int figures = 0;  // values served from it
};

struct Value {
  Name metric;
  LabelSet labels;
  double value = 0;
  Provenance provenance;
};

// "cncert_defaced_websites/1": the rule (named by its metric) and pattern
// that produced `v`.
std::string RuleName(const Value& v);

// Prometheus series notation with labels sorted by name: name{a="x",b="y"};
// values that are not UTF-8 are percent-encoded.
std::string SeriesKey(const std::string& metric, const Labels& labels);
// The same for interned names and labels (a value's), worked out once per
// thread and kept: there are as few as the rules have series.
const std::string& InternedSeriesKey(const Name& metric,
                                     const LabelSet& labels);

struct Identity {
  std::string kind;  // "cncert_weekly" when the file is a weekly bulletin
  std::string title;
  std::string url;
  std::optional<int> year;
  std::optional<int> issue;
  std::optional<Date> period_start;
  std::optional<Date> period_end;
  std::optional<Date> published;

  // "2024-29"; without an issue number the period start "2014-02-03", else "".
  std::string IssueLabel() const;
};

struct Bulletin {
  Identity identity;
  std::string format;    // "markdown", "html", "text", "pdf"
  std::string encoding;  // "UTF-8", "GB18030"
  std::vector<Value> values;
  std::vector<ImageUse> images;
  // The recognised lines of the figures read from images (Provenance).
  std::vector<ImageLineSpan> image_lines;
  std::vector<std::string> image_kept;
  std::vector<std::string> warnings;
  std::vector<std::string> errors;
  Failure failure = Failure::kNone;  // why, when !ok()
  // The text ends mid-sentence: the file was most likely cut off.
  bool truncated = false;
  std::string text;  // normalized text the provenance spans refer to

  bool ok() const { return errors.empty(); }
  const Value* Find(std::string_view metric, const Labels& labels = {}) const;
};

// The text a value matched, and the whole sentence around it: from the
// previous "。" or line break to the next. Empty when the bulletin no longer
// holds its text.
std::string_view MatchedText(const Bulletin& b, const Provenance& p);
std::string_view SentenceAround(const Bulletin& b, const Provenance& p);
// The recognised line(s) a figure read from an image stands on, joined by
// line breaks; empty for typed text.
std::string ImageLine(const Bulletin& b, const Provenance& p);
// The image (its src) that a figure was read from; "" for typed text.
const std::string& ImageOf(const Bulletin& b, const Provenance& p);

}  // namespace cncert

#endif  // CNCERT_PARSERS_BULLETIN_H_
