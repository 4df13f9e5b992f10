// libFuzzer target for an image's kept lines (parsers/image_lines.h), which
// `serve` reads back from the OCR cache in the archive: any bytes give lines
// as the parser relies on them, or none; and lines that read, written again,
// are the same bytes.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "parsers/image_lines.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto lines = cncert::ImageLinesFromBytes(bytes);
  if (!lines) return 0;
  if (cncert::ImageLinesToBytes(*lines) != bytes) __builtin_trap();
  std::size_t words = 0;
  for (const auto& line : lines->lines) {
    if (line.end >= lines->text.size() || lines->text[line.end] != '\n' ||
        line.first_word != words) {
      __builtin_trap();
    }
    words += line.word_count;
    for (std::size_t i = 0; i < line.word_count; ++i) {
      const auto& w = lines->words.at(line.first_word + i);
      if (w.begin < line.begin || w.begin > w.end || w.end > line.end ||
          !std::isfinite(w.confidence)) {
        __builtin_trap();
      }
    }
  }
  if (words != lines->words.size()) __builtin_trap();
  return 0;
}
