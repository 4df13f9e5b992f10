// Writes N synthetic bulletins (invented figures) into DIR for the benchmark
// scripts: bench_corpus DIR N [text]  ("text": plain text only, for mtail).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/support/synthetic_archive.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_corpus DIR N [text]\n");
    return 2;
  }
  const int n = std::atoi(argv[2]);
  const bool text_only = argc > 3 && std::string(argv[3]) == "text";
  auto weeks = cncert::testing::MakeSyntheticWeeks(
      cncert::Date{std::chrono::year(2005), std::chrono::January,
                   std::chrono::day(3)},
      1, text_only ? 4 * n : n);
  if (text_only) {
    std::vector<cncert::testing::SyntheticWeek> texts;
    for (auto& w : weeks) {
      if (w.file_name.ends_with(".txt") || w.file_name.ends_with(".md"))
        texts.push_back(w);
      if (static_cast<int>(texts.size()) == n) break;
    }
    weeks = std::move(texts);
  }
  std::filesystem::create_directories(argv[1]);
  cncert::testing::WriteSyntheticArchive(argv[1], weeks);
  std::printf("%zu bulletins in %s\n", weeks.size(), argv[1]);
  return 0;
}
