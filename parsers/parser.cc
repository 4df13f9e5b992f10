#include "parsers/parser.h"

#include <cstdint>
#include <limits>
#include <set>

#include "parsers/checks.h"
#include "parsers/document.h"
#include "parsers/extract.h"
#include "parsers/identity.h"
#include "parsers/image_text.h"
#include "parsers/image_trust.h"
#include "parsers/normalize.h"
#include "parsers/sections.h"

namespace cncert {

namespace {

// The last section that holds figures ends without a full stop: the file was
// most likely cut off, so later figures are missing.
bool EndsMidSentence(const Layout& layout, const std::vector<Value>& values) {
  for (auto it = layout.sections.rbegin(); it != layout.sections.rend(); ++it) {
    if (!it->extract) continue;
    const bool named = it->name != "lead" && it->name != "body";
    bool has_values = false;
    for (const auto& v : values) {
      has_values = has_values || (v.provenance.begin >= it->begin &&
                                  v.provenance.end <= it->end);
    }
    if (!named && !has_values) return false;
    std::string_view text = layout.Text(*it);
    while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    return !text.empty() && !text.ends_with("。") && !text.ends_with(")") &&
           !text.ends_with("!") && !text.ends_with("?");
  }
  return false;
}

constexpr const char* kImagesNotRead = "images are not read";

// Images that may hold figures but were not read: say so once.
void NoteUnreadImages(Bulletin& bulletin) {
  int pending = 0;
  int unread = 0;
  std::set<std::string> why_unread;
  for (const ImageUse& use : bulletin.images) {
    if (use.status == ImageStatus::kPending) ++pending;
    if (use.status == ImageStatus::kFailed) {
      bulletin.warnings.push_back("image " + use.src +
                                  " could not be read: " + use.reason);
    }
    if (use.status == ImageStatus::kUnread) {
      ++unread;
      why_unread.insert(use.reason);
    }
  }
  if (pending > 0) {
    bulletin.warnings.push_back(std::to_string(pending) +
                                " image(s) are still being read (OCR)");
  }
  if (unread > 0) {
    std::string warning =
        std::to_string(unread) + " image(s) may hold figures but were not read";
    // Say why when the reader said, e.g. that fetching images is off.
    if (why_unread.size() == 1 && *why_unread.begin() != kImagesNotRead) {
      warning += ": " + *why_unread.begin();
    }
    bulletin.warnings.push_back(std::move(warning));
  }
}

}  // namespace

Bulletin ParseBulletin(std::string_view bytes, const RuleSet& rules,
                       const ParseOptions& options) {
  Bulletin bulletin;
  if (bytes.empty()) {
    bulletin.errors.push_back("empty file");
    bulletin.failure = Failure::kEmpty;
    return bulletin;
  }
  if (bytes.size() > options.max_bytes) {
    bulletin.errors.push_back(
        "file too large: " + std::to_string(bytes.size()) +
        " bytes, the limit is " + std::to_string(options.max_bytes));
    bulletin.failure = Failure::kTooLarge;
    return bulletin;
  }
  Document doc = DecodeDocument(bytes);
  bulletin.format = doc.format;
  bulletin.encoding = doc.encoding;
  bulletin.warnings = std::move(doc.warnings);
  if (!doc.error.empty()) {
    bulletin.errors.push_back(doc.error);
    bulletin.failure =
        doc.failure == Failure::kNone ? Failure::kFormat : doc.failure;
    return bulletin;
  }
  Spliced spliced =
      SpliceImages(NormalizeText(doc.text), doc.images, rules, options.images);
  // Provenance keeps 32-bit offsets into this text.
  if (spliced.text.size() > std::numeric_limits<std::uint32_t>::max()) {
    bulletin.errors.push_back(
        "text too large: " + std::to_string(spliced.text.size()) + " bytes");
    bulletin.failure = Failure::kTooLarge;
    return bulletin;
  }
  Layout layout = SegmentSections(spliced.text, rules, spliced.verdicts);
  MarkImageSpans(spliced, &layout);
  bulletin.identity = ReadIdentity(doc, layout, &bulletin.warnings);
  Extraction extraction = ExtractValues(layout, rules);
  bulletin.values = std::move(extraction.values);
  bulletin.warnings.insert(bulletin.warnings.end(), extraction.warnings.begin(),
                           extraction.warnings.end());
  TraceImageValues(layout, spliced, &bulletin);
  bulletin.images = std::move(spliced.uses);

  const bool truncated = EndsMidSentence(layout, bulletin.values);
  bulletin.text = std::move(layout.text);
  if (bulletin.identity.kind.empty()) {
    if (bulletin.values.size() < 2) {
      bulletin.errors.push_back(
          "no CNCERT weekly bulletin found: no bulletin title and no figures");
      bulletin.failure = Failure::kNoBulletin;
      bulletin.values.clear();
      return bulletin;
    }
    bulletin.identity.kind = "cncert_weekly";
    bulletin.warnings.push_back(
        "no bulletin title found; identified as a weekly bulletin by its "
        "figures");
  }
  // The checks weigh figures read from images, then warn about what is
  // served: worked out again only when a figure was dropped.
  std::vector<Inconsistency> inconsistencies = FindInconsistencies(bulletin);
  if (DropUntrustedImageValues(spliced.named_issues, doc.images,
                               options.min_ocr_confidence, inconsistencies,
                               &bulletin)) {
    inconsistencies = FindInconsistencies(bulletin);
  }
  // Each image's figures are counted with the first image of its src (an
  // article may show one image twice).
  for (const Value& v : bulletin.values) {
    const std::string& src = ImageOf(bulletin, v.provenance);
    if (src.empty()) continue;
    for (ImageUse& use : bulletin.images) {
      if (use.src == src) {
        ++use.figures;
        break;
      }
    }
  }
  NoteUnreadImages(bulletin);
  if (bulletin.values.empty()) {
    bulletin.warnings.push_back(
        "no figures found (recent WeChat articles carry them as images)");
  }
  bulletin.truncated = truncated;
  if (truncated) {
    bulletin.warnings.push_back(
        "text ends mid-sentence: the file may be truncated");
  }
  for (Inconsistency& found : inconsistencies) {
    bulletin.warnings.push_back(std::move(found.message));
  }
  return bulletin;
}

}  // namespace cncert
