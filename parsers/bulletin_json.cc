#include "parsers/bulletin_json.h"

#include <cmath>

namespace cncert {

const char* ImageStatusName(ImageStatus status) {
  switch (status) {
    case ImageStatus::kRead:
      return "read";
    case ImageStatus::kPending:
      return "pending";
    case ImageStatus::kSkipped:
      return "skipped";
    case ImageStatus::kUnread:
      return "unread";
    case ImageStatus::kFailed:
      return "failed";
  }
  return "";
}

std::optional<long long> WholeNumber(double value) {
  if (std::isfinite(value) && std::fabs(value) < 9e15 &&
      value == std::floor(value)) {
    return static_cast<long long>(value);
  }
  return std::nullopt;
}

nlohmann::json NumberToJson(double value) {
  if (const auto whole = WholeNumber(value)) return *whole;
  return value;
}

nlohmann::json ConfidenceToJson(double confidence) {
  return std::round(confidence * 10) / 10;
}

nlohmann::json IdentityToJson(const Identity& id) {
  nlohmann::json out = nlohmann::json::object();
  if (!id.kind.empty()) out["kind"] = id.kind;
  if (!id.title.empty()) out["title"] = id.title;
  if (id.year) out["year"] = *id.year;
  if (id.issue) out["issue"] = *id.issue;
  if (id.period_start) out["period_start"] = FormatDate(*id.period_start);
  if (id.period_end) out["period_end"] = FormatDate(*id.period_end);
  if (id.published) out["published"] = FormatDate(*id.published);
  if (!id.url.empty()) out["url"] = id.url;
  return out;
}

nlohmann::json BulletinToJson(const Bulletin& bulletin, std::string_view file,
                              bool provenance) {
  nlohmann::json out;
  out["file"] = std::string(file);
  out["ok"] = bulletin.ok();
  if (bulletin.ok()) {
    out["bulletin"] = IdentityToJson(bulletin.identity);
    if (!bulletin.format.empty()) out["format"] = bulletin.format;
    if (!bulletin.encoding.empty()) out["encoding"] = bulletin.encoding;
  }
  nlohmann::json values = nlohmann::json::object();
  nlohmann::json sources = nlohmann::json::object();
  for (const Value& v : bulletin.values) {
    const std::string key = SeriesKey(v.metric, v.labels);
    values[key] = NumberToJson(v.value);
    if (!provenance) continue;
    const Provenance& p = v.provenance;
    nlohmann::json& source = sources[key];
    source["rule"] = RuleName(v);
    source["section"] = p.section;
    source["span"] = nlohmann::json::array({p.begin, p.end});
    source["match"] = MatchedText(bulletin, p);
    source["sentence"] = SentenceAround(bulletin, p);
    if (const std::string& image = ImageOf(bulletin, p); !image.empty()) {
      source["image"] = image;
      source["image_line"] = ImageLine(bulletin, p);
      if (p.confidence())
        source["confidence"] = ConfidenceToJson(*p.confidence());
    }
  }
  out["values"] = std::move(values);
  if (provenance) out["provenance"] = std::move(sources);
  if (!bulletin.images.empty()) {
    nlohmann::json images = nlohmann::json::array();
    for (const ImageUse& use : bulletin.images) {
      if (use.src.empty()) continue;  // "![]()": no image at all
      nlohmann::json image = {{"src", use.src},
                              {"status", ImageStatusName(use.status)}};
      if (!use.reason.empty()) image["reason"] = use.reason;
      if (use.figures > 0) image["figures"] = use.figures;
      images.push_back(std::move(image));
    }
    out["images"] = std::move(images);
  }
  out["warnings"] = bulletin.warnings;
  out["errors"] = bulletin.errors;
  return out;
}

}  // namespace cncert
