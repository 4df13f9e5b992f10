// Marks that open a line (Markdown's "## " and "> "), removed where they
// stand, by a pattern asked only at the lines that can hold one.
#ifndef CNCERT_PARSERS_LINE_MARKS_H_
#define CNCERT_PARSERS_LINE_MARKS_H_

#include <re2/re2.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace cncert {

// What RE2::GlobalReplace(text, mark, "") leaves, for a `mark` of the form
// "(?m)^[ \t]{0,3}<lead>…" whose matches stay within their line: RE2 is
// asked, anchored, at each line whose first character after at most three
// blanks is `lead`, instead of being searched through the whole text.
std::string StripLineMarks(const std::string& text, const RE2& mark, char lead);

// The length of the decoration and numbering before a heading in `line`
// (valid UTF-8): "● ", "一、", "(二)", "3.", "第一部分:" and the blanks after
// them. Reads what the expression
//   ^[#*●■◆▶>\s]*(?:[一-十]+[、.]|\([一-十\d]+\)|\d+[、.)]|第[一-十\d]+部分[:、]?)?\s*
// (一-十 the numerals one to ten) consumes, character by character: every
// line of a bulletin is asked, most of them short lines of figures read from
// charts.
std::size_t HeadingNumberingLength(std::string_view line);

}  // namespace cncert

#endif  // CNCERT_PARSERS_LINE_MARKS_H_
