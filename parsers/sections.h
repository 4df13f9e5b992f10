// Splits normalized text into the bulletin's sections and joins the lines of
// each section into running text, so that a sentence broken across lines (PDF,
// HTML markup) reads as one.
#ifndef CNCERT_PARSERS_SECTIONS_H_
#define CNCERT_PARSERS_SECTIONS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/rules.h"

namespace cncert {

struct SectionSpan {
  std::string name;       // a section of the rules, "lead" (before the first
                          // heading) or "body" (a text without headings)
  std::size_t begin = 0;  // byte span of the section's text in Layout::text
  std::size_t end = 0;
  bool extract = true;
};

struct Layout {
  std::string text;
  std::vector<SectionSpan> sections;
  bool has_headings = false;

  std::string_view Text(const SectionSpan& s) const {
    return std::string_view(text).substr(s.begin, s.end - s.begin);
  }
};

Layout SegmentSections(std::string_view normalized, const RuleSet& rules);

}  // namespace cncert

#endif  // CNCERT_PARSERS_SECTIONS_H_
