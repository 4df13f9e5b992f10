#include "parsers/image_text.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <span>

#include "parsers/utf8.h"

namespace cncert {

// An image's lines as they are spliced, from offset 0, with what each is to
// SegmentSections by one set of rules: the same in every bulletin that shows
// the image. Kept for a while (Prepare), so that a cached image costs a copy
// of its text instead of reading each line's verdict again, and its words
// are shared, not copied.
struct PreparedImage {
  std::shared_ptr<const ImageLines> lines;
  // The image's text as it is spliced: a line of running text that
  // SegmentSections would glue to the one before stands on that line
  // already, as a paragraph of typed text would. Each (joined) line has its
  // verdict; each recognised line its place, for image 0.
  std::string text;
  std::vector<SplicedLine> spliced;
  std::vector<LineVerdict> verdicts;
};

namespace {

std::shared_ptr<const PreparedImage> PrepareNow(
    std::shared_ptr<const ImageLines> lines, const RuleSet& rules) {
  auto prepared = std::make_shared<PreparedImage>();
  const std::string_view own = lines->text;
  prepared->text.reserve(own.size());
  prepared->spliced.reserve(lines->lines.size());
  const std::span<const ImageWord> words = lines->words;
  std::size_t copied = 0;  // of the image's text
  bool goes_on = false;    // the line before takes the next one on
  for (const ImageLines::Line& line : lines->lines) {
    const std::string_view text = own.substr(line.begin, line.end - line.begin);
    LineVerdict verdict = ReadLineVerdict(text, 0, rules);
    const bool running = !verdict.caption && verdict.section < 0;
    // What stands between it and the line before: its break, or a block's
    // end as well.
    const std::string_view between = own.substr(copied, line.begin - copied);
    const bool joined = goes_on && running && between == "\n";
    if (!joined) prepared->text += between;
    const std::size_t at = prepared->text.size();
    prepared->text += text;
    prepared->spliced.push_back(
        {at, at + text.size(), words.subspan(line.first_word, line.word_count),
         0, static_cast<std::uint32_t>(line.begin)});
    if (!joined) {
      verdict.begin = at;
      prepared->verdicts.push_back(verdict);
    }
    goes_on = running && !EndsSentence(text);
    copied = line.end;
  }
  prepared->text += own.substr(copied);
  prepared->lines = std::move(lines);
  return prepared;
}

// The lines of what a reader found: as it kept them, or prepared now.
std::shared_ptr<const ImageLines> LinesOf(const ImageLookup& lookup) {
  if (lookup.lines) return lookup.lines;
  return std::make_shared<const ImageLines>(PrepareImageLines(*lookup.text));
}

// Prepared once per image and set of rules, and kept for the images parsed
// again soon (a bulletin's, as its other images arrive). An image is told
// by its lines, as the reader keeps them (the entry holds them: the address
// names them while it stands), or by its key; one with neither is prepared
// each time.
std::shared_ptr<const PreparedImage> Prepare(const ImageLookup& lookup,
                                             const RuleSet& rules) {
  if (!lookup.lines && lookup.key.empty()) {
    return PrepareNow(LinesOf(lookup), rules);
  }
  struct Entry {
    std::shared_ptr<const ImageLines> lines;  // or
    std::string key;
    std::uint64_t rules = 0;
    std::shared_ptr<const PreparedImage> prepared;
  };
  static std::mutex mutex;
  static std::array<Entry, 16> memo;
  static std::size_t next = 0;  // the entry replaced next, round the array
  const auto same = [&](const Entry& e) {
    return e.prepared && e.rules == rules.id &&
           (lookup.lines ? e.lines == lookup.lines : e.key == lookup.key);
  };
  {
    const std::lock_guard<std::mutex> lock(mutex);
    const auto it = std::find_if(memo.begin(), memo.end(), same);
    if (it != memo.end()) return it->prepared;
  }
  auto prepared = PrepareNow(LinesOf(lookup), rules);
  const std::lock_guard<std::mutex> lock(mutex);
  Entry& entry = memo[next];
  next = (next + 1) % memo.size();
  entry = {lookup.lines, lookup.lines ? std::string() : lookup.key, rules.id,
           prepared};
  return prepared;
}

// Appends an image's lines and their verdicts, copied whole and then moved
// to their place: a loop the compiler unrolls, where one line at a time
// was most of a splice.
void AppendPrepared(std::shared_ptr<const PreparedImage> prepared,
                    std::size_t image, Spliced* out) {
  const std::size_t shift = out->text.size();
  out->text += prepared->text;
  const std::size_t first = out->lines.size();
  out->lines.insert(out->lines.end(), prepared->spliced.begin(),
                    prepared->spliced.end());
  for (SplicedLine& line : std::span(out->lines).subspan(first)) {
    line.begin += shift;
    line.end += shift;
    line.image = static_cast<std::uint32_t>(image);
  }
  const std::size_t first_verdict = out->verdicts.size();
  out->verdicts.insert(out->verdicts.end(), prepared->verdicts.begin(),
                       prepared->verdicts.end());
  for (LineVerdict& verdict : std::span(out->verdicts).subspan(first_verdict)) {
    verdict.begin += shift;
  }
  out->named_issues[image] = prepared->lines->named_issue;
  out->prepared.push_back(std::move(prepared));
}

// A marker's line, left out of the spliced text: in its place the image's
// text, where it was read.
struct Cut {
  std::size_t begin = 0;     // the line's span in the normalized text, with
  std::size_t end = 0;       // its line break
  std::size_t verdicts = 0;  // verdicts on the text's lines before it
  std::shared_ptr<const PreparedImage> prepared;
  std::size_t image = 0;
};

}  // namespace

Spliced SpliceImages(std::string_view normalized,
                     const std::vector<ImageRef>& images, const RuleSet& rules,
                     const ImageReader* reader) {
  Spliced out;
  out.uses.resize(images.size());
  out.named_issues.resize(images.size());
  for (std::size_t i = 0; i < images.size(); ++i) {
    out.uses[i].src = images[i].src;
  }
  // Most documents have no image: no second segmentation for them.
  if (images.empty()) {
    out.text = normalized;
    return out;
  }
  // First each line's verdict and each image's text, with where the spliced
  // text will have them; then the text, copied in runs between the markers,
  // each thing in room made for it once.
  std::vector<LineVerdict> verdicts;  // on the text's lines
  // Lines of text run to tens of bytes; a few too many are a few bytes.
  verdicts.reserve(normalized.size() / 32 + 1);
  std::vector<Cut> cuts;
  cuts.reserve(images.size());  // a marker each, none forged (images.h)
  std::size_t size = 0;         // of the spliced text so far
  std::size_t image_lines = 0;  // spliced so far
  std::size_t read = 0;         // images
  // The section each image stands in, as SegmentSections would place it in
  // the text without images: the last heading's before it (none: the lead,
  // or the whole text, where figures are read).
  const SectionDef* section = nullptr;
  std::size_t pos = 0;
  while (pos < normalized.size()) {
    const std::size_t begin = pos;
    std::size_t eol = normalized.find('\n', pos);
    if (eol == std::string_view::npos) eol = normalized.size();
    const std::string_view line = normalized.substr(pos, eol - pos);
    pos = eol + 1;
    const long index = ImageMarkerIndex(line);
    if (index < 0) {
      if (!line.empty()) {
        verdicts.push_back(ReadLineVerdict(line, size, rules));
        if (verdicts.back().section >= 0) {
          section = &rules.sections[verdicts.back().section];
        }
      }
      size += line.size() + 1;
      continue;
    }
    Cut& cut = cuts.emplace_back(Cut{begin, std::min(pos, normalized.size()),
                                     verdicts.size(), nullptr, 0});
    if (static_cast<std::size_t>(index) >= images.size()) continue;
    const auto i = static_cast<std::size_t>(index);
    ImageUse& use = out.uses[i];
    if (i >= Provenance::kTyped) {  // a figure could not name it
      use.reason = "more images than a bulletin can tell apart";
      continue;
    }
    if (IsDecorativeImage(images[i])) {
      use.reason = images[i].src.empty() ? "no source" : "decorative";
      continue;
    }
    if (section != nullptr && !section->extract) {
      use.reason = "outside the bulletin's sections (" + section->name + ")";
      continue;
    }
    if (!reader) {
      use.status = ImageStatus::kUnread;
      use.reason = "images are not read";  // parser.cc: kImagesNotRead
      continue;
    }
    const ImageLookup lookup = reader->Read(images[i]);
    use.status = lookup.status;
    use.reason = lookup.reason;
    if (lookup.status != ImageStatus::kRead ||
        (!lookup.text && !lookup.lines)) {
      continue;
    }
    cut.prepared = Prepare(lookup, rules);
    cut.image = i;
    size += kHardBreak.size() + 1 + cut.prepared->text.size();
    image_lines += cut.prepared->spliced.size();
    ++read;
  }
  out.text.reserve(size);
  out.lines.reserve(image_lines);
  if (read > 0) out.verdicts.reserve(verdicts.size() + image_lines);
  out.prepared.reserve(read);
  std::size_t copied = 0;       // of the normalized text
  std::size_t verdicts_in = 0;  // of the text's verdicts
  for (Cut& cut : cuts) {
    out.text.append(normalized.substr(copied, cut.begin - copied));
    copied = cut.end;
    if (!cut.prepared) continue;
    out.verdicts.insert(out.verdicts.end(), verdicts.begin() + verdicts_in,
                        verdicts.begin() + cut.verdicts);
    verdicts_in = cut.verdicts;
    out.text += kHardBreak;
    out.text += '\n';
    AppendPrepared(std::move(cut.prepared), cut.image, &out);
  }
  out.text.append(normalized.substr(copied));
  // Each line ends with a break, the last too.
  if (copied < normalized.size() && normalized.back() != '\n') out.text += '\n';
  if (read == 0) {
    // Without an image read (a cover, an avatar) the verdicts are the text's.
    out.verdicts = std::move(verdicts);
  } else {
    out.verdicts.insert(out.verdicts.end(), verdicts.begin() + verdicts_in,
                        verdicts.end());
  }
  return out;
}

void MarkImageSpans(const Spliced& spliced, Layout* layout) {
  // Pieces follow their input, so the first line that begins after each
  // piece is found by walking the lines once alongside them.
  auto it = spliced.lines.begin();
  std::size_t previous_input = 0;
  for (const TextPiece& piece : layout->pieces) {
    if (piece.input_begin < previous_input) it = spliced.lines.begin();
    previous_input = piece.input_begin;
    while (it != spliced.lines.end() && it->begin <= piece.input_begin) ++it;
    if (it == spliced.lines.begin()) continue;
    const SplicedLine& line = *std::prev(it);
    if (piece.input_begin >= line.end) continue;
    auto& spans = layout->image_spans;
    const std::size_t end = piece.begin + piece.length;
    if (!spans.empty() && spans.back().second + 1 >= piece.begin) {
      spans.back().second = end;  // joined lines of one run of image text
    } else {
      spans.emplace_back(piece.begin, end);
    }
  }
}

namespace {

using PieceIt = std::vector<TextPiece>::const_iterator;
using LineIt = std::vector<SplicedLine>::const_iterator;

// The last of [first, last) (in order of `begin`) that begins at or before
// `offset`, else `first`: as a binary search finds it, but galloping from
// `hint` where that begins at or before `offset` too. Figures come mostly
// in the order of the text, a few lines apart.
template <typename It>
It LastAtOrBefore(It first, It last, It hint, std::size_t offset) {
  It lo = hint != last && hint->begin <= offset ? hint : first;
  It hi = last;
  for (std::ptrdiff_t step = 1; last - lo > step; step *= 2) {
    if ((lo + step)->begin > offset) {
      hi = lo + step;
      break;
    }
    lo += step;
  }
  It it = std::upper_bound(
      lo, hi, offset, [](std::size_t o, const auto& e) { return o < e.begin; });
  return it == first ? it : std::prev(it);
}

// The last piece from `from` on that begins at or before `offset`, as
// Layout::InputOffset finds it, walking from a piece found before.
PieceIt PieceFrom(const Layout& layout, PieceIt from, std::size_t offset) {
  while (std::next(from) != layout.pieces.end() &&
         std::next(from)->begin <= offset) {
    ++from;
  }
  return from;
}

// Where `offset` of the layout's text stands in the input, if it is inside
// the piece `at`.
std::optional<std::size_t> InputIn(PieceIt at, std::size_t offset) {
  if (offset < at->begin || offset >= at->begin + at->length) {
    return std::nullopt;
  }
  return at->input_begin + (offset - at->begin);
}

// Where the recognised `line` of `input` stands whole in the layout's text,
// looked for in the piece near `near` that holds its input (pieces lie in
// the order of the input too; were one found wrongly, the bytes would
// differ and nothing be found).
std::optional<ImageLineSpan> LineInLayout(const Layout& layout,
                                          std::string_view input,
                                          const SplicedLine& line,
                                          PieceIt* near) {
  const std::size_t from = line.begin;
  PieceIt piece = *near;
  while (piece != layout.pieces.begin() && piece->input_begin > from) --piece;
  while (std::next(piece) != layout.pieces.end() &&
         std::next(piece)->input_begin <= from) {
    ++piece;
  }
  *near = piece;
  if (piece->input_begin > from || from >= piece->input_begin + piece->length) {
    return std::nullopt;
  }
  const std::size_t at = piece->begin + (from - piece->input_begin);
  const std::size_t size = line.end - line.begin;
  // The top bit of `end` says that the next line goes on (kGoesOn).
  if (at + size >= ImageLineSpan::kGoesOn) return std::nullopt;
  // A piece is a copy of its input: only a line that runs past its piece
  // (a heading's, with text after it) needs its bytes compared.
  if (from + size > piece->input_begin + piece->length &&
      layout.text.compare(at, size, input.substr(from, size)) != 0) {
    return std::nullopt;
  }
  return ImageLineSpan{static_cast<std::uint32_t>(at),
                       static_cast<std::uint32_t>(at + size)};
}

// Places the recognised `lines` (of `input`) of a figure read from an
// image in the bulletin's account of image lines: as spans of the layout's
// text where each stands whole (most figures), else as one copy kept in
// `b->image_kept`, joined by line breaks. `match` is the piece the figure's
// match begins in; `joined` is room to work in. Adds at most one entry per
// line to `b->image_lines`.
void PlaceImageLine(const Layout& layout, std::string_view input,
                    std::span<const SplicedLine* const> lines, PieceIt match,
                    Bulletin* b, std::string* joined, Provenance* p) {
  using Source = ImageLineSpan;
  auto& told = b->image_lines;
  // More lines than a bulletin can count: the line is not told (no index
  // reaches the last).
  constexpr std::size_t kNoLine = std::numeric_limits<std::uint16_t>::max();
  const std::size_t start = told.size();
  if (start + lines.size() > kNoLine) {
    p->image_line = static_cast<std::uint16_t>(kNoLine);
    return;
  }
  for (const SplicedLine* line : lines) {
    const auto span = LineInLayout(layout, input, *line, &match);
    if (!span) {
      told.resize(start);
      break;
    }
    if (told.size() > start) told.back().end |= Source::kGoesOn;
    told.push_back(*span);
  }
  if (const std::size_t n = told.size() - start; n > 0) {
    // The figure before often stands on the same lines: told once.
    const auto same = [](const Source& x, const Source& y) {
      return x.begin == y.begin && x.end == y.end;
    };
    if (start >= n &&
        std::equal(told.begin() + static_cast<long>(start - n),
                   told.begin() + static_cast<long>(start),
                   told.begin() + static_cast<long>(start), same)) {
      const std::size_t before = start - n;
      // Those lines must be a figure's whole: not the end of a longer run.
      if (before == 0 || told[before - 1].end == Source::kKept ||
          !(told[before - 1].end & Source::kGoesOn)) {
        told.resize(start);
        p->image_line = static_cast<std::uint16_t>(before);
        return;
      }
    }
    p->image_line = static_cast<std::uint16_t>(start);
    return;
  }
  joined->clear();
  for (const SplicedLine* l : lines) {
    if (!joined->empty()) *joined += '\n';
    joined->append(input.substr(l->begin, l->end - l->begin));
  }
  auto& kept = b->image_kept;
  const auto same = std::find(kept.begin(), kept.end(), *joined);
  p->image_line = static_cast<std::uint16_t>(start);
  told.push_back(
      Source{static_cast<std::uint32_t>(same - kept.begin()), Source::kKept});
  if (same == kept.end()) kept.push_back(*joined);
}

// The OCR confidence of the figure at [b, e) of `line`'s image text: its
// characters, and each word that is all figure; a word that also holds
// other characters ("%" or ";", often less sure) counts by the figure's
// characters alone. Where nothing can be told apart, the whole line's
// words count.
float FigureConfidence(const Spliced& spliced, const SplicedLine& line,
                       std::size_t b, std::size_t e) {
  float confidence = 100;
  bool found = false;
  // Words lie in the order of where they begin, each word's symbols after
  // it and inside it (AppendLine, AddWord): only the word where the
  // figure begins and what follows it, up to the figure's end, overlap.
  const auto& words = line.words;
  std::size_t first =
      std::upper_bound(words.begin(), words.end(), b,
                       [](std::size_t o, const SplicedLine::Word& w) {
                         return o < w.begin;
                       }) -
      words.begin();
  first = first > 0 ? first - 1 : 0;
  while (first > 0 && words[first].symbol) --first;
  for (std::size_t i = first; i < words.size() && words[i].begin < e; ++i) {
    const auto& w = words[i];
    const bool overlaps = w.begin < e && w.end > b;
    const bool inside = w.begin >= b && w.end <= e;
    // A word's symbols, if it has any, follow it (AddWord).
    const bool has_symbols =
        !w.symbol && i + 1 < words.size() && words[i + 1].symbol &&
        words[i + 1].begin >= w.begin && words[i + 1].end <= w.end;
    // Beside the figure, a word may hold only what a figure's wording puts
    // there; anything else ("8g1.7%") makes the whole word doubtful.
    bool odd_neighbours = false;
    if (overlaps && !w.symbol && !inside) {
      static constexpr std::string_view kNeighbours = "%;,.:()个万亿起";
      std::string_view word(spliced.text);
      word = word.substr(line.Spliced(w.begin), w.end - w.begin);
      for (std::size_t pos = 0; pos < word.size();) {
        const std::size_t at = w.begin + pos;
        const std::size_t start = pos;
        const char32_t c = utf8::Next(word, pos);
        if (at >= b && at < e) continue;
        odd_neighbours = odd_neighbours ||
                         kNeighbours.find(word.substr(start, pos - start)) ==
                             std::string_view::npos ||
                         c == 0xFFFD;
      }
    }
    if (overlaps && (w.symbol || inside || !has_symbols || odd_neighbours)) {
      confidence = std::min(confidence, w.confidence);
      found = true;
    }
  }
  if (!found) {
    for (const auto& w : line.words)
      confidence = std::min(confidence, w.confidence);
  }
  return confidence;
}

// A figure read from an image, as it is traced.
struct Traced {
  Value* value = nullptr;
  PieceIt match;                      // the piece its match begins in
  const SplicedLine* line = nullptr;  // the line the figure begins on
  std::size_t b = 0;  // the figure's span in the image's own text
  std::size_t e = 0;
  std::size_t first = 0;  // its match's lines: on_lines[first, first + count)
  std::size_t count = 0;
};

}  // namespace

void TraceImageValues(const Layout& layout, const Spliced& spliced,
                      Bulletin* bulletin) {
  std::vector<Value>* values = &bulletin->values;
  if (layout.image_spans.empty() || layout.pieces.empty()) return;
  // First where each figure stands, then one account of each image sized
  // for its figures: grown a figure at a time, they were most of a parse's
  // allocations.
  std::vector<Traced> traced;
  traced.reserve(values->size());
  std::vector<const SplicedLine*> on_lines;
  on_lines.reserve(2 * values->size());
  PieceIt piece_hint = layout.pieces.begin();
  LineIt line_hint = spliced.lines.begin();
  for (Value& v : *values) {
    Provenance& p = v.provenance;
    if (!layout.InImage(p.begin, p.end)) continue;
    // The piece the match begins in; the figure's pieces follow it.
    auto piece = LastAtOrBefore(layout.pieces.begin(), layout.pieces.end(),
                                piece_hint, p.begin);
    piece_hint = piece;
    const PieceIt match = piece;
    if (p.value_begin < match->begin) continue;  // not inside its match
    const PieceIt value_piece = PieceFrom(layout, match, p.value_begin);
    const std::size_t last =
        p.value_end > p.value_begin ? p.value_end - 1 : p.value_begin;
    const auto vb = InputIn(value_piece, p.value_begin);
    const auto ve = InputIn(PieceFrom(layout, value_piece, last), last);
    if (!vb) continue;
    // The recognised lines the whole match stands on: those the input of
    // each piece of text within the match overlaps, in order.
    const std::size_t first = on_lines.size();
    auto l = spliced.lines.end();
    std::size_t previous_from = 0;
    for (; piece != layout.pieces.end() && piece->begin < p.end; ++piece) {
      const std::size_t from = std::max<std::size_t>(p.begin, piece->begin);
      const std::size_t to =
          std::min<std::size_t>(p.end, piece->begin + piece->length);
      if (from >= to) continue;
      const std::size_t input_from = piece->input_begin + (from - piece->begin);
      const std::size_t input_to = piece->input_begin + (to - piece->begin);
      // The last line that begins at or before `input_from`: searched for
      // once, then walked to while the pieces follow their input.
      if (l == spliced.lines.end() || input_from < previous_from) {
        l = LastAtOrBefore(spliced.lines.begin(), spliced.lines.end(),
                           line_hint, input_from);
        line_hint = l;
      } else {
        while (std::next(l) != spliced.lines.end() &&
               std::next(l)->begin <= input_from) {
          ++l;
        }
      }
      previous_from = input_from;
      for (auto on = l; on != spliced.lines.end() && on->begin < input_to;
           ++on) {
        if (on->end <= input_from) continue;
        if (on_lines.size() > first && on_lines.back() == &*on) continue;
        on_lines.push_back(&*on);
      }
    }
    // The line the figure begins on is one of them, if it is on any.
    const SplicedLine* line = nullptr;
    for (std::size_t i = first; i < on_lines.size(); ++i) {
      if (on_lines[i]->begin <= *vb && *vb < on_lines[i]->end) {
        line = on_lines[i];
        break;
      }
    }
    if (!line) {
      on_lines.resize(first);
      continue;
    }
    // Words are placed in their image's own text: so are `b` and `e`. (A
    // figure that runs on to the next line ends past this line's words,
    // which are all that are weighed, wherever the next line stands.)
    const std::size_t b = line->Own(*vb);
    const std::size_t e = (ve ? line->Own(*ve) : b) + 1;
    traced.push_back({&v, match, line, b, e, first, on_lines.size() - first});
  }
  // The bulletin's account of image lines, sized for its figures: grown a
  // line at a time, it was most of a parse's allocations.
  std::size_t told = 0;
  for (const Traced& t : traced) told += t.count;
  bulletin->image_lines.reserve(told);
  std::string joined;
  for (const Traced& t : traced) {
    Provenance& p = t.value->provenance;
    PlaceImageLine(layout, spliced.text,
                   std::span(on_lines).subspan(t.first, t.count), t.match,
                   bulletin, &joined, &p);
    p.image = static_cast<std::uint16_t>(t.line->image);
    p.image_confidence = FigureConfidence(spliced, *t.line, t.b, t.e);
  }
}

}  // namespace cncert
