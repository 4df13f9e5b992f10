// The OCR reader plugin (parsers/plugin.h, exporter/ocr/ocr_reader.h):
// Tesseract and leptonica, which bring some fifty libraries, loaded by the
// exporter only when there are images to read. Images are prepared for what
// infographics do (small text, coloured backgrounds, white on colour) and
// segmented so that a paragraph's lines stay together while chart labels
// stay apart.
#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <new>
#include <vector>

#include "exporter/ocr/ocr_reader.h"

// libgomp's, which Tesseract brings (declared here: clang, which checks this
// file, has no omp.h of its own).
extern "C" void omp_set_max_active_levels(int max_levels);

namespace cncert {

namespace {

// Owns a leptonica image.
struct PixDeleter {
  void operator()(PIX* p) const { pixDestroy(&p); }
};
using Pix = std::unique_ptr<PIX, PixDeleter>;

OcrResult Failed(ImageFailure f, std::string error) {
  OcrResult r;
  r.failure = f;
  r.error = std::move(error);
  return r;
}

// Gray, dark regions inverted (white text on a coloured bar reads as dark
// text on light), scaled so that small text has enough pixels.
Pix Prepare(PIX* decoded) {
  Pix gray(pixConvertTo8(decoded, 0));
  if (!gray) return nullptr;
  const int w = pixGetWidth(gray.get());
  const int h = pixGetHeight(gray.get());
  // Local background: the mean over a window several text lines high.
  const int window = std::max(8, std::min(w, h) / 30);
  Pix mean(pixBlockconvGray(gray.get(), nullptr, window, window));
  if (mean) {
    Pix dark(pixThresholdToBinary(mean.get(), 100));
    Pix inverted(pixInvert(nullptr, gray.get()));
    if (dark && inverted) {
      pixCombineMasked(gray.get(), inverted.get(), dark.get());
    }
  }
  // Aim at a width of about 2000 pixels: 2–3× for the 640-pixel images of
  // WeChat, where 14-pixel text is common.
  const float scale = std::clamp(2000.0f / static_cast<float>(w), 1.0f, 3.0f);
  if (scale > 1.05f) {
    Pix scaled(pixScale(gray.get(), scale, scale));
    if (scaled) return scaled;
  }
  return gray;
}

struct Box {
  int left = 0, top = 0, right = 0, bottom = 0;
};
struct Word {
  OcrWord word;
  Box box;
};
struct Line {
  std::vector<Word> words;
  Box box;
};

// A line whose words stand far apart holds two columns (a paragraph beside
// a chart): split it where the gap is wider than twice the line's height.
std::vector<Line> SplitAtGaps(const Line& line) {
  std::vector<Line> out(1);
  const int height = std::max(1, line.box.bottom - line.box.top);
  for (std::size_t i = 0; i < line.words.size(); ++i) {
    if (i > 0 &&
        line.words[i].box.left - line.words[i - 1].box.right > 2 * height) {
      out.emplace_back();
    }
    out.back().words.push_back(line.words[i]);
  }
  for (Line& l : out) {
    l.box = {l.words.front().box.left, line.box.top, l.words.back().box.right,
             line.box.bottom};
  }
  return out;
}

// Blocks of lines; a block whose lines split into columns becomes one block
// per column, so that a chart's labels never join the paragraph beside it.
std::vector<OcrBlock> Columns(const std::vector<Line>& lines) {
  std::vector<Line> fragments;
  std::vector<int> cuts;  // x of each gap
  for (const Line& line : lines) {
    if (line.words.empty()) continue;
    const auto parts = SplitAtGaps(line);
    for (std::size_t i = 1; i < parts.size(); ++i) {
      cuts.push_back((parts[i - 1].box.right + parts[i].box.left) / 2);
    }
    fragments.insert(fragments.end(), parts.begin(), parts.end());
  }
  OcrBlock left;
  OcrBlock right;
  if (cuts.empty()) {
    for (const Line& l : fragments) {
      OcrLine out;
      for (const Word& w : l.words) out.words.push_back(w.word);
      left.lines.push_back(std::move(out));
    }
    return {left};
  }
  std::nth_element(cuts.begin(), cuts.begin() + cuts.size() / 2, cuts.end());
  const int cut = cuts[cuts.size() / 2];
  for (const Line& l : fragments) {
    OcrLine out;
    for (const Word& w : l.words) out.words.push_back(w.word);
    (l.box.left < cut ? left : right).lines.push_back(std::move(out));
  }
  std::vector<OcrBlock> blocks;
  if (!left.lines.empty()) blocks.push_back(std::move(left));
  if (!right.lines.empty()) blocks.push_back(std::move(right));
  return blocks;
}

class TesseractReader : public OcrReader {
 public:
  TesseractReader() {
    setMsgSeverity(L_SEVERITY_NONE);  // leptonica: errors are ours to report
    // Tesseract asks OpenMP for four threads in each recognition, which
    // makes small images several times slower and fights the exporter's own
    // threads. Its loops name their thread count, so only this caps them:
    // no parallel region becomes active, each runs on the thread that reads.
    omp_set_max_active_levels(0);
  }
  ~TesseractReader() override {
    if (api_) api_->End();
  }
  TesseractReader(const TesseractReader&) = delete;
  TesseractReader& operator=(const TesseractReader&) = delete;

  std::string Version() const override {
    return std::string("tesseract-") + tesseract::TessBaseAPI::Version();
  }

  OcrResult Check(std::string_view bytes, const OcrLimits& limits) override {
    const auto* data = reinterpret_cast<const l_uint8*>(bytes.data());
    l_int32 format = 0, w = 0, h = 0, bps = 0, spp = 0, cmap = 0;
    // The header first: a 20000×20000 image is refused before it is decoded.
    if (bytes.empty() ||
        pixReadHeaderMem(data, bytes.size(), &format, &w, &h, &bps, &spp,
                         &cmap) != 0 ||
        w <= 0 || h <= 0) {
      return Failed(ImageFailure::kFormat, "not an image format that is read");
    }
    if (static_cast<long long>(w) * h > limits.max_pixels) {
      return Failed(ImageFailure::kTooLarge,
                    std::to_string(w) + "×" + std::to_string(h) +
                        " pixels is over the limit of " +
                        std::to_string(limits.max_pixels));
    }
    if (w < limits.min_width || h < limits.min_height) {
      return Failed(ImageFailure::kTooSmall,
                    std::to_string(w) + "×" + std::to_string(h) +
                        " pixels is too small to hold a sentence");
    }
    return {};
  }

  bool Load(std::string* error) override {
    if (api_) return true;
    api_ = std::make_unique<tesseract::TessBaseAPI>();
    if (api_->Init(nullptr, "chi_sim", tesseract::OEM_LSTM_ONLY) != 0) {
      *error =
          "Tesseract cannot load the chi_sim language data "
          "(tesseract-ocr-chi-sim)";
      api_.reset();
      return false;
    }
    api_->SetVariable("debug_file", "/dev/null");
    api_->SetPageSegMode(tesseract::PSM_AUTO);
    return true;
  }

  void Unload() override {
    if (!api_) return;
    api_->End();
    api_.reset();
  }

  // In the child: decode, prepare, recognise, and lay out the lines.
  OcrResult Recognize(std::string_view bytes) override {
    const auto* data = reinterpret_cast<const l_uint8*>(bytes.data());
    // leptonica answers a failed allocation with null, like damaged data:
    // errno tells them apart, and the budget's failure has its own reason.
    errno = 0;
    Pix decoded(pixReadMem(data, bytes.size()));
    if (!decoded && errno == ENOMEM) throw std::bad_alloc();
    if (!decoded) {
      return Failed(ImageFailure::kFormat, "the image data is damaged");
    }
    Pix prepared = Prepare(decoded.get());
    decoded.reset();
    if (!prepared && errno == ENOMEM) throw std::bad_alloc();
    if (!prepared) return Failed(ImageFailure::kFormat, "cannot convert image");
    api_->SetImage(prepared.get());
    api_->SetSourceResolution(300);
    if (api_->Recognize(nullptr) != 0) {
      api_->Clear();
      return Failed(ImageFailure::kEngine, "Tesseract could not recognise it");
    }
    OcrResult result;
    std::unique_ptr<tesseract::ResultIterator> it(api_->GetIterator());
    std::vector<Line> block;
    auto flush = [&] {
      if (block.empty()) return;
      for (auto& b : Columns(block)) result.text.blocks.push_back(std::move(b));
      block.clear();
    };
    if (it) {
      using tesseract::RIL_BLOCK;
      using tesseract::RIL_SYMBOL;
      using tesseract::RIL_TEXTLINE;
      using tesseract::RIL_WORD;
      bool in_word = false;
      do {
        if (it->Empty(RIL_SYMBOL)) continue;
        if (it->IsAtBeginningOf(RIL_BLOCK)) flush();
        if (it->IsAtBeginningOf(RIL_TEXTLINE) || block.empty()) {
          block.emplace_back();
          Box& b = block.back().box;
          it->BoundingBox(RIL_TEXTLINE, &b.left, &b.top, &b.right, &b.bottom);
          in_word = false;
        }
        if (it->IsAtBeginningOf(RIL_WORD) || !in_word) {
          std::unique_ptr<char[]> text(it->GetUTF8Text(RIL_WORD));
          if (!text) continue;
          Word word{{text.get(), it->Confidence(RIL_WORD), {}}, {}};
          it->BoundingBox(RIL_WORD, &word.box.left, &word.box.top,
                          &word.box.right, &word.box.bottom);
          block.back().words.push_back(std::move(word));
          in_word = true;
        }
        block.back().words.back().word.symbols.push_back(
            it->Confidence(RIL_SYMBOL));
      } while (it->Next(RIL_SYMBOL));
    }
    flush();
    api_->Clear();
    return result;
  }

 private:
  std::unique_ptr<tesseract::TessBaseAPI> api_;
};

}  // namespace

}  // namespace cncert

// NOLINTNEXTLINE(readability-identifier-naming): a plugin's C entry point
extern "C" cncert::OcrReader* cncert_make_ocr_reader() {
  return new cncert::TesseractReader();
}
