// The PDF reader plugin (parsers/plugin.h): poppler's text of every page in
// reading order, as JSON — {title, text, warnings, error} — so that it
// crosses a process boundary as well as a library one.
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <climits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

void IgnorePopplerMessage(const std::string& /*message*/, void* /*closure*/) {}

nlohmann::json ReadPdf(const char* data, std::size_t size) {
  std::string title;
  std::string text;
  std::vector<std::string> warnings;
  const auto result = [&](const std::string& error) {
    return nlohmann::json{{"title", title},
                          {"text", text},
                          {"warnings", warnings},
                          {"error", error}};
  };
  if (size > static_cast<std::size_t>(INT_MAX)) return result("PDF too large");
  // poppler reports damaged files on stderr; we report them ourselves.
  poppler::set_debug_error_function(IgnorePopplerMessage, nullptr);
  std::unique_ptr<poppler::document> pdf(
      poppler::document::load_from_raw_data(data, static_cast<int>(size)));
  if (!pdf) return result("not a readable PDF (damaged or truncated)");
  if (pdf->is_locked()) return result("PDF is encrypted");
  if (const poppler::ustring t = pdf->get_title(); !t.empty()) {
    const poppler::byte_array utf8 = t.to_utf8();
    title.assign(utf8.begin(), utf8.end());
  }
  for (int i = 0; i < pdf->pages(); ++i) {
    std::unique_ptr<poppler::page> page(pdf->create_page(i));
    if (!page) {
      warnings.push_back("PDF page " + std::to_string(i + 1) +
                         " could not be read");
      continue;
    }
    const poppler::byte_array utf8 =
        page->text(page->page_rect(),
                   poppler::page::non_raw_non_physical_layout)
            .to_utf8();
    text.append(utf8.begin(), utf8.end());
    text += '\n';
  }
  return result("");
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): a plugin's C entry point
extern "C" void cncert_read_pdf(const char* data, std::size_t size,
                                std::string* json) {
  *json = ReadPdf(data, size)
              .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
