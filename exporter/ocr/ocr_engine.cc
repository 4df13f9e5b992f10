#include "exporter/ocr/ocr_engine.h"

#include <leptonica/allheaders.h>
#include <malloc.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <vector>

#include "exporter/base/digest.h"
#include "exporter/ocr/ocr_cache.h"
#include "parsers/child_call.h"

// libgomp's, which Tesseract brings (declared here: clang, which checks this
// file, has no omp.h of its own).
extern "C" void omp_set_max_active_levels(int max_levels);

namespace cncert {

std::string_view ImageFailureName(ImageFailure f) {
  switch (f) {
    case ImageFailure::kNone:
      return "";
    case ImageFailure::kUnreadable:
      return "unreadable";
    case ImageFailure::kTooLarge:
      return "too_large";
    case ImageFailure::kFormat:
      return "format";
    case ImageFailure::kTruncated:
      return "truncated";
    case ImageFailure::kAnimated:
      return "animated";
    case ImageFailure::kTooSmall:
      return "too_small";
    case ImageFailure::kNotFetched:
      return "not_fetched";
    case ImageFailure::kFetch:
      return "fetch";
    case ImageFailure::kEngine:
      return "engine";
    case ImageFailure::kResources:
      return "resources";
  }
  return "";
}

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

// The digest of the language data, so that new data reads images again.
std::string DataDigest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> head(1 << 20);
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  in.clear();
  in.seekg(0, std::ios::end);
  const std::string size = std::to_string(static_cast<long long>(in.tellg()));
  head.insert(head.end(), size.begin(), size.end());
  return Sha256Hex(std::string_view(head.data(), head.size())).substr(0, 12);
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

// The number of frames of a GIF, by walking its blocks (2 is enough).
int GifFrames(std::string_view b) {
  if (b.size() < 13) return 0;
  std::size_t pos = 13;
  if (static_cast<unsigned char>(b[10]) & 0x80) {
    pos += 3u << ((static_cast<unsigned char>(b[10]) & 7) + 1);
  }
  int frames = 0;
  auto skip_sub_blocks = [&] {
    while (pos < b.size() && b[pos] != 0) {
      pos += 1 + static_cast<unsigned char>(b[pos]);
    }
    ++pos;
  };
  while (pos < b.size() && frames < 2) {
    const auto kind = static_cast<unsigned char>(b[pos]);
    if (kind == 0x3B) break;  // trailer
    if (kind == 0x21) {       // extension: label, sub-blocks
      pos += 2;
      skip_sub_blocks();
    } else if (kind == 0x2C) {  // image descriptor
      ++frames;
      if (pos + 10 > b.size()) break;
      const auto flags = static_cast<unsigned char>(b[pos + 9]);
      pos += 10;
      if (flags & 0x80) pos += 3u << ((flags & 7) + 1);
      pos += 1;  // LZW minimum code size
      skip_sub_blocks();
    } else {
      break;
    }
  }
  return frames;
}

// Checks the container before decoding: animated images are refused (their
// frames say different things), and so are PNG and JPEG files cut short.
ImageFailure CheckContainer(std::string_view b, std::string* why) {
  if (b.starts_with("GIF8") && GifFrames(b) > 1) {
    *why = "an animated GIF";
    return ImageFailure::kAnimated;
  }
  if (b.starts_with("\x89PNG")) {
    if (b.find("acTL") != std::string_view::npos &&
        b.find("acTL") < b.find("IDAT")) {
      *why = "an animated PNG";
      return ImageFailure::kAnimated;
    }
    if (b.size() < 12 ||
        b.substr(b.size() - 12).find("IEND") == std::string_view::npos) {
      *why = "the PNG ends before its last chunk";
      return ImageFailure::kTruncated;
    }
  }
  if (b.size() >= 12 && b.starts_with("RIFF") && b.substr(8, 4) == "WEBP" &&
      b.find("ANIM") != std::string_view::npos) {
    *why = "an animated WebP";
    return ImageFailure::kAnimated;
  }
  if (b.starts_with("\xFF\xD8")) {
    std::string_view tail = b.substr(b.size() >= 64 ? b.size() - 64 : 0);
    if (tail.find("\xFF\xD9") == std::string_view::npos) {
      *why = "the JPEG ends before its end marker";
      return ImageFailure::kTruncated;
    }
  }
  return ImageFailure::kNone;
}

}  // namespace

// Where Tesseract will find chi_sim.traineddata, found without starting
// it: TESSDATA_PREFIX, else Debian's directories.
std::string FindLanguageData() {
  std::vector<std::string> dirs;
  if (const char* prefix = std::getenv("TESSDATA_PREFIX"); prefix && *prefix) {
    dirs.push_back(prefix);
    dirs.push_back(std::string(prefix) + "/tessdata");
  }
  for (const char* d : {"/usr/share/tesseract-ocr/5/tessdata",
                        "/usr/share/tesseract-ocr/4.00/tessdata",
                        "/usr/share/tessdata", "/usr/local/share/tessdata"}) {
    dirs.emplace_back(d);
  }
  for (const auto& d : dirs) {
    std::string path = d + "/chi_sim.traineddata";
    if (::access(path.c_str(), R_OK) == 0) return path;
  }
  return "";
}

std::unique_ptr<OcrEngine> OcrEngine::Create(std::string* error) {
  setMsgSeverity(L_SEVERITY_NONE);  // leptonica: errors are ours to report
  // Tesseract asks OpenMP for four threads in each recognition, which makes
  // small images several times slower and fights the exporter's own
  // threads. Its loops name their thread count, so only this caps them: no
  // parallel region becomes active, each runs on the thread that reads.
  omp_set_max_active_levels(0);
  // Starting Tesseract costs 0.1 s and 45 MB: left to the first image, so
  // that text-only archives never pay for it.
  const std::string data = FindLanguageData();
  if (data.empty()) {
    *error =
        "Tesseract's chi_sim language data is missing (tesseract-ocr-chi-sim)";
    return nullptr;
  }
  std::unique_ptr<OcrEngine> engine(new OcrEngine());
  engine->version_ = std::string("tesseract-") +
                     tesseract::TessBaseAPI::Version() + "-chi_sim-" +
                     DataDigest(data) + "-prep5";
  return engine;
}

bool OcrEngine::Load(std::string* error) {
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

void OcrEngine::Unload() {
  if (!api_) return;
  api_->End();
  api_.reset();
  ::malloc_trim(0);
}

OcrEngine::~OcrEngine() {
  if (api_) api_->End();
}

OcrResult OcrEngine::Read(std::string_view bytes, const OcrLimits& limits) {
  if (bytes.size() > limits.max_bytes) {
    return Failed(ImageFailure::kTooLarge,
                  "image of " + std::to_string(bytes.size()) +
                      " bytes is over the limit of " +
                      std::to_string(limits.max_bytes));
  }
  std::string why;
  if (const ImageFailure f = CheckContainer(bytes, &why);
      f != ImageFailure::kNone) {
    return Failed(f, why);
  }
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
  // The model is loaded here, once: each child shares its pages.
  if (std::string error; !Load(&error)) {
    return Failed(ImageFailure::kEngine, error);
  }
  const ChildResult child = CallInChild(
      limits.budget, [&] { return OcrResultToJson(Recognize(bytes), ""); });
  switch (child.outcome) {
    case ChildOutcome::kDone:
      if (auto result = OcrResultFromJson(child.output, "")) return *result;
      return Failed(ImageFailure::kEngine, "Tesseract's result was garbled");
    case ChildOutcome::kOverMemory:
    case ChildOutcome::kOverTime:
      return Failed(ImageFailure::kResources, "Tesseract " + child.error);
    case ChildOutcome::kCrashed:
      return Failed(ImageFailure::kEngine, "Tesseract " + child.error);
    case ChildOutcome::kNoChild:
      break;
  }
  // No process to spare: a transient state that must not fail the image.
  return Recognize(bytes);
}

// In the child: decode, prepare, recognise, and lay out the lines.
OcrResult OcrEngine::Recognize(std::string_view bytes) {
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

}  // namespace cncert
