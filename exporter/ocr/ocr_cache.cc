#include "exporter/ocr/ocr_cache.h"

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "exporter/base/files.h"

namespace cncert {

std::string OcrResultToJson(const OcrResult& result,
                            const std::string& version) {
  nlohmann::json blocks = nlohmann::json::array();
  for (const auto& block : result.text.blocks) {
    nlohmann::json lines = nlohmann::json::array();
    for (const auto& line : block.lines) {
      nlohmann::json words = nlohmann::json::array();
      for (const auto& w : line.words) {
        words.push_back({w.text, w.confidence, w.symbols});
      }
      lines.push_back(std::move(words));
    }
    blocks.push_back(std::move(lines));
  }
  const nlohmann::json j = {
      {"version", version},
      {"failure", std::string(ImageFailureName(result.failure))},
      {"error", result.error},
      {"blocks", std::move(blocks)}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<OcrResult> OcrResultFromJson(std::string_view json,
                                           const std::string& version) {
  const auto j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object() || j.value("version", "") != version) return std::nullopt;
  OcrResult r;
  const std::string failure = j.value("failure", "");
  for (const ImageFailure f : kAllImageFailures) {
    if (ImageFailureName(f) == failure) r.failure = f;
  }
  if (!failure.empty() && r.failure == ImageFailure::kNone) return std::nullopt;
  r.error = j.value("error", "");
  const auto& blocks = j["blocks"];
  if (!blocks.is_array()) return std::nullopt;
  for (const auto& b : blocks) {
    if (!b.is_array()) return std::nullopt;
    OcrBlock block;
    for (const auto& l : b) {
      if (!l.is_array()) return std::nullopt;
      OcrLine line;
      for (const auto& w : l) {
        if (!w.is_array() || w.size() != 3 || !w[0].is_string() ||
            !w[1].is_number() || !w[2].is_array()) {
          return std::nullopt;
        }
        OcrWord word{w[0].get<std::string>(), w[1].get<float>(), {}};
        for (const auto& s : w[2]) {
          if (!s.is_number()) return std::nullopt;
          word.symbols.push_back(s.get<float>());
        }
        line.words.push_back(std::move(word));
      }
      block.lines.push_back(std::move(line));
    }
    r.text.blocks.push_back(std::move(block));
  }
  return r;
}

OcrCache::OcrCache(std::string dir, std::string engine_version)
    : dir_(std::move(dir)),
      version_(std::move(engine_version)),
      version_digest_(Sha256Hex(version_).substr(0, 12)) {}

std::string OcrCache::Path(const std::string& image_sha256) const {
  return dir_ + "/" + image_sha256 + "-" + version_digest_ + ".json";
}

std::shared_ptr<const OcrResult> OcrCache::Load(
    const std::string& image_sha256) const {
  if (dir_.empty()) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = memory_.find(image_sha256);
    if (it == memory_.end()) return nullptr;
    return it->second;
  }
  {
    // The results read last stay parsed: a reparse costs what text does.
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = memory_.find(image_sha256);
    if (it != memory_.end()) return it->second;
  }
  const FileContent file =
      ReadFileCapped(Path(image_sha256), 8u << 20, FileOrigin::kArchive);
  if (!file.error.empty()) return nullptr;
  auto parsed = OcrResultFromJson(file.bytes, version_);
  if (!parsed) return nullptr;
  auto result = std::make_shared<const OcrResult>(std::move(*parsed));
  std::lock_guard<std::mutex> lock(mutex_);
  if (memory_.size() >= kRecentEntries) memory_.erase(memory_.begin());
  memory_[image_sha256] = result;
  return result;
}

void OcrCache::Store(const std::string& image_sha256,
                     const OcrResult& result) const {
  if (dir_.empty()) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (memory_.size() >= kMemoryEntries) memory_.erase(memory_.begin());
    memory_[image_sha256] = std::make_shared<const OcrResult>(result);
    return;
  }
  // Made with the first result: an archive without images gets none.
  ::mkdir(dir_.c_str(), 0755);
  // A cache that cannot be written only costs time.
  (void)WriteFileAtomically(Path(image_sha256),
                            OcrResultToJson(result, version_));
}

}  // namespace cncert
