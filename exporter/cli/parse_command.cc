// cncert_exporter parse [--output json|text] FILE...: the parsers on files, per
// the contract in docs/metrics.md.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <utility>

#include "exporter/base/files.h"
#include "exporter/base/parallel.h"
#include "exporter/cli/commands.h"
#include "exporter/cli/image_flags.h"
#include "exporter/cli/parse_images.h"
#include "parsers/bulletin_json_text.h"
#include "parsers/parser.h"
#include "parsers/strings.h"

namespace cncert {

namespace {

constexpr std::size_t kMaxFileBytes = 32u << 20;

void PrintText(std::ostream& out, const std::string& file, const Bulletin& b) {
  out << file << ": " << (b.ok() ? "ok" : "FAILED") << "\n";
  for (const auto& e : b.errors) out << "  error: " << e << "\n";
  if (b.ok()) {
    const Identity& id = b.identity;
    out << "  bulletin: " << id.title << "\n";
    out << "  format " << b.format << ", encoding " << b.encoding;
    if (!id.IssueLabel().empty()) out << ", issue " << id.IssueLabel();
    if (id.period_start && id.period_end) {
      out << ", period " << FormatDate(*id.period_start) << " to "
          << FormatDate(*id.period_end);
    }
    if (id.published) out << ", published " << FormatDate(*id.published);
    out << "\n";
    if (!id.url.empty()) out << "  url: " << id.url << "\n";
  }
  for (const auto& v : b.values) {
    const Provenance& p = v.provenance;
    out << "  " << SeriesKey(v.metric, v.labels) << " = "
        << FormatNumber(v.value) << "\n      from \"" << MatchedText(b, p)
        << "\" (rule " << RuleName(v) << ", section " << p.section << ", bytes "
        << p.begin << "-" << p.end << ")\n"
        << "      in: " << SentenceAround(b, p) << "\n";
  }
  for (const auto& w : b.warnings) out << "  warning: " << w << "\n";
}

// Frees what `value` holds. Assigning it an empty one would not: a string
// keeps its buffer when given a short one (libstdc++ copies the characters
// in), so each bulletin's normalised text and JSON stayed to the end.
template <typename T>
void Release(T& value) {
  const T gone = std::move(value);
}

}  // namespace

void AddParseCommand(CLI::App& app, CommandRunner* run) {
  struct Options {
    std::vector<std::string> files;
    std::string output = "json";
    std::string rules;
    bool provenance = false;
    ImageFlags images;
    bool image_text = false;
  };
  auto opts = std::make_shared<Options>();
  opts->images.cache_dir = DefaultOcrCacheDir();
  auto* cmd = app.add_subcommand("parse",
                                 "Parse bulletin files (Markdown, HTML, PDF or "
                                 "text) and print their figures");
  cmd->add_option("files", opts->files, "Bulletin files")->required();
  cmd->add_option("--output", opts->output, "Output format")
      ->check(CLI::IsMember({"json", "text"}))
      ->capture_default_str();
  cmd->add_option("--rules", opts->rules,
                  "Extraction rules file replacing the embedded defaults");
  cmd->add_flag("--provenance", opts->provenance,
                "JSON: add each value's rule, section, span and sentence");
  AddImageFlags(cmd, &opts->images, /*with_cache=*/true);
  cmd->add_flag("--image-text", opts->image_text,
                "Print the text recognised in each image to stderr (for "
                "writing rules)");
  cmd->callback([run, opts] {
    *run = [opts]() -> int {
      const auto rules = LoadRulesOrDefault(opts->rules);
      if (!rules) return 2;
      const bool json = opts->output == "json";
      // Output goes out in large writes unless somebody watches it (glibc
      // takes a size only with a buffer, which stdio uses until exit).
      if (::isatty(1) == 0) {
        constexpr std::size_t kOutputBuffer = 1u << 16;
        static char* const buffer = new char[kOutputBuffer];
        std::setvbuf(stdout, buffer, _IOFBF, kOutputBuffer);
      }
      const auto images = MakeParseImages(opts->images, opts->image_text);
      auto parse = [&opts, &rules](const std::string& path,
                                   const ImageReader* reader) {
        Bulletin bulletin;
        const FileContent file =
            ReadFileCapped(path, kMaxFileBytes, FileOrigin::kOperator);
        if (!file.error.empty()) {
          bulletin.errors.push_back(file.error);
          bulletin.failure = file.failure;
          return bulletin;
        }
        ParseOptions options;
        options.max_bytes = kMaxFileBytes;
        options.min_ocr_confidence = opts->images.min_confidence;
        options.images = reader;
        return ParseBulletin(file.bytes, *rules, options);
      };
      // What is printed of each file, in the order given.
      struct Parsed {
        Bulletin bulletin;
        std::string json;  // set once final: the element of the array
        bool ok = false;
        bool parsed = false;
      };
      auto finish = [&opts](const std::string& path, Parsed& p) {
        p.ok = p.bulletin.ok();
        p.json = BulletinJsonText(p.bulletin, path, opts->provenance,
                                  /*depth=*/1);
        Release(p.bulletin);  // what is printed is not needed again
      };
      // Every file's text on all cores, and its JSON with it; then, in order
      // and one at a time, the files that reference images again with their
      // images (OCR and its progress line are not shared). Where the images
      // go with the whole command to another process (the front's), which
      // parses every file again, parsing stops at the first that has one.
      bool stop_at_images = opts->images.ocr && images->HandsOver();
      std::atomic<bool> images_found{false};
      std::vector<Parsed> parsed(opts->files.size());
      auto parse_text = [&](std::size_t i) {
        if (stop_at_images && images_found.load(std::memory_order_relaxed))
          return;
        Parsed& p = parsed[i];
        p.bulletin = parse(opts->files[i], nullptr);
        p.parsed = true;
        if (!p.bulletin.images.empty()) {
          images_found.store(true, std::memory_order_relaxed);
        } else if (json) {
          finish(opts->files[i], p);
        }
      };
      ParallelFor(parsed.size(), kMaxParseThreads, kFilesPerThread, parse_text);
      if (opts->images.ocr && images_found) {
        images->Start();
        // Not handed over after all: the files left are parsed here.
        stop_at_images = false;
        std::vector<std::size_t> left;
        for (std::size_t i = 0; i < parsed.size(); ++i) {
          if (!parsed[i].parsed) left.push_back(i);
        }
        ParallelFor(left.size(), kMaxParseThreads, kFilesPerThread,
                    [&](std::size_t k) { parse_text(left[k]); });
      }
      bool failed = false;
      if (json) std::cout << (parsed.empty() ? "[" : "[\n");
      for (std::size_t i = 0; i < parsed.size(); ++i) {
        const std::string& path = opts->files[i];
        Parsed& p = parsed[i];
        if (!p.bulletin.images.empty()) {
          if (const auto reader = images->ForFile(path)) {
            p.bulletin = parse(path, reader.get());
            images->Done();
          }
          if (json) finish(path, p);
        }
        if (json) {
          failed = failed || !p.ok;
          std::cout << p.json << (i + 1 < parsed.size() ? ",\n" : "\n");
          Release(p.json);
        } else {
          failed = failed || !p.bulletin.ok();
          PrintText(std::cout, path, p.bulletin);
          Release(p.bulletin);
        }
      }
      if (json) std::cout << "]\n";
      return failed ? 1 : 0;
    };
  });
}

}  // namespace cncert
