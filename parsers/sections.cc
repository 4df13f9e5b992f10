#include "parsers/sections.h"

#include <re2/re2.h>

#include <algorithm>

#include "parsers/anchored_matcher.h"
#include "parsers/images.h"
#include "parsers/line_marks.h"
#include "parsers/utf8.h"

namespace cncert {

namespace {

bool IsCaption(std::string_view line) {
  if (!line.starts_with("图")) return false;  // most lines, without RE2
  static const RE2 kCaption(
      R"(^图\s*(?:\d+|[一二三四五六七八九十]+)[^。]{0,60}$)");
  return RE2::FullMatch(line, kCaption);
}

// RE2::Consume(probe, section.headings[h]), by the own matcher when it has
// the heading and is sure.
bool ConsumeHeading(const SectionDef& section, std::size_t h,
                    re2::StringPiece* probe) {
  const std::string_view text(probe->data(), probe->size());
  re2::StringPiece whole;
  if (!MatchAnchored(
          section.headings[h].anchored.get(),
          [&section, h]() -> const RE2& { return section.headings[h].regex(); },
          text, 0, text.size(), &whole, 1)) {
    return false;
  }
  probe->remove_prefix(whole.size());
  return true;
}

// A heading line names one section; text may follow a heading after a colon.
const SectionDef* MatchHeading(std::string_view line, const RuleSet& rules,
                               std::string_view* rest) {
  if (line.size() > 120) return nullptr;
  const std::size_t numbering = HeadingNumberingLength(line);
  re2::StringPiece stripped(line.data() + numbering, line.size() - numbering);
  if (rules.any_heading
          ? !rules.any_heading->Match(stripped, nullptr)
          : !rules.heading_starts.MayStartAt(
                std::string_view(stripped.data(), stripped.size()), 0)) {
    return nullptr;
  }
  for (const auto& section : rules.sections) {
    for (std::size_t h = 0; h < section.headings.size(); ++h) {
      re2::StringPiece probe = stripped;
      if (!ConsumeHeading(section, h, &probe)) continue;
      if (!probe.empty() && probe[0] == ':')
        probe.remove_prefix(1);
      else if (!probe.empty())
        continue;
      *rest = std::string_view(probe.data(), probe.size());
      return &section;
    }
  }
  return nullptr;
}

}  // namespace

bool EndsSentence(std::string_view text) {
  if (text.empty()) return true;
  for (std::string_view end : {"。", ";", ":", "!", "?", "\n"}) {
    if (text.ends_with(end)) return true;
  }
  return false;
}

LineVerdict ReadLineVerdict(std::string_view line, std::size_t begin,
                            const RuleSet& rules) {
  LineVerdict verdict{begin, IsCaption(line), -1, 0};
  if (verdict.caption || line.empty() || line == kHardBreak) return verdict;
  std::string_view rest;
  if (const SectionDef* section = MatchHeading(line, rules, &rest)) {
    verdict.section = static_cast<int>(section - rules.sections.data());
    verdict.heading_length = line.size() - rest.size();
  }
  return verdict;
}

const SectionDef* OpensSection(std::string_view line, const RuleSet& rules) {
  const LineVerdict verdict = ReadLineVerdict(line, 0, rules);
  return verdict.section < 0 ? nullptr : &rules.sections[verdict.section];
}

Layout SegmentSections(std::string_view normalized, const RuleSet& rules,
                       std::span<const LineVerdict> known) {
  Layout layout;
  layout.text.reserve(normalized.size());
  // Interned once: a lock each, per bulletin, was contended across threads.
  static const Name kLead("lead");
  static const Name kBody("body");
  SectionSpan current{kLead, 0, 0, true};
  auto close = [&layout, &current]() {
    current.end = layout.text.size();
    if (current.end > current.begin) layout.sections.push_back(current);
  };
  auto append = [&layout, &current, normalized](std::string_view line) {
    const std::string_view so_far =
        std::string_view(layout.text).substr(current.begin);
    // A sentence broken across lines is glued without a space: Chinese text
    // has none, and its Latin tokens (IP, URL, CNVD) are split mid-word by
    // PDF line wrapping ("I" / "P地址").
    if (!so_far.empty() && EndsSentence(so_far) && !so_far.ends_with("\n")) {
      layout.text += '\n';
    }
    layout.pieces.push_back(
        {layout.text.size(),
         static_cast<std::size_t>(line.data() - normalized.data()),
         line.size()});
    layout.text.append(line);
  };

  auto next_known = known.begin();
  std::size_t pos = 0;
  while (pos < normalized.size()) {
    std::size_t eol = normalized.find('\n', pos);
    if (eol == std::string_view::npos) eol = normalized.size();
    const std::string_view line = normalized.substr(pos, eol - pos);
    const std::size_t begin = pos;
    pos = eol + 1;
    if (line.empty()) continue;
    if (line == kHardBreak) {
      if (!layout.text.empty() && !layout.text.ends_with("\n") &&
          layout.text.size() > current.begin) {
        layout.text += '\n';
      }
      continue;
    }
    while (next_known != known.end() && next_known->begin < begin) {
      ++next_known;
    }
    const LineVerdict verdict =
        next_known != known.end() && next_known->begin == begin
            ? *next_known
            : ReadLineVerdict(line, begin, rules);
    if (verdict.caption) continue;
    if (verdict.section >= 0) {
      const SectionDef& section = rules.sections[verdict.section];
      const std::string_view rest = line.substr(verdict.heading_length);
      close();
      if (!layout.text.empty() && !layout.text.ends_with("\n"))
        layout.text += '\n';
      layout.pieces.push_back(
          {layout.text.size(),
           static_cast<std::size_t>(line.data() - normalized.data()),
           verdict.heading_length});
      layout.text.append(line.substr(0, verdict.heading_length));
      layout.text += '\n';
      current =
          SectionSpan{section.name, layout.text.size(), 0, section.extract};
      layout.has_headings = true;
      if (!rest.empty()) append(rest);
      continue;
    }
    append(line);
  }
  close();
  if (!layout.has_headings) {
    for (auto& s : layout.sections) s.name = kBody;
  }
  return layout;
}

std::optional<std::size_t> Layout::InputOffset(std::size_t offset) const {
  // The last piece that begins at or before `offset`.
  auto it = std::upper_bound(
      pieces.begin(), pieces.end(), offset,
      [](std::size_t o, const TextPiece& p) { return o < p.begin; });
  if (it == pieces.begin()) return std::nullopt;
  --it;
  if (offset >= it->begin + it->length) return std::nullopt;
  return it->input_begin + (offset - it->begin);
}

bool Layout::InImage(std::size_t begin, std::size_t end) const {
  for (const auto& [b, e] : image_spans) {
    if (begin < e && end > b) return true;
  }
  return false;
}

}  // namespace cncert
