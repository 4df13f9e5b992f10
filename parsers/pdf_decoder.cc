// cert.org.cn's official reports: text of every page in reading order, read
// by poppler in a child process under a budget (parsers/child_call.h).
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <climits>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "parsers/document.h"

namespace cncert {

namespace {

void IgnorePopplerMessage(const std::string& /*message*/, void* /*closure*/) {}

// What poppler reads: the fields of Document it fills.
struct PdfText {
  std::string title;
  std::string text;
  std::vector<std::string> warnings;
  std::string error;
};

PdfText ReadPdf(std::string_view bytes) {
  PdfText out;
  // poppler reports damaged files on stderr; we report them ourselves.
  poppler::set_debug_error_function(IgnorePopplerMessage, nullptr);
  std::unique_ptr<poppler::document> pdf(poppler::document::load_from_raw_data(
      bytes.data(), static_cast<int>(bytes.size())));
  if (!pdf) {
    out.error = "not a readable PDF (damaged or truncated)";
    return out;
  }
  if (pdf->is_locked()) {
    out.error = "PDF is encrypted";
    return out;
  }
  const poppler::ustring title = pdf->get_title();
  if (!title.empty()) {
    const poppler::byte_array utf8 = title.to_utf8();
    out.title.assign(utf8.begin(), utf8.end());
  }
  for (int i = 0; i < pdf->pages(); ++i) {
    std::unique_ptr<poppler::page> page(pdf->create_page(i));
    if (!page) {
      out.warnings.push_back("PDF page " + std::to_string(i + 1) +
                             " could not be read");
      continue;
    }
    const poppler::byte_array text =
        page->text(page->page_rect(),
                   poppler::page::non_raw_non_physical_layout)
            .to_utf8();
    out.text.append(text.begin(), text.end());
    out.text += '\n';
  }
  return out;
}

std::string ToJson(const PdfText& pdf) {
  return nlohmann::json{{"title", pdf.title},
                        {"text", pdf.text},
                        {"warnings", pdf.warnings},
                        {"error", pdf.error}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

PdfText FromJson(const std::string& json) {
  const nlohmann::json j = nlohmann::json::parse(json);
  return {j.at("title").get<std::string>(), j.at("text").get<std::string>(),
          j.at("warnings").get<std::vector<std::string>>(),
          j.at("error").get<std::string>()};
}

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
    if (bytes.size() > static_cast<std::size_t>(INT_MAX)) {
      doc.error = "PDF too large";
      return doc;
    }
    PdfText pdf;
    const ChildResult child =
        CallInChild(budget_, [bytes] { return ToJson(ReadPdf(bytes)); });
    switch (child.outcome) {
      case ChildOutcome::kDone:
        pdf = FromJson(child.output);
        break;
      case ChildOutcome::kNoChild: {
        // No process to spare (the unit's TasksMax, say): a transient
        // state that must not mark a good file failed.
        doc.warnings.push_back("the PDF was read without a budget: " +
                               child.error);
        // poppler keeps global state and does not promise that documents
        // load in parallel.
        static std::mutex mutex;
        const std::lock_guard<std::mutex> lock(mutex);
        pdf = ReadPdf(bytes);
        break;
      }
      case ChildOutcome::kCrashed:
        doc.error = "the PDF reader " + child.error;
        return doc;
      case ChildOutcome::kOverMemory:
      case ChildOutcome::kOverTime:
        doc.error = "the PDF reader " + child.error;
        doc.failure = Failure::kResources;
        return doc;
    }
    doc.title = std::move(pdf.title);
    doc.text = std::move(pdf.text);
    doc.error = std::move(pdf.error);
    for (std::string& w : pdf.warnings) doc.warnings.push_back(std::move(w));
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
