// A PDF of plain text lines, Chinese included, for fetch tests that need
// many distinct PDF bulletins: one non-embedded CJK font whose codes are
// the characters' Unicode values, mapped back by a ToUnicode CMap, so that
// poppler extracts exactly the text written.
#ifndef CNCERT_TESTS_SUPPORT_TINY_PDF_H_
#define CNCERT_TESTS_SUPPORT_TINY_PDF_H_

#include <string>

namespace cncert::testing {

// `text`: UTF-8, lines separated by '\n' and wrapped at 40 characters.
std::string MakeTextPdf(const std::string& text);

// Hostile PDFs for the reader's budget: one page showing `glyphs` short
// strings (poppler keeps each in its text layout: ~40 MB for 50,000), and
// `pages` pages that share one content stream (100,000 take poppler over
// 128 MB).
std::string MakeManyGlyphsPdf(int glyphs);
std::string MakeManyPagesPdf(int pages);

}  // namespace cncert::testing

#endif  // CNCERT_TESTS_SUPPORT_TINY_PDF_H_
