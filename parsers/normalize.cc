#include "parsers/normalize.h"

#include <cstdint>
#include <cstring>
#include <vector>

#include "parsers/utf8.h"

namespace cncert {

namespace {

bool IsAsciiLetter(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Tone-marked vowels of Hanyu Pinyin.
bool IsPinyinLetter(char32_t c) {
  static constexpr std::u32string_view kToned = U"āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü";
  return (c >= 'a' && c <= 'z') || kToned.find(c) != kToned.npos;
}

char32_t MapCodePoint(char32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) return cp - 0xFEE0;  // full-width ASCII
  switch (cp) {
    case 0x3000:  // ideographic space
    case 0x00A0:
    case 0x2002:
    case 0x2003:
    case 0x2009:
    case '\t':
    case '\f':
    case '\v':
      return ' ';
    case 0x200B:  // zero-width characters vanish
    case 0x200C:
    case 0x200D:
    case 0xFEFF:
      return 0;
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2015:
    case 0x2212:
    case 0xFE58:
    case 0xFE63:
      return '-';
    case 0x301C:
      return '~';
    case 0x3010:  // 【】 read as brackets
      return '[';
    case 0x3011:
      return ']';
    case 0xFF5F:
      return '(';
    case 0xFF60:
      return ')';
    case '\r':
      return '\n';
    default:
      return cp;
  }
}

// Whether the three bytes at `pos` of `text` are a CJK Unified Ideograph
// (U+4E00-U+9FFF) that is not a Traditional marker: most of a bulletin, and
// characters that normalizing keeps as they are.
inline bool PlainHanAt(std::string_view text, std::size_t pos,
                       const std::bitset<0x10000>& markers) {
  if (pos + 2 >= text.size()) return false;
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned b0 = bytes[pos];
  // Both continuation bytes at once: the same mask and value in each byte,
  // whatever the byte order.
  std::uint16_t tail = 0;
  std::memcpy(&tail, bytes + pos + 1, sizeof tail);
  if (b0 - 0xE4 > 0xE9 - 0xE4 || (tail & 0xC0C0) != 0x8080) return false;
  const char32_t cp = (char32_t{b0} & 0x0F) << 12 |
                      (char32_t{bytes[pos + 1]} & 0x3F) << 6 |
                      (char32_t{bytes[pos + 2]} & 0x3F);
  return cp >= 0x4E00 && !markers[cp];
}

// The mapped code points of a text, zero-width characters left out; 0 at
// its end. Counts the Traditional characters it reads on the way.
class MappedReader {
 public:
  explicit MappedReader(std::string_view text) : text_(text) {}
  char32_t Next() {
    while (pos_ < text_.size()) {
      const char32_t read = utf8::Next(text_, pos_);
      if (read >= 0x4E00 && read < 0x10000 && (*markers_)[read]) ++traditional_;
      if (const char32_t cp = MapCodePoint(read); cp != 0) return cp;
    }
    return 0;
  }
  // The run at the reading position of characters that map to themselves
  // whatever stands beside them: CJK Unified Ideographs (U+4E00-U+9FFF)
  // that are not Traditional markers, and printable ASCII but '(' and the
  // space; most of a bulletin. One run across both, as a bulletin mixes
  // them every few characters ("事件177起"): the reader moves past it.
  std::string_view PlainRun() {
    const std::size_t start = pos_;
    while (pos_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c < 0x80) {
        if (c <= ' ' || c == 0x7F || c == '(') break;
        ++pos_;
      } else if (PlainHanAt(text_, pos_, *markers_)) {
        pos_ += 3;
      } else {
        break;
      }
    }
    return text_.substr(start, pos_ - start);
  }
  int traditional() const { return traditional_; }

 private:
  std::string_view text_;
  // Looked up once, not on every character.
  const std::bitset<0x10000>* markers_ = &TraditionalMarkers();
  std::size_t pos_ = 0;
  int traditional_ = 0;
};

// Drops "(gè)" right after a Han character: a lower-case pinyin reading at
// most one syllable long, so that "(conficker)" or "(GOV)" stay. `reader`
// stands after the '('; when it is an annotation, it is moved past its ')'.
bool SkipPinyinAnnotation(MappedReader& reader) {
  MappedReader ahead = reader;
  char32_t c = ahead.Next();
  int letters = 0;
  while (letters < 7 && IsPinyinLetter(c)) {
    ++letters;
    c = ahead.Next();
  }
  if (c != ')' || letters < 1 || letters > 6) return false;
  reader = ahead;
  return true;
}

// Writes the kept characters of each line: a space only between two Latin
// letters ("CNCERT Weekly"), no empty line.
class LineWriter {
 public:
  explicit LineWriter(std::string& out) : out_(out), line_start_(out.size()) {}
  void Space() { space_pending_ = true; }
  void Put(char32_t c) {
    const bool letter = IsAsciiLetter(c);
    if (space_pending_ && after_letter_ && letter) out_ += ' ';
    space_pending_ = false;
    after_letter_ = letter;
    utf8::Append(out_, c);
  }
  // Put() of each character of a run that PlainRun() gave: no space in it.
  void PutPlain(std::string_view run) {
    const auto letter = [](char c) {
      return IsAsciiLetter(static_cast<unsigned char>(c));
    };
    if (space_pending_ && after_letter_ && letter(run.front())) out_ += ' ';
    space_pending_ = false;
    after_letter_ = letter(run.back());
    out_ += run;
  }
  void EndLine() {
    if (out_.size() > line_start_) out_ += '\n';
    line_start_ = out_.size();
    space_pending_ = after_letter_ = false;
  }

 private:
  std::string& out_;
  std::size_t line_start_;
  bool space_pending_ = false;
  bool after_letter_ = false;  // the last character kept on this line
};

// One pass over `text`; `traditional` is set to how many Traditional
// characters it holds.
std::string NormalizePass(std::string_view text, int* traditional) {
  MappedReader reader(text);
  std::string out;
  out.reserve(text.size());
  LineWriter line(out);
  char32_t previous = 0;
  for (;;) {
    if (const std::string_view run = reader.PlainRun(); !run.empty()) {
      line.PutPlain(run);
      const auto last = static_cast<unsigned char>(run.back());
      if (last < 0x80) {
        previous = last;
      } else {
        std::size_t han = run.size() - 3;  // a Han character's three bytes
        previous = utf8::Next(run, han);
      }
    }
    char32_t c = reader.Next();
    if (c == 0) break;
    if (c == '\n') {
      line.EndLine();
    } else if (c == '(' && utf8::IsCjk(previous) &&
               SkipPinyinAnnotation(reader)) {
      c = ')';
    } else if (c == ' ') {
      line.Space();
    } else if (c >= 0x20) {  // stray control characters go
      line.Put(c);
    }
    previous = c;
  }
  line.EndLine();
  *traditional = reader.traditional();
  return out;
}

}  // namespace

bool NormalizesToItself(std::string_view text) {
  const std::bitset<0x10000>& markers = TraditionalMarkers();
  for (std::size_t pos = 0; pos < text.size();) {
    const auto c = static_cast<unsigned char>(text[pos]);
    if (c < 0x80) {
      // A space may go, and '(' may open a pinyin annotation.
      if (c <= ' ' || c == '(' || c == 0x7F) return false;
      ++pos;
    } else if (PlainHanAt(text, pos, markers)) {
      pos += 3;
    } else {
      return false;
    }
  }
  return true;
}

std::string NormalizeText(std::string_view raw) {
  int traditional = 0;
  std::string out = NormalizePass(raw, &traditional);
  // Most bulletins hold no Traditional characters: counted on the way, and
  // the text converted and read again only when it has more than a trace.
  if (traditional < kTraditionalTrace) return out;
  return NormalizePass(TraditionalToSimplified(raw), &traditional);
}

}  // namespace cncert
