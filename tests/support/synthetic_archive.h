// SYNTHETIC bulletins with known figures, for history, benchmark and dashboard
// tests: consecutive weeks in rotating channels (Markdown, PDF-like text, HTML,
// GBK HTML), all figures invented.
#ifndef CNCERT_TESTS_SUPPORT_SYNTHETIC_ARCHIVE_H_
#define CNCERT_TESTS_SUPPORT_SYNTHETIC_ARCHIVE_H_

#include <map>
#include <string>
#include <vector>

#include "parsers/bulletin.h"

namespace cncert::testing {

struct SyntheticWeek {
  Date period_start;
  Date period_end;
  Date published;
  int year = 0;  // the bulletin's year (of its period end)
  int issue = 0;
  std::string title;  // 网络安全信息与动态周报2019年第40期（9月30日-10月6日）
  std::string body;  // the sections' text, one paragraph per line
  std::string file_name;
  std::string content;                    // the file's bytes
  std::map<std::string, double> figures;  // series key → value
};

// `weeks` consecutive bulletins starting with the week of `first_monday`.
// `issue_of_first` is the issue number of that week.
std::vector<SyntheticWeek> MakeSyntheticWeeks(Date first_monday,
                                              int issue_of_first, int weeks);

// Writes them into `dir`.
void WriteSyntheticArchive(const std::string& dir,
                           const std::vector<SyntheticWeek>& weeks);

}  // namespace cncert::testing

#endif  // CNCERT_TESTS_SUPPORT_SYNTHETIC_ARCHIVE_H_
