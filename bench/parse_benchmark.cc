// Hot paths: parsing bulletins, rendering the live exposition, the backfill
// history and `parse`'s JSON of an archive of 1,000 bulletins.
#include <benchmark/benchmark.h>

#include <map>

#include "exporter/archive/archive.h"
#include "exporter/metrics/bulletin_metrics.h"
#include "exporter/metrics/exposition.h"
#include "parsers/bulletin_json.h"
#include "parsers/bulletin_json_text.h"
#include "parsers/normalize.h"
#include "parsers/parser.h"
#include "parsers/rules.h"
#include "tests/support/synthetic_archive.h"
#include "tests/support/tiny_pdf.h"

namespace cncert {
namespace {

const std::vector<testing::SyntheticWeek>& Corpus() {
  static const auto* const weeks =
      new std::vector<testing::SyntheticWeek>(testing::MakeSyntheticWeeks(
          Date{std::chrono::year(2005), std::chrono::January,
               std::chrono::day(3)},
          1, 1000));
  return *weeks;
}

// Parses all 1,000 bulletins once per iteration (mixed Markdown, text, HTML,
// GBK HTML).
void BM_Parse1000Bulletins(benchmark::State& state) {
  const auto& corpus = Corpus();
  const auto rules = DefaultRules();
  std::size_t bytes = 0;
  for (const auto& w : corpus) bytes += w.content.size();
  for (auto _ : state) {
    for (const auto& w : corpus)
      benchmark::DoNotOptimize(ParseBulletin(w.content, *rules));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(
      static_cast<int64_t>(state.iterations() * corpus.size()));
}
BENCHMARK(BM_Parse1000Bulletins)->Unit(benchmark::kMillisecond);

// One channel at a time, on one core: the same weeks as plain text,
// Markdown, HTML (UTF-8 and GBK) and PDF (text written into a PDF).
enum Channel { kText, kMarkdown, kHtml, kPdf };

const std::vector<std::string>& ChannelCorpus(Channel channel) {
  static std::map<Channel, std::vector<std::string>> cache;
  auto& files = cache[channel];
  if (!files.empty()) return files;
  for (const auto& w : Corpus()) {
    const bool text = w.file_name.ends_with(".txt");
    if (channel == kText && text) files.push_back(w.content);
    if (channel == kMarkdown && w.file_name.ends_with(".md"))
      files.push_back(w.content);
    if (channel == kHtml && w.file_name.ends_with(".html"))
      files.push_back(w.content);
    if (channel == kPdf && text)
      files.push_back(testing::MakeTextPdf(w.content));
  }
  return files;
}

void BM_ParseChannel(benchmark::State& state) {
  const auto& files = ChannelCorpus(static_cast<Channel>(state.range(0)));
  const auto rules = DefaultRules();
  std::size_t bytes = 0;
  for (const auto& f : files) bytes += f.size();
  for (auto _ : state) {
    for (const auto& f : files)
      benchmark::DoNotOptimize(ParseBulletin(f, *rules));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(
      static_cast<int64_t>(state.iterations() * files.size()));
}
BENCHMARK(BM_ParseChannel)
    ->ArgName("text_md_html_pdf")
    ->Arg(kText)
    ->Arg(kMarkdown)
    ->Arg(kHtml)
    ->Arg(kPdf)
    ->Unit(benchmark::kMillisecond);

// A hostile paragraph: a wording's start repeated N times and what would
// complete it only past the paragraph's end. Each start once made a search
// to the end (quadratic: 38 s for 8,000); now the paragraph bounds it.
void BM_ParseRepeatedWordingStarts(benchmark::State& state) {
  std::string md =
      "---\ntitle: 网络安全信息与动态周报2024年第29期（7月15日-7月21日）\n---"
      "\n\n本周网站安全情况\n\n";
  for (int64_t i = 0; i < state.range(0); ++i) md += "本周境内被篡改政府网站";
  md += "!\n较上周环比增长了5%。\n";
  const auto rules = DefaultRules();
  for (auto _ : state) benchmark::DoNotOptimize(ParseBulletin(md, *rules));
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_ParseRepeatedWordingStarts)
    ->RangeMultiplier(4)
    ->Range(500, 8000)
    ->Complexity()
    ->Unit(benchmark::kMillisecond);

// The anchored tries of extraction, by RE2 (0) and by the rules' own
// matcher (1): every place in 50 normalized bulletins where a pattern's
// literal prefix occurs, each try ending where extraction ends it.
struct AnchoredTry {
  const Pattern* pattern;
  const std::string* text;
  std::size_t at;
  std::size_t stop;
};

const std::vector<AnchoredTry>& AnchoredTries() {
  static const auto* const tries = [] {
    auto* texts = new std::vector<std::string>();
    for (std::size_t i = 0; i < 50; ++i)
      texts->push_back(NormalizeText(Corpus()[i].body));
    auto* out = new std::vector<AnchoredTry>();
    for (const Rule& rule : DefaultRules()->rules) {
      for (const Pattern& pattern : rule.patterns) {
        for (const std::string& text : *texts) {
          for (const std::string& literal : pattern.literal_prefixes) {
            for (std::size_t at = text.find(literal); at != std::string::npos;
                 at = text.find(literal, at + 1)) {
              // The line, or the paragraph: a line break after ';'
              // does not end it.
              std::size_t stop = text.find('\n', at);
              while (pattern.may_cross_lines && stop != std::string::npos &&
                     stop > 0 && text[stop - 1] == ';') {
                stop = text.find('\n', stop + 1);
              }
              if (stop == std::string::npos) stop = text.size();
              out->push_back({&pattern, &text, at, stop});
            }
          }
        }
      }
    }
    return out;
  }();
  return *tries;
}

void BM_AnchoredTries(benchmark::State& state) {
  const bool own = state.range(0) == 1;
  const auto& tries = AnchoredTries();
  std::vector<re2::StringPiece> groups(8);
  std::size_t matched = 0;
  for (auto _ : state) {
    matched = 0;
    for (const auto& t : tries) {
      const int n = t.pattern->groups_needed;
      const bool hit =
          own ? t.pattern->anchored->Match(*t.text, t.at, t.stop, groups.data(),
                                           n) ==
                    AnchoredMatcher::Outcome::kMatch
              : t.pattern->regex().Match(*t.text, t.at, t.stop,
                                         RE2::ANCHOR_START, groups.data(), n);
      matched += hit ? 1 : 0;
    }
    benchmark::DoNotOptimize(matched);
  }
  state.counters["matched"] = static_cast<double>(matched);
  state.SetItemsProcessed(
      static_cast<int64_t>(state.iterations() * tries.size()));
}
BENCHMARK(BM_AnchoredTries)->ArgName("re2_own")->Arg(0)->Arg(1);

// Compiling the embedded rules: every `parse` and every start pays it once.
void BM_LoadDefaultRules(benchmark::State& state) {
  const std::string_view json = DefaultRulesJson();
  for (auto _ : state) {
    std::vector<RuleError> errors;
    benchmark::DoNotOptimize(LoadRulesJson(json, "<default>", &errors));
  }
}
BENCHMARK(BM_LoadDefaultRules)->Unit(benchmark::kMillisecond);

void BM_NormalizeOneBulletin(benchmark::State& state) {
  const std::string& text = Corpus()[1].content;
  for (auto _ : state) benchmark::DoNotOptimize(NormalizeText(text));
}
BENCHMARK(BM_NormalizeOneBulletin);

struct ParsedArchive {
  std::vector<ArchiveFile> files;
  std::vector<const ArchiveFile*> bulletins;
};

const ParsedArchive& Parsed() {
  static const ParsedArchive* const archive = [] {
    auto* a = new ParsedArchive;
    for (const auto& w : Corpus()) {
      a->files.push_back({w.file_name,
                          {},
                          std::make_shared<Bulletin>(
                              ParseBulletin(w.content, *DefaultRules()))});
    }
    for (const auto& f : a->files) a->bulletins.push_back(&f);
    return a;
  }();
  return *archive;
}

void BM_RenderLiveExposition(benchmark::State& state) {
  const auto& archive = Parsed();
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        RenderText(LiveBulletinFamilies(archive.bulletins, *DefaultRules())));
  }
}
BENCHMARK(BM_RenderLiveExposition)->Unit(benchmark::kMicrosecond);

void BM_RenderBackfill1000Bulletins(benchmark::State& state) {
  const auto& archive = Parsed();
  for (auto _ : state) {
    benchmark::DoNotOptimize(RenderOpenMetrics(HistoryBulletinFamilies(
        archive.bulletins, *DefaultRules(), HistoryOptions{})));
  }
}
BENCHMARK(BM_RenderBackfill1000Bulletins)->Unit(benchmark::kMillisecond);

// `parse`'s JSON of the 1,000 bulletins, with provenance: nlohmann's tree
// and its dump (0) against the text written straight out (1), the same bytes.
void BM_ParseJson1000Bulletins(benchmark::State& state) {
  const auto& archive = Parsed();
  const bool text = state.range(0) == 1;
  std::size_t bytes = 0;
  for (auto _ : state) {
    for (const auto& f : archive.files) {
      const std::string json =
          text ? BulletinJsonText(*f.bulletin, f.name, true, 1)
               : IndentedJson(BulletinToJson(*f.bulletin, f.name, true), 1);
      bytes += json.size();
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_ParseJson1000Bulletins)
    ->ArgName("tree_text")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cncert

BENCHMARK_MAIN();
