// The image paths: reading one bulletin image with Tesseract, and parsing a
// WeChat-style bulletin whose images are all in the OCR cache, against the
// same bulletin with its sections typed as text. The cache-hit path should
// cost about what a text bulletin costs.
//   ocr_benchmark FIXTURES_DIR   (tests/fixtures/images/make_images.py output)
// With OCR_BENCHMARK_ITERATIONS=N each benchmark runs N iterations exactly
// (bench/instructions_per_parse.sh counts instructions that way).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "exporter/base/digest.h"
#include "exporter/ocr/ocr_cache.h"
#include "exporter/ocr/ocr_engine.h"
#include "exporter/ocr/ocr_service.h"
#include "parsers/image_lines.h"
#include "parsers/normalize.h"
#include "parsers/parser.h"
#include "parsers/sections.h"
#include "parsers/strings.h"

namespace cncert {
namespace {

std::string g_dir;
const char* const kName = "report_1080_wqy_zenhei_005";

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Filled by the first run of BM_ParseWithCachedImages.
std::string CacheDir() {
  return std::filesystem::temp_directory_path() / "cncert_ocr_benchmark_cache";
}

void BM_OcrOneImage(benchmark::State& state) {
  std::string error;
  auto engine = OcrEngine::Create(&error);
  if (!engine) {
    state.SkipWithError(error.c_str());
    return;
  }
  const std::string image = Read(g_dir + "/" + kName + "_files/" +
                                 std::to_string(state.range(0)) + ".png");
  for (auto _ : state) benchmark::DoNotOptimize(engine->Read(image));
}
BENCHMARK(BM_OcrOneImage)->DenseRange(1, 3)->Unit(benchmark::kMillisecond);

// The fixtures' OCR service with `cache`; null (and the benchmark skipped)
// without Tesseract's data.
std::unique_ptr<OcrService> Service(benchmark::State& state,
                                    const std::string& cache) {
  std::string error;
  auto service = OcrService::Create(g_dir, cache, ImageOptions{},
                                    OcrService::Mode::kInline, nullptr, &error);
  if (!service) state.SkipWithError(error.c_str());
  return service;
}

// The bulletin the parse benchmarks read.
struct Fixture {
  std::string path = g_dir + "/" + kName + ".md";
  std::string bytes = Read(path);
  std::shared_ptr<const RuleSet> rules = DefaultRules();
};

// The images' text from the cache (a warm one: the first run fills it).
void BM_ParseWithCachedImages(benchmark::State& state) {
  const auto service = Service(state, CacheDir());
  if (!service) return;
  const Fixture f;
  // As `serve` parses it again (a reload, another image's result): in a
  // scan of the archive, which first reads what changed on disk.
  service->StartScan(false);
  {
    const auto reader = service->ForFile(f.path);
    ParseBulletin(f.bytes, *f.rules, {32u << 20, reader.get()});  // warm up
  }
  std::size_t values = 0;
  for (auto _ : state) {
    const auto reader = service->ForFile(f.path);
    const Bulletin b =
        ParseBulletin(f.bytes, *f.rules, {32u << 20, reader.get()});
    values = b.values.size();
  }
  state.counters["figures"] = static_cast<double>(values);
}

// The same bulletin as text: its image sections typed out.
void BM_ParseSameBulletinAsText(benchmark::State& state) {
  const auto service = Service(state, "");
  if (!service) return;
  const std::string path = g_dir + "/" + kName + ".md";
  const auto reader = service->ForFile(path);
  const auto rules = DefaultRules();
  const Bulletin b =
      ParseBulletin(Read(path), *rules, {32u << 20, reader.get()});
  // The normalized text with the image lines in place.
  const std::string text = b.text;
  std::size_t values = 0;
  for (auto _ : state) {
    values = ParseBulletin(text, *rules).values.size();
  }
  state.counters["figures"] = static_cast<double>(values);
}

// The recognised lines of an image typed as a person would: paragraphs as
// the parser joins the lines, a heading on a line of its own.
std::string TypedLines(const ImageLines& lines, const RuleSet& rules) {
  std::string out = "\n\n";
  std::string paragraph;
  const auto flush = [&] {
    if (!paragraph.empty()) out += paragraph + "\n\n";
    paragraph.clear();
  };
  for (std::size_t l = 0; l < lines.lines.size(); ++l) {
    const ImageLines::Line& line = lines.lines[l];
    if (lines.BlockEndsBefore(l)) flush();
    const std::string text =
        lines.text.substr(line.begin, line.end - line.begin);
    if (OpensSection(text, rules)) {
      flush();
      out += text + "\n\n";
      continue;
    }
    for (const std::string_view end : {"。", ";", ":", "!", "?"}) {
      if (paragraph.ends_with(end)) flush();
    }
    paragraph += text;
  }
  flush();
  return out;
}

// The figures of `b` with the sentences they were read from.
std::string Figures(const Bulletin& b) {
  std::string out;
  for (const Value& v : b.values) {
    out += InternedSeriesKey(v.metric, v.labels) + " " + FormatNumber(v.value) +
           " " + std::string(SentenceAround(b, v.provenance)) + "\n";
  }
  return out;
}

// The same bulletin as a text bulletin: the Markdown file with each image
// that is read replaced by its text, typed. It must state the same figures
// in the same sentences.
void BM_ParseSameBulletinTyped(benchmark::State& state) {
  const auto service = Service(state, CacheDir());
  if (!service) return;
  const Fixture f;
  const auto& rules = f.rules;
  const auto reader = service->ForFile(f.path);
  const Bulletin cached =
      ParseBulletin(f.bytes, *rules, {32u << 20, reader.get()});
  std::string typed = f.bytes;
  for (const ImageUse& use : cached.images) {
    if (use.status != ImageStatus::kRead) continue;
    const ImageLookup lookup = reader->Read({use.src, ""});
    const std::string marker = "![](" + use.src + ")";
    const auto at = typed.find(marker);
    if (at != std::string::npos && lookup.lines) {
      typed.replace(at, marker.size(), TypedLines(*lookup.lines, *rules));
    }
  }
  if (Figures(ParseBulletin(typed, *rules)) != Figures(cached)) {
    state.SkipWithError("the typed bulletin states other figures");
    return;
  }
  std::size_t values = 0;
  for (auto _ : state) {
    values = ParseBulletin(typed, *rules).values.size();
  }
  state.counters["figures"] = static_cast<double>(values);
}

// A restart: the bulletin's images are in the OCR cache on disk and their
// files known to it, but not yet to this process. kCopies copies of the
// bulletin with images of their own bytes, parsed in turn by a new service
// each round; more images than the parser keeps prepared.
constexpr int kCopies = 100;

std::string RestartArchive() {
  static const std::string dir = [] {
    std::string root =
        std::filesystem::temp_directory_path() / "cncert_ocr_benchmark_restart";
    std::filesystem::remove_all(root);
    std::string error;
    const auto engine = OcrEngine::Create(&error);
    auto service =
        OcrService::Create(g_dir, CacheDir(), ImageOptions{},
                           OcrService::Mode::kInline, nullptr, &error);
    if (!engine || !service) return std::string();
    const OcrCache cache(root + "/.cncert-ocr", engine->version());
    const OcrCache source(CacheDir(), engine->version());
    const std::string md = Read(g_dir + "/" + kName + ".md");
    const auto reader = service->ForFile(g_dir + "/" + kName + ".md");
    for (int copy = 0; copy < kCopies; ++copy) {
      const std::string at = root + "/" + std::to_string(copy);
      std::filesystem::create_directories(at + "/" + kName + "_files");
      WriteFile(at + "/" + kName + ".md", md);
      for (int image = 1; image <= 3; ++image) {
        const std::string src =
            std::string(kName) + "_files/" + std::to_string(image) + ".png";
        // Bytes after a PNG's end are not read: the same picture.
        const std::string original = Read(g_dir + "/" + src);
        const std::string bytes = original + "copy " + std::to_string(copy);
        WriteFile(at + "/" + src, bytes);
        // Read (once, then cached) to have its result.
        if (!reader->Read({src, ""}).lines) return std::string();
        const auto result = source.Load(Sha256Hex(original));
        if (!result) return std::string();
        cache.Store(Sha256Hex(bytes), *result);
      }
    }
    return root;
  }();
  return dir;
}

void BM_ParseAfterRestart(benchmark::State& state) {
  const std::string root = RestartArchive();
  if (root.empty()) {
    state.SkipWithError("cannot make the archive (is the OCR cache warm?)");
    return;
  }
  const auto rules = DefaultRules();
  const std::string md = Read(root + "/0/" + kName + ".md");
  std::unique_ptr<OcrService> service;
  const auto restart = [&] {
    std::string error;
    service = OcrService::Create(root, root + "/.cncert-ocr", ImageOptions{},
                                 OcrService::Mode::kInline, nullptr, &error);
  };
  // A first round hashes each image once and remembers its file.
  restart();
  for (int copy = 0; copy < kCopies; ++copy) {
    const auto reader =
        service->ForFile(root + "/" + std::to_string(copy) + "/x.md");
    ParseBulletin(md, *rules, {32u << 20, reader.get()});
  }
  std::size_t values = 0;
  int copy = 0;
  for (auto _ : state) {
    if (copy == 0) {
      state.PauseTiming();
      restart();
      state.ResumeTiming();
    }
    const auto reader =
        service->ForFile(root + "/" + std::to_string(copy) + "/x.md");
    values = ParseBulletin(md, *rules, {32u << 20, reader.get()}).values.size();
    copy = (copy + 1) % kCopies;
  }
  state.counters["figures"] = static_cast<double>(values);
}

}  // namespace
}  // namespace cncert

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: ocr_benchmark FIXTURES_DIR [benchmark flags]\n"
                 "(FIXTURES_DIR from tests/fixtures/images/make_images.py)\n");
    return 2;
  }
  cncert::g_dir = argv[1];
  for (auto [name, function] :
       {std::pair{"BM_ParseWithCachedImages",
                  &cncert::BM_ParseWithCachedImages},
        std::pair{"BM_ParseSameBulletinAsText",
                  &cncert::BM_ParseSameBulletinAsText},
        std::pair{"BM_ParseSameBulletinTyped",
                  &cncert::BM_ParseSameBulletinTyped},
        std::pair{"BM_ParseAfterRestart", &cncert::BM_ParseAfterRestart}}) {
    auto* registered = benchmark::RegisterBenchmark(name, function)
                           ->Unit(benchmark::kMicrosecond);
    if (const char* n = std::getenv("OCR_BENCHMARK_ITERATIONS")) {
      registered->Iterations(std::atoll(n));
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
