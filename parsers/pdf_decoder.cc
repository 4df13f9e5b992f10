// cert.org.cn's official reports: text of every page in reading order.
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <climits>
#include <memory>
#include <mutex>

#include "parsers/document.h"

namespace cncert {

namespace {

void IgnorePopplerMessage(const std::string& /*message*/, void* /*closure*/) {}

class PdfDecoder : public Decoder {
 public:
  std::string_view Name() const override { return "pdf"; }

  bool Sniff(std::string_view bytes) const override {
    return bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos;
  }

  Document Decode(std::string_view bytes) const override {
    Document doc;
    doc.format = "pdf";
    doc.encoding = "PDF";
    doc.failure = Failure::kPdf;  // cleared on success
    // poppler keeps global state (its error hook, font and charset
    // tables) and does not promise that documents load in parallel: the
    // archive parses files on several threads, PDFs one at a time.
    static std::mutex mutex;
    const std::lock_guard<std::mutex> lock(mutex);
    // poppler reports damaged files on stderr; we report them ourselves.
    poppler::set_debug_error_function(IgnorePopplerMessage, nullptr);
    if (bytes.size() > static_cast<std::size_t>(INT_MAX)) {
      doc.error = "PDF too large";
      return doc;
    }
    std::unique_ptr<poppler::document> pdf(
        poppler::document::load_from_raw_data(bytes.data(),
                                              static_cast<int>(bytes.size())));
    if (!pdf) {
      doc.error = "not a readable PDF (damaged or truncated)";
      return doc;
    }
    if (pdf->is_locked()) {
      doc.error = "PDF is encrypted";
      return doc;
    }
    const poppler::ustring title = pdf->get_title();
    if (!title.empty()) {
      const poppler::byte_array utf8 = title.to_utf8();
      doc.title.assign(utf8.begin(), utf8.end());
    }
    for (int i = 0; i < pdf->pages(); ++i) {
      std::unique_ptr<poppler::page> page(pdf->create_page(i));
      if (!page) {
        doc.warnings.push_back("PDF page " + std::to_string(i + 1) +
                               " could not be read");
        continue;
      }
      const poppler::byte_array text =
          page->text(page->page_rect(),
                     poppler::page::non_raw_non_physical_layout)
              .to_utf8();
      doc.text.append(text.begin(), text.end());
      doc.text += '\n';
    }
    if (doc.text.find_first_not_of(" \n\f") == std::string::npos) {
      doc.error = "PDF has no text layer (scanned images only?)";
    }
    if (doc.error.empty()) doc.failure = Failure::kNone;
    return doc;
  }
};

}  // namespace

std::unique_ptr<Decoder> MakePdfDecoder() {
  return std::make_unique<PdfDecoder>();
}

}  // namespace cncert
