// Splices the text read from a bulletin's images into its normalized text at
// the images' places, and traces figures back to the image, line and words
// they came from.
#ifndef CNCERT_PARSERS_IMAGE_TEXT_H_
#define CNCERT_PARSERS_IMAGE_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/bulletin.h"
#include "parsers/image_lines.h"
#include "parsers/images.h"
#include "parsers/rules.h"
#include "parsers/sections.h"

namespace cncert {

// The text of one image as it is spliced: kept by the image's key and shared
// by every bulletin that shows it (image_text.cc).
struct PreparedImage;

// One recognised line in the spliced text.
struct SplicedLine {
  std::size_t begin = 0;  // span in Spliced::text
  std::size_t end = 0;
  // Spans in the image's own text (ImageLines::text).
  using Word = ImageWord;
  std::span<const SplicedLine::Word> words;  // held by Spliced::prepared
  std::uint32_t image = 0;                   // index into the document's images
  std::uint32_t own_begin = 0;  // where the line begins in the image's text

  // Where offset `at` of the line in Spliced::text stands in the image's own
  // text, and back.
  std::size_t Own(std::size_t at) const { return at - begin + own_begin; }
  std::size_t Spliced(std::size_t own) const { return own - own_begin + begin; }
};

struct Spliced {
  std::string text;  // normalized; image text in place of the markers
  std::vector<SplicedLine> lines;         // in order of `begin`
  std::vector<ImageUse> uses;             // one per image of the document
  std::vector<std::string> named_issues;  // per image: IssueNamedIn()
  std::vector<std::shared_ptr<const PreparedImage>> prepared;
  // On the lines of `text` read on the way (all but those of documents
  // without images), in order of `begin`: SegmentSections reads none twice.
  std::vector<LineVerdict> verdicts;
};

// Reads each image that stands inside an extracted section (covers, avatars
// and QR codes are skipped, and so is everything after the bulletin's
// sections: "recent issues" lists, footers) with `reader`, and splices its
// blocks into `normalized`, each block ending running text.
Spliced SpliceImages(std::string_view normalized,
                     const std::vector<ImageRef>& images, const RuleSet& rules,
                     const ImageReader* reader);

// Marks the image spans of `layout` (segmented from `spliced.text`).
void MarkImageSpans(const Spliced& spliced, Layout* layout);

// Fills the image provenance of the bulletin's values read from images:
// the image, the recognised line(s) (into its image_lines and image_kept)
// and the confidence of the figure's words.
void TraceImageValues(const Layout& layout, const Spliced& spliced,
                      Bulletin* bulletin);

}  // namespace cncert

#endif  // CNCERT_PARSERS_IMAGE_TEXT_H_
