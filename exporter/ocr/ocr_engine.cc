#include "exporter/ocr/ocr_engine.h"

#include <fcntl.h>
#include <malloc.h>
#include <sys/stat.h>
#include <tesseract/version.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "exporter/base/digest.h"
#include "exporter/ocr/ocr_cache.h"
#include "exporter/ocr/ocr_reader.h"
#include "parsers/child_call.h"
#include "parsers/plugin.h"

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

OcrResult Failed(ImageFailure f, std::string error) {
  OcrResult r;
  r.failure = f;
  r.error = std::move(error);
  return r;
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

// Its first MiB and its size, as ever (the cache's keys stay), read in
// pieces: a buffer of a MiB cost every start 500 page faults.
std::string LanguageDataDigest(const std::string& path) {
  Sha256 sha;
  long long size = -1;
  if (const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
    std::array<char, 1 << 16> piece;
    std::size_t left = 1 << 20;
    while (left > 0) {
      const ssize_t n = ::read(fd, piece.data(), std::min(left, piece.size()));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      sha.Update(std::string_view(piece.data(), static_cast<std::size_t>(n)));
      left -= static_cast<std::size_t>(n);
    }
    if (struct stat st{}; ::fstat(fd, &st) == 0) size = st.st_size;
    ::close(fd);
  }
  sha.Update(std::to_string(size));
  return sha.Hex().substr(0, 12);
}

std::unique_ptr<OcrEngine> OcrEngine::Create(std::string* error) {
  // Starting Tesseract costs 0.1 s and 45 MB: left to the first image, so
  // that text-only archives never pay for it.
  const std::string data = FindLanguageData();
  if (data.empty()) {
    *error =
        "Tesseract's chi_sim language data is missing (tesseract-ocr-chi-sim)";
    return nullptr;
  }
  std::unique_ptr<OcrEngine> engine(new OcrEngine());
  // The version Tesseract's headers state, so that the plugin (and the
  // sixty libraries it brings) stays unloaded until an image is read.
  engine->version_ = std::string("tesseract-") + TESSERACT_VERSION_STR +
                     "-chi_sim-" + LanguageDataDigest(data) + "-prep5";
  return engine;
}

bool OcrEngine::Plug(std::string* error) {
  if (reader_) return true;
  const auto make = reinterpret_cast<MakeOcrReaderFunction>(
      PluginSymbol(kOcrReaderPlugin, kMakeOcrReader, error));
  if (make == nullptr) {
    *error = "no OCR reader: " + *error;
    return false;
  }
  reader_.reset(make());
  return true;
}

bool OcrEngine::Load(std::string* error) {
  return Plug(error) && reader_->Load(error);
}

void OcrEngine::Unload() {
  if (!reader_) return;
  reader_->Unload();
  ::malloc_trim(0);
}

OcrEngine::~OcrEngine() = default;

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
  if (std::string error; !Plug(&error)) {
    return Failed(ImageFailure::kEngine, error);
  }
  if (OcrResult refused = reader_->Check(bytes, limits);
      refused.failure != ImageFailure::kNone) {
    return refused;
  }
  // The model is loaded here, once: each child shares its pages.
  if (std::string error; !Load(&error)) {
    return Failed(ImageFailure::kEngine, error);
  }
  const ChildResult child = CallInChild(limits.budget, [&] {
    return OcrResultToMessagePack(reader_->Recognize(bytes), "");
  });
  switch (child.outcome) {
    case ChildOutcome::kDone:
      if (auto result = OcrResultFromMessagePack(child.output, ""))
        return *result;
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
  return reader_->Recognize(bytes);
}

}  // namespace cncert
