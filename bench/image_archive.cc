// Writes an archive of WeChat-style bulletins whose images are all in its OCR
// cache, as a restart of `serve` finds it: COUNT copies of the fixtures'
// bulletins, each image with bytes of its own (a suffix after the PNG's end,
// which no decoder reads) and its text stored under its own hash. The
// fixtures' images are read once, through a cache of their own.
//   image_archive FIXTURES_DIR OUT_DIR COUNT [FIXTURES_CACHE_DIR]
// FIXTURES_DIR is tests/fixtures/images/make_images.py's output.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "exporter/base/digest.h"
#include "exporter/base/files.h"
#include "exporter/ocr/ocr_cache.h"
#include "exporter/ocr/ocr_engine.h"
#include "exporter/ocr/ocr_service.h"

namespace cncert {
namespace {

// The fixtures are small; an image that cannot be read stops the run.
std::string Read(const std::string& path) {
  FileContent file = ReadFileCapped(path, 64u << 20, FileOrigin::kOperator);
  if (!file.error.empty()) {
    std::fprintf(stderr, "image_archive: %s: %s\n", path.c_str(),
                 file.error.c_str());
    std::exit(1);
  }
  return std::move(file.bytes);
}

bool Write(const std::string& path, const std::string& bytes) {
  return WriteFileAtomically(path, bytes).ok();
}

// The fixtures' bulletins: each name, its Markdown and its images' sources.
struct Fixture {
  std::string name;
  std::string markdown;
  std::vector<std::string> images;  // "NAME_files/1.png", ...
};

std::vector<Fixture> Fixtures(const std::string& dir) {
  std::vector<Fixture> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto& path = entry.path();
    const std::string name = path.stem();
    if (path.extension() != ".md" || name == "bad") continue;
    Fixture f{name, Read(path), {}};
    const std::string files = dir + "/" + name + "_files";
    if (!std::filesystem::is_directory(files)) continue;
    for (const auto& image : std::filesystem::directory_iterator(files)) {
      f.images.push_back(name + "_files/" + image.path().filename().string());
    }
    std::sort(f.images.begin(), f.images.end());
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(),
            [](const Fixture& a, const Fixture& b) { return a.name < b.name; });
  return out;
}

// Every occurrence of `from` in `text` replaced by `to`.
std::string Replace(std::string text, const std::string& from,
                    const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

int Run(const std::string& fixtures, const std::string& out, int count,
        const std::string& fixtures_cache) {
  std::string error;
  const auto engine = OcrEngine::Create(&error);
  const auto service =
      OcrService::Create(fixtures, fixtures_cache, ImageOptions{},
                         OcrService::Mode::kInline, nullptr, &error);
  if (!engine || !service) {
    std::fprintf(stderr, "image_archive: %s\n", error.c_str());
    return 1;
  }
  const std::vector<Fixture> all = Fixtures(fixtures);
  if (all.empty()) {
    std::fprintf(stderr, "image_archive: no bulletins in %s\n",
                 fixtures.c_str());
    return 1;
  }
  // Each fixture image's bytes and text, read once.
  std::map<std::string, std::pair<std::string, OcrResult>> read;
  const OcrCache fixtures_results(fixtures_cache, engine->version());
  for (const Fixture& f : all) {
    const auto reader = service->ForFile(fixtures + "/" + f.name + ".md");
    for (const std::string& src : f.images) {
      const ImageLookup lookup = reader->Read({src, ""});
      std::string bytes = Read(fixtures + "/" + src);
      const auto result = fixtures_results.Load(Sha256Hex(bytes));
      if (!lookup.lines || !result) {
        std::fprintf(stderr, "image_archive: cannot read %s: %s\n", src.c_str(),
                     lookup.reason.c_str());
        return 1;
      }
      read[src] = {std::move(bytes), *result};
    }
  }
  const OcrCache cache(out + "/.cncert-ocr", engine->version());
  std::filesystem::create_directories(out);
  std::size_t images = 0;
  for (int copy = 0; copy < count; ++copy) {
    const Fixture& f = all[static_cast<std::size_t>(copy) % all.size()];
    const std::string name = "c" + std::to_string(copy) + "-" + f.name;
    std::filesystem::create_directories(out + "/" + name + "_files");
    for (const std::string& src : f.images) {
      const auto& [bytes, result] = read.at(src);
      const std::string own = bytes + "copy " + std::to_string(copy);
      const std::string path =
          out + "/" + name + src.substr(f.name.size());  // "_files/1.png"
      if (!Write(path, own)) {
        std::fprintf(stderr, "image_archive: cannot write %s\n", path.c_str());
        return 1;
      }
      cache.Store(Sha256Hex(own), result);
      ++images;
    }
    if (!Write(out + "/" + name + ".md",
               Replace(f.markdown, f.name + "_files/", name + "_files/"))) {
      std::fprintf(stderr, "image_archive: cannot write %s\n", name.c_str());
      return 1;
    }
  }
  std::printf("%d bulletins, %zu images\n", count, images);
  return 0;
}

}  // namespace
}  // namespace cncert

int main(int argc, char** argv) {
  if (argc < 4 || std::atoi(argv[3]) <= 0) {
    std::fprintf(stderr,
                 "usage: image_archive FIXTURES_DIR OUT_DIR COUNT "
                 "[FIXTURES_CACHE_DIR]\n");
    return 2;
  }
  const std::string cache = argc > 4 ? argv[4]
                                     : (std::filesystem::temp_directory_path() /
                                        "cncert_ocr_benchmark_cache")
                                           .string();
  return cncert::Run(argv[1], argv[2], std::atoi(argv[3]), cache);
}
