// parse's images in the whole exporter: read with OCR.
#include "exporter/cli/parse_images.h"

#include <unistd.h>

#include <iostream>
#include <map>

#include "parsers/image_lines.h"

namespace cncert {

namespace {

// Images of the files on the command line: read at once, relative to each
// file's directory, which they may not leave. OCR starts only when a file
// has images, and shows its progress on a terminal.
class ImageReading : public ParseImages {
 public:
  ImageReading(const ImageFlags& flags, bool print_text)
      : flags_(flags), print_text_(print_text) {}

  std::unique_ptr<ImageReader> ForFile(const std::string& path) override {
    if (!flags_.ocr) return nullptr;
    const auto slash = path.rfind('/');
    const std::string dir =
        slash == std::string::npos ? "." : path.substr(0, slash);
    auto& service = services_[dir];
    if (!service && !failed_) {
      std::string error;
      service = OcrService::Create(dir, flags_.cache_dir, flags_.ToOptions(),
                                   OcrService::Mode::kInline, nullptr, &error);
      if (!service) {
        std::cerr << "images are not read: " << error << "\n";
        failed_ = true;
        return nullptr;
      }
      if (::isatty(2)) {
        service->SetProgress([this](const std::string& src) {
          std::cerr << "\rreading image " << ++images_ << ": "
                    << src.substr(0, 60) << "\033[K" << std::flush;
        });
      }
    }
    if (!service) return nullptr;
    auto reader = service->ForFile(path);
    if (print_text_) return std::make_unique<PrintingReader>(std::move(reader));
    return reader;
  }

  // Clears the progress line.
  void Done() override {
    if (images_ > 0) std::cerr << "\r\033[K" << std::flush;
    images_ = 0;
  }

 private:
  // Shows what each image gave, block by block.
  class PrintingReader : public ImageReader {
   public:
    explicit PrintingReader(std::unique_ptr<ImageReader> inner)
        : inner_(std::move(inner)) {}
    ImageLookup Read(const ImageRef& ref) const override {
      ImageLookup lookup = inner_->Read(ref);
      std::cerr << "== " << ref.src << ": " << lookup.reason << "\n";
      if (!lookup.lines) return lookup;
      const ImageLines& lines = *lookup.lines;
      const std::string_view text = lines.text;
      for (std::size_t l = 0; l < lines.lines.size(); ++l) {
        const ImageLines::Line& line = lines.lines[l];
        if (lines.BlockEndsBefore(l)) std::cerr << "--\n";
        for (std::size_t i = 0; i < line.word_count; ++i) {
          const ImageWord& w = lines.words[line.first_word + i];
          if (w.symbol) continue;
          std::cerr << text.substr(w.begin, w.end - w.begin) << "("
                    << static_cast<int>(w.confidence) << ") ";
        }
        std::cerr << "\n";
      }
      std::cerr << "--\n";
      return lookup;
    }

   private:
    std::unique_ptr<ImageReader> inner_;
  };

  const ImageFlags& flags_;
  bool print_text_;
  std::map<std::string, std::unique_ptr<OcrService>> services_;
  bool failed_ = false;
  int images_ = 0;
};

}  // namespace

std::unique_ptr<ParseImages> MakeParseImages(const ImageFlags& flags,
                                             bool print_text) {
  return std::make_unique<ImageReading>(flags, print_text);
}

}  // namespace cncert
