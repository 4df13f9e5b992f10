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
#include <string_view>
#include <vector>

#include "parsers/plugin.h"
#include "parsers/utf8.h"

namespace {

void IgnorePopplerMessage(const std::string& /*message*/, void* /*closure*/) {}

// poppler's ustring::to_utf8 goes through iconv, whose allocations inside
// libc cannot be watched: short of memory it returns nothing, as for an
// empty page. This conversion of poppler's UTF-16 cannot fail.
std::string Utf8(const poppler::ustring& text) {
  std::string out;
  out.reserve(text.size() * 3);
  for (std::size_t i = 0; i < text.size(); ++i) {
    char32_t c = text[i];
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < text.size() &&
        text[i + 1] >= 0xDC00 && text[i + 1] <= 0xDFFF) {
      c = 0x10000 + ((c - 0xD800) << 10) + (text[i + 1] - 0xDC00);
      ++i;
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      c = 0xFFFD;  // a lone surrogate
    }
    cncert::utf8::Append(out, c);
  }
  return out;
}

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
  title = Utf8(pdf->get_title());
  for (int i = 0; i < pdf->pages(); ++i) {
    std::unique_ptr<poppler::page> page(pdf->create_page(i));
    if (!page) {
      warnings.push_back("PDF page " + std::to_string(i + 1) +
                         " could not be read");
      continue;
    }
    text += Utf8(page->text(page->page_rect(),
                            poppler::page::non_raw_non_physical_layout));
    text += '\n';
  }
  return result("");
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): a plugin's C entry point
extern "C" void cncert_read_pdf(const char* data, std::size_t size,
                                cncert::PdfAnswer answer,
                                void* context) noexcept {
  // No exception crosses into the caller's C++ runtime.
  try {
    const std::string json =
        ReadPdf(data, size)
            .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    answer(context, json.data(), json.size());
  } catch (...) {
    // Out of memory, all but certainly: an answer that needs none.
    constexpr std::string_view kFailed =
        R"json({"title":"","text":"","warnings":[],)json"
        R"json("error":"the PDF reader failed (out of memory?)"})json";
    answer(context, kFailed.data(), kFailed.size());
  }
}
