// Splits normalized text into the bulletin's sections and joins the lines of
// each section into running text, so that a sentence broken across lines (PDF,
// HTML markup) reads as one.
#ifndef CNCERT_PARSERS_SECTIONS_H_
#define CNCERT_PARSERS_SECTIONS_H_

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parsers/interned.h"
#include "parsers/rules.h"

namespace cncert {

struct SectionSpan {
  Name name;              // a section of the rules, "lead" (before the first
                          // heading) or "body" (a text without headings)
  std::size_t begin = 0;  // byte span of the section's text in Layout::text
  std::size_t end = 0;
  bool extract = true;
};

// A stretch of Layout::text copied from the input of SegmentSections.
struct TextPiece {
  std::size_t begin = 0;        // in Layout::text
  std::size_t input_begin = 0;  // in the input
  std::size_t length = 0;
};

struct Layout {
  std::string text;
  std::vector<SectionSpan> sections;
  bool has_headings = false;
  std::vector<TextPiece> pieces;  // in order of `begin`
  // Byte spans of `text` read from images (set by the parser).
  std::vector<std::pair<std::size_t, std::size_t>> image_spans;

  // The input offset of `offset` in `text`; nullopt where the text was not
  // copied from the input (line breaks inserted by joining).
  std::optional<std::size_t> InputOffset(std::size_t offset) const;
  bool InImage(std::size_t begin, std::size_t end) const;

  std::string_view Text(const SectionSpan& s) const {
    return std::string_view(text).substr(s.begin, s.end - s.begin);
  }
};

// What SegmentSections makes of one line of normalized text (neither empty
// nor kHardBreak): worked out once per line, where the line was read before
// (SpliceImages) or kept with an image's text.
struct LineVerdict {
  std::size_t begin = 0;  // the line's offset in the input
  bool caption = false;   // a figure's caption: left out
  int section = -1;       // index in RuleSet::sections of the section it opens
  std::size_t heading_length = 0;  // of the heading; running text may follow
};

// Whether `text` ends a sentence. SegmentSections glues a line of running
// text to the text before it when that does not: Chinese text has no
// spaces, and PDF wrapping splits its Latin tokens ("I" / "P地址").
bool EndsSentence(std::string_view text);

// The verdict on `line`, whose offset is `begin`.
LineVerdict ReadLineVerdict(std::string_view line, std::size_t begin,
                            const RuleSet& rules);

// A line that is kHardBreak (parsers/images.h) ends running text there.
// `known` holds verdicts on some of the lines of `normalized`, in order of
// `begin`: the rest are worked out.
Layout SegmentSections(std::string_view normalized, const RuleSet& rules,
                       std::span<const LineVerdict> known = {});

// The section that `line` (of normalized text) opens as SegmentSections
// reads it, or null when it is no heading.
const SectionDef* OpensSection(std::string_view line, const RuleSet& rules);

}  // namespace cncert

#endif  // CNCERT_PARSERS_SECTIONS_H_
