// Marks that open a line (Markdown's "## " and "> "), removed where they
// stand, by a pattern asked only at the lines that can hold one.
#ifndef CNCERT_PARSERS_LINE_MARKS_H_
#define CNCERT_PARSERS_LINE_MARKS_H_

#include <re2/re2.h>

#include <string>

namespace cncert {

// What RE2::GlobalReplace(text, mark, "") leaves, for a `mark` of the form
// "(?m)^[ \t]{0,3}<lead>…" whose matches stay within their line: RE2 is
// asked, anchored, at each line whose first character after at most three
// blanks is `lead`, instead of being searched through the whole text.
std::string StripLineMarks(const std::string& text, const RE2& mark, char lead);

}  // namespace cncert

#endif  // CNCERT_PARSERS_LINE_MARKS_H_
