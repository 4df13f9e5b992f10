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

#include "exporter/ocr/ocr_engine.h"
#include "exporter/ocr/ocr_service.h"
#include "parsers/parser.h"

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

// The images' text from the cache (a warm one: the first run fills it).
void BM_ParseWithCachedImages(benchmark::State& state) {
  const std::string cache =
      std::filesystem::temp_directory_path() / "cncert_ocr_benchmark_cache";
  std::string error;
  auto service = OcrService::Create(g_dir, cache, ImageOptions{},
                                    OcrService::Mode::kInline, nullptr, &error);
  if (!service) {
    state.SkipWithError(error.c_str());
    return;
  }
  const std::string path = g_dir + "/" + kName + ".md";
  const std::string bytes = Read(path);
  const auto rules = DefaultRules();
  {
    const auto reader = service->ForFile(path);
    ParseBulletin(bytes, *rules, {32u << 20, reader.get()});  // warm up
  }
  std::size_t values = 0;
  for (auto _ : state) {
    const auto reader = service->ForFile(path);
    const Bulletin b = ParseBulletin(bytes, *rules, {32u << 20, reader.get()});
    values = b.values.size();
  }
  state.counters["figures"] = static_cast<double>(values);
}

// The same bulletin as text: its image sections typed out.
void BM_ParseSameBulletinAsText(benchmark::State& state) {
  std::string error;
  auto service = OcrService::Create(g_dir, "", ImageOptions{},
                                    OcrService::Mode::kInline, nullptr, &error);
  if (!service) {
    state.SkipWithError(error.c_str());
    return;
  }
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
                  &cncert::BM_ParseSameBulletinAsText}}) {
    auto* registered = benchmark::RegisterBenchmark(name, function)
                           ->Unit(benchmark::kMicrosecond);
    if (const char* n = std::getenv("OCR_BENCHMARK_ITERATIONS")) {
      registered->Iterations(std::atoll(n));
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
