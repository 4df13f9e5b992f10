// cncert_exporter parse [--output json|text] FILE...: the parsers on files, per
// the contract in docs/metrics.md.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
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

// How much of the output the front printed before it handed the command
// over (the whole exporter goes on from there), in the environment the
// exec passes on: "FILES FAILED".
constexpr const char* kPrintedByFront = "CNCERT_EXPORTER_PARSE_PRINTED";

struct Printed {
  std::size_t count = 0;  // files; with one or more, the opening too
  bool failed = false;    // one of them failed: the exit status says so
};

void PassPrintedOn(const Printed& printed) {
  if (printed.count == 0) return;
  const std::string value =
      std::to_string(printed.count) + " " + (printed.failed ? "1" : "0");
  ::setenv(kPrintedByFront, value.c_str(), /*overwrite=*/1);
}

// Read once and cleared, so that nothing this process runs inherits it;
// a value that does not fit `files` is not the front's and is ignored.
Printed TakePrintedByFront(std::size_t files) {
  Printed printed;
  const char* value = std::getenv(kPrintedByFront);
  if (value == nullptr) return printed;
  const std::string text = value;
  ::unsetenv(kPrintedByFront);
  unsigned long long count = 0;
  int failed = 0;
  char end = 0;
  if (std::sscanf(text.c_str(), "%llu %d%c", &count, &failed, &end) == 2 &&
      count >= 1 && count < files && (failed == 0 || failed == 1)) {
    printed.count = count;
    printed.failed = failed == 1;
  }
  return printed;
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
        // Until printed (a thousand Bulletins in place were 400 KB of new
        // pages before the first file was read).
        std::unique_ptr<Bulletin> bulletin;
        std::string json;  // set once final: the element of the array
        bool ok = false;
        bool parsed = false;
        // Nothing left to read: it can be printed. Set by the thread that
        // parsed it, read by whichever prints.
        std::atomic<bool> final{false};
      };
      std::vector<Parsed> parsed(opts->files.size());
      // Each file is printed, and what it held freed, as soon as it and
      // every file before it are final, not all at the end: a thousand
      // files' JSON held to the end took 1,000 new pages, and on a virtual
      // machine a new page can cost half a text bulletin's parse.
      std::mutex printing;
      // Taken in the front too, where it can only be left over from
      // somewhere else, so that it does not reach the whole exporter.
      Printed printed = TakePrintedByFront(parsed.size());
      if (images->HandsOver()) printed = {};
      auto print = [&](std::size_t i) {
        Parsed& p = parsed[i];
        printed.failed = printed.failed || !p.ok;
        if (json) {
          std::cout << (i == 0 ? "[\n" : ",\n") << p.json;
          Release(p.json);
        } else {
          PrintText(std::cout, opts->files[i], *p.bulletin);
          p.bulletin.reset();
        }
      };
      auto print_final = [&] {
        while (printed.count < parsed.size() &&
               parsed[printed.count].final.load(std::memory_order_acquire)) {
          print(printed.count++);
        }
      };
      auto finish = [&opts, json](const std::string& path, Parsed& p) {
        p.ok = p.bulletin->ok();
        if (json) {
          p.json = BulletinJsonText(*p.bulletin, path, opts->provenance,
                                    /*depth=*/1);
          p.bulletin.reset();  // what is printed is not needed again
        }
        p.final.store(true, std::memory_order_release);
      };
      // Every file's text on all cores, and its JSON with it; then, in order
      // and one at a time, the files that reference images again with their
      // images (OCR and its progress line are not shared). Where the images
      // go with the whole command to another process (the front's), which
      // parses every file again, parsing stops at the first that has one.
      bool stop_at_images = opts->images.ocr && images->HandsOver();
      std::atomic<bool> images_found{false};
      auto parse_text = [&](std::size_t i) {
        if (stop_at_images && images_found.load(std::memory_order_relaxed))
          return;
        Parsed& p = parsed[i];
        p.bulletin = std::make_unique<Bulletin>(parse(opts->files[i], nullptr));
        p.parsed = true;
        if (!p.bulletin->images.empty()) {
          images_found.store(true, std::memory_order_relaxed);
        } else {
          finish(opts->files[i], p);
        }
        const std::lock_guard lock(printing);
        print_final();
      };
      // Those the front printed before it handed the command over.
      const std::size_t first = printed.count;
      ParallelFor(parsed.size() - first, kMaxParseThreads, kFilesPerThread,
                  [&](std::size_t k) { parse_text(first + k); });
      if (opts->images.ocr && images_found) {
        if (images->HandsOver()) PassPrintedOn(printed);
        images->Start();
        // Not handed over after all: the files left are parsed here.
        ::unsetenv(kPrintedByFront);
        stop_at_images = false;
        std::vector<std::size_t> left;
        for (std::size_t i = first; i < parsed.size(); ++i) {
          if (!parsed[i].parsed) left.push_back(i);
        }
        ParallelFor(left.size(), kMaxParseThreads, kFilesPerThread,
                    [&](std::size_t k) { parse_text(left[k]); });
      }
      for (std::size_t i = printed.count; i < parsed.size(); ++i) {
        const std::string& path = opts->files[i];
        Parsed& p = parsed[i];
        if (!p.final) {
          if (const auto reader = images->ForFile(path)) {
            *p.bulletin = parse(path, reader.get());
            images->Done();
          }
          finish(path, p);
        }
        print(i);
      }
      if (json) std::cout << (parsed.empty() ? "[]\n" : "\n]\n");
      return printed.failed ? 1 : 0;
    };
  });
}

}  // namespace cncert
