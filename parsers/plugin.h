// The readers that need large libraries — poppler for PDFs, Tesseract and
// leptonica for images — are plugins loaded on first use: a process that
// reads text, Markdown and HTML never maps the sixty libraries they bring,
// and starts and stays that much smaller.
#ifndef CNCERT_PARSERS_PLUGIN_H_
#define CNCERT_PARSERS_PLUGIN_H_

#include <cstddef>
#include <string>

namespace cncert {

inline constexpr const char* kPdfReaderPlugin = "cncert_pdf_reader.so";
inline constexpr const char* kOcrReaderPlugin = "cncert_ocr_reader.so";
// The whole exporter, which the parse-only front execs for every other
// command (exporter/cli/front_main.cc). Its first fifteen characters, what
// ps and top show of a process, are the front's name.
inline constexpr const char* kWholeExporter = "cncert_exporter_whole";

// Where the plugin `file` is: ../lib/cncert_exporter from the running
// binary's directory, or that directory itself when the binary is the
// whole exporter, which lives there.
std::string PluginPath(const char* file);

// The PDF reader's entry point, "cncert_read_pdf": the PDF `data` of `size`
// bytes read, and its JSON ({title, text, warnings, error}) given to
// `answer` with `context`. Nothing but C types crosses: the front carries
// its own C++ runtime (exporter/CMakeLists.txt), the plugin the system's.
extern "C" {
using PdfAnswer = void (*)(void* context, const char* json, std::size_t size);
using ReadPdfFunction = void (*)(const char* data, std::size_t size,
                                 PdfAnswer answer, void* context);
}

// `symbol` of the plugin `file`, loaded once per process and kept; null
// with `error` saying why. Plugins are looked for in one place only,
// ../lib/cncert_exporter from the running binary's directory (never in
// the working directory or the library path). Thread-safe.
void* PluginSymbol(const char* file, const char* symbol, std::string* error);

}  // namespace cncert

#endif  // CNCERT_PARSERS_PLUGIN_H_
