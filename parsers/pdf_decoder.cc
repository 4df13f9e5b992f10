// cert.org.cn's official reports: poppler's text, read by the PDF reader
// plugin (parsers/pdf_reader.cc) in a child process under a budget
// (parsers/child_call.h).
#include <mutex>
#include <new>
#include <nlohmann/json.hpp>

#include "parsers/document.h"
#include "parsers/plugin.h"

namespace cncert {

namespace {

class PdfDecoder : public Decoder {
 public:
  explicit PdfDecoder(const ChildBudget& budget) : budget_(budget) {}

  std::string_view Name() const override { return "pdf"; }

  bool Sniff(std::string_view bytes) const override {
    return bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos;
  }

  Document Decode(std::string_view bytes) const override {
    Document doc;
    doc.format = "pdf";
    doc.encoding = "PDF";
    doc.failure = Failure::kPdf;  // cleared on success
    // Loaded here, before the child starts: each child then finds it
    // mapped, and no child loads libraries after a fork.
    std::string error;
    const auto read = reinterpret_cast<ReadPdfFunction>(
        PluginSymbol(kPdfReaderPlugin, "cncert_read_pdf", &error));
    if (read == nullptr) {
      doc.error = "no PDF reader: " + error;
      return doc;
    }
    const auto run = [read, bytes] {
      std::string json;
      read(
          bytes.data(), bytes.size(),
          [](void* context, const char* answer, std::size_t size) noexcept {
            try {
              static_cast<std::string*>(context)->assign(answer, size);
            } catch (const std::bad_alloc&) {
              // Left empty: read as a garbled answer.
            }
          },
          &json);
      return json;
    };
    // poppler keeps global state and does not promise that documents load
    // in parallel: in process, one at a time.
    const auto run_here = [&run] {
      static std::mutex mutex;
      const std::lock_guard<std::mutex> lock(mutex);
      return run();
    };
    std::string json;
    const ChildResult child =
        ReadersRunInChildren()
            ? CallInChild(budget_, run)
            : ChildResult{ChildOutcome::kDone, run_here(), ""};
    switch (child.outcome) {
      case ChildOutcome::kDone:
        json = child.output;
        break;
      case ChildOutcome::kNoChild:
        // No process to spare (the unit's TasksMax, say): a transient
        // state that must not mark a good file failed.
        doc.warnings.push_back("the PDF was read without a budget: " +
                               child.error);
        json = run_here();
        break;
      case ChildOutcome::kCrashed:
        doc.error = "the PDF reader " + child.error;
        return doc;
      case ChildOutcome::kOverMemory:
      case ChildOutcome::kOverTime:
        doc.error = "the PDF reader " + child.error;
        doc.failure = Failure::kResources;
        return doc;
    }
    const auto pdf = nlohmann::json::parse(json, nullptr, false);
    if (!pdf.is_object() || !pdf["text"].is_string() ||
        !pdf["title"].is_string() || !pdf["error"].is_string() ||
        !pdf["warnings"].is_array()) {
      doc.error = "the PDF reader's answer was garbled";
      return doc;
    }
    doc.title = pdf["title"].get<std::string>();
    doc.text = pdf["text"].get<std::string>();
    doc.error = pdf["error"].get<std::string>();
    for (const auto& w : pdf["warnings"]) {
      if (w.is_string()) doc.warnings.push_back(w.get<std::string>());
    }
    if (doc.error.empty() &&
        doc.text.find_first_not_of(" \n\f") == std::string::npos) {
      doc.error = "PDF has no text layer (scanned images only?)";
    }
    if (doc.error.empty()) doc.failure = Failure::kNone;
    return doc;
  }

 private:
  ChildBudget budget_;
};

}  // namespace

std::unique_ptr<Decoder> MakePdfDecoder(const ChildBudget& budget) {
  return std::make_unique<PdfDecoder>(budget);
}

}  // namespace cncert
