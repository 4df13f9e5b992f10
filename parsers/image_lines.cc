#include "parsers/image_lines.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "parsers/image_trust.h"
#include "parsers/normalize.h"
#include "parsers/utf8.h"

namespace cncert {

namespace {

// A word's place in the text, character by character where the normalized
// word has as many characters as the recognised one.
void AddWord(const OcrWord& w, std::string_view normalized, std::size_t at,
             std::vector<ImageWord>* out) {
  const auto offset = [at](std::size_t pos) {
    return static_cast<std::uint32_t>(at + pos);
  };
  out->push_back({offset(0), offset(normalized.size()), w.confidence, false});
  std::size_t characters = 0;
  for (std::size_t pos = 0; pos < normalized.size(); ++characters) {
    utf8::Next(normalized, pos);
  }
  if (characters != w.symbols.size()) return;
  std::size_t i = 0;
  for (std::size_t pos = 0; pos < normalized.size(); ++i) {
    const std::size_t begin = pos;
    utf8::Next(normalized, pos);
    out->push_back({offset(begin), offset(pos), w.symbols[i], true});
  }
}

// Appends one recognised line, normalized and repaired, with its words.
void AppendLine(const OcrLine& line, ImageLines* out) {
  std::string raw;
  std::size_t spans = 0;  // of words and their characters
  for (const auto& w : line.words) {
    if (!raw.empty()) raw += ' ';
    raw += w.text;
    spans += 1 + w.symbols.size();
  }
  std::string text = NormalizeText(raw);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  // A recognised line never holds a line break of its own.
  std::replace(text.begin(), text.end(), '\n', ' ');
  text = FixOcrConfusions(text);
  StripMarkers(text);
  if (text.empty()) return;
  const std::size_t begin = out->text.size();
  const std::size_t first_word = out->words.size();
  out->words.reserve(first_word + spans);
  std::size_t cursor = 0;
  for (const auto& w : line.words) {
    std::string normalized;
    std::string_view word = w.text;
    if (!NormalizesToItself(word)) {
      normalized = NormalizeText(word);
      while (!normalized.empty() && normalized.back() == '\n') {
        normalized.pop_back();
      }
      word = normalized;
    }
    if (word.empty()) continue;
    std::size_t at = text.find(word, cursor);
    std::string fixed;
    if (at == std::string::npos) {
      fixed = FixOcrConfusions(word);
      word = fixed;
      at = text.find(word, cursor);
    }
    if (at == std::string::npos || word.empty()) continue;
    AddWord(w, word, begin + at, &out->words);
    cursor = at + word.size();
  }
  out->text += text;
  out->text += '\n';
  out->lines.push_back(
      {begin, begin + text.size(), first_word, out->words.size() - first_word});
}

constexpr std::string_view kMagic = "cncert-image-lines ";
// A block's end in the text.
constexpr std::string_view kBlockEnd = "\xEE\x80\x81\n";
static_assert(kBlockEnd.substr(0, 3) == kHardBreak);
// Line, word: their fields of four bytes (a word's flag: one more).
constexpr std::size_t kFieldBytes = 4;
constexpr std::size_t kLineBytes = 3 * kFieldBytes;
constexpr std::size_t kWordBytes = 3 * kFieldBytes + 1;

void Put(std::uint32_t v, std::string& out) {
  const char bytes[4] = {static_cast<char>(v), static_cast<char>(v >> 8),
                         static_cast<char>(v >> 16),
                         static_cast<char>(v >> 24)};
  out.append(bytes, 4);
}

// The field at `b`, as Put wrote it.
std::uint32_t Field(const unsigned char* b) {
  return std::uint32_t{b[0]} | std::uint32_t{b[1]} << 8 |
         std::uint32_t{b[2]} << 16 | std::uint32_t{b[3]} << 24;
}

// Reads what Put wrote, from the front of `in`; false when too short.
bool Take(std::string_view& in, std::uint32_t* v) {
  if (in.size() < 4) return false;
  *v = Field(reinterpret_cast<const unsigned char*>(in.data()));
  in.remove_prefix(4);
  return true;
}

bool IsContinuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Whether the text is its lines and the breaks after them and after each
// block, and nothing else: nothing the recogniser could not have given
// (a marker, a heading line of its own) stands between them.
bool LinesMakeText(const ImageLines& lines) {
  const std::string_view text = lines.text;
  std::size_t pos = 0;
  std::size_t next = 0;
  while (pos < text.size()) {
    if (text.substr(pos).starts_with(kBlockEnd)) {
      pos += kBlockEnd.size();
      continue;
    }
    if (next == lines.lines.size()) return false;
    const ImageLines::Line& line = lines.lines[next++];
    if (line.begin != pos || line.end <= line.begin ||
        line.end >= text.size() || text[line.end] != '\n') {
      return false;
    }
    const std::string_view body = text.substr(pos, line.end - pos);
    // U+E000 and U+E001: markers are stripped from recognised lines.
    if (body.find('\n') != std::string_view::npos ||
        body.find("\xEE\x80\x80") != std::string_view::npos ||
        body.find(kHardBreak) != std::string_view::npos) {
      return false;
    }
    pos = line.end + 1;
  }
  return next == lines.lines.size();
}

}  // namespace

ImageLines PrepareImageLines(const ImageText& text) {
  ImageLines out;
  for (const auto& block : text.blocks) {
    for (const auto& line : block.lines) AppendLine(line, &out);
    out.text += kBlockEnd;
  }
  // No name spans a line: the breaks between blocks change nothing.
  out.named_issue = IssueNamedIn(out.text);
  return out;
}

const ImageText& PreparationSample() {
  static const ImageText* const kSample = [] {
    // The misreadings FixOcrConfusions repairs, in their contexts, and what
    // normalization changes (full-width forms, spaces, markers).
    static const char* const kLines[] = {
        "境内被纂改网站",
        "植入后内的网站",
        "仿时页面",
        "占比33,2%",
        "34.8%%为",
        "约占境内5.49)",
        "数量约51.芝",
        "I|P地址",
        "[地址",
        "地址承塌了",
        "漏润中",
        "中和危漏洞",
        "项级域",
        "评价为三",
        "〈conficker)",
        "53个人约占",
        "共计8个!",
        "本周 １２３ 起，",
        "安全\xEE\x80\x80态势",
    };
    auto* text = new ImageText;
    OcrBlock& block = text->blocks.emplace_back();
    for (const char* line : kLines) {
      block.lines.push_back({{{line, 90, {}}}});
    }
    // A word whose characters have confidences of their own.
    block.lines.push_back({{{"177起", 90, {99, 98, 60, 80}}}});
    return text;
  }();
  return *kSample;
}

std::string ImageLinesToBytes(const ImageLines& lines) {
  std::string out(kMagic);
  out += std::to_string(kImageLinesFormat);
  out += '\n';
  out.reserve(out.size() + 12 + lines.text.size() +
              kLineBytes * lines.lines.size() +
              kWordBytes * lines.words.size());
  Put(static_cast<std::uint32_t>(lines.text.size()), out);
  out += lines.text;
  Put(static_cast<std::uint32_t>(lines.lines.size()), out);
  for (const auto& line : lines.lines) {
    Put(static_cast<std::uint32_t>(line.begin), out);
    Put(static_cast<std::uint32_t>(line.end), out);
    Put(static_cast<std::uint32_t>(line.word_count), out);
  }
  Put(static_cast<std::uint32_t>(lines.words.size()), out);
  for (const auto& w : lines.words) {
    Put(static_cast<std::uint32_t>(w.begin), out);
    Put(static_cast<std::uint32_t>(w.end), out);
    Put(std::bit_cast<std::uint32_t>(w.confidence), out);
    out += static_cast<char>(w.symbol ? 1 : 0);
  }
  return out;
}

std::optional<ImageLines> ImageLinesFromBytes(std::string_view in) {
  const std::string magic =
      std::string(kMagic) + std::to_string(kImageLinesFormat) + "\n";
  if (!in.starts_with(magic)) return std::nullopt;
  in.remove_prefix(magic.size());
  ImageLines out;
  std::uint32_t n = 0;
  if (!Take(in, &n) || n > in.size()) return std::nullopt;
  out.text.assign(in.substr(0, n));
  in.remove_prefix(n);
  if (!utf8::IsValid(out.text)) return std::nullopt;
  // Counts are believed only as far as the bytes left could hold them.
  if (!Take(in, &n) || n > in.size() / kLineBytes) return std::nullopt;
  out.lines.resize(n);
  std::size_t words = 0;
  for (auto& line : out.lines) {
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
    std::uint32_t count = 0;
    Take(in, &begin);
    Take(in, &end);
    Take(in, &count);
    line = {begin, end, words, count};
    words += count;
  }
  if (!LinesMakeText(out)) return std::nullopt;
  if (!Take(in, &n) || n != words || n > in.size() / kWordBytes ||
      in.size() != std::size_t{n} * kWordBytes) {
    return std::nullopt;
  }
  // Filled as read, not zeroed first: a start-up reads every image's. The
  // size is known to hold them all: each field is read where it stands.
  out.words.reserve(n);
  const auto* word = reinterpret_cast<const unsigned char*>(in.data());
  const std::string_view text = out.text;
  for (const auto& line : out.lines) {
    for (std::size_t i = 0; i < line.word_count; ++i, word += kWordBytes) {
      const std::uint32_t begin = Field(word);
      const std::uint32_t end = Field(word + kFieldBytes);
      const auto confidence =
          std::bit_cast<float>(Field(word + 2 * kFieldBytes));
      const unsigned char symbol = word[3 * kFieldBytes];
      // Inside its line (whose break follows it), on characters' boundaries.
      if (begin > end || begin < line.begin || end > line.end) {
        return std::nullopt;
      }
      if (IsContinuation(text[begin]) || IsContinuation(text[end]) ||
          symbol > 1 || !std::isfinite(confidence)) {
        return std::nullopt;
      }
      out.words.push_back({begin, end, confidence, symbol == 1});
    }
  }
  out.named_issue = IssueNamedIn(out.text);
  return out;
}

}  // namespace cncert
