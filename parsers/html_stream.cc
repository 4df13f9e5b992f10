#include "parsers/html_stream.h"

#include <strings.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "parsers/html_tree.h"
#include "parsers/utf8.h"

namespace cncert {

namespace {

// Open elements beyond this go to gumbo, which has its own limits.
constexpr std::size_t kMaxOpen = 512;

bool IsHtmlSpace(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\f';
}
bool IsAsciiAlpha(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlnum(char c) { return IsAsciiAlpha(c) || IsAsciiDigit(c); }

std::size_t FirstNonSpace(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && IsHtmlSpace(s[i])) ++i;
  return i;
}

// Whether gumbo takes every character as it is: it replaces controls, C1
// controls, noncharacters and bad UTF-8 with U+FFFD and drops NULs. ASCII
// eight bytes at a time, the Han block's three-byte characters without
// decoding them: a page costs about a byte's instruction per byte.
bool PlainCharacters(std::string_view s) {
  static constexpr auto kFreeLead = [] {
    std::array<bool, 256> free{};
    for (std::size_t b = 0xE1; b <= 0xEE; ++b) free[b] = b != 0xED;
    return free;
  }();
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      if (i + 8 <= n) {
        std::uint64_t word = 0;
        std::memcpy(&word, p + i, sizeof word);
        constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
        // Bytes below 0x20 keep the high bit clear when 0x60 is added, DEL
        // sets it when 1 is: no carry crosses an ASCII byte either way.
        if ((word & kHigh) == 0 && ((~(word + 0x6060606060606060ULL) |
                                     (word + 0x0101010101010101ULL)) &
                                    kHigh) == 0) {
          i += 8;
          continue;
        }
      }
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r') ||
          c == 0x7F) {
        return false;
      }
      ++i;
      continue;
    }
    // A run of them; both continuation bytes tested at once (the same mask
    // and value in each byte, whatever the byte order). No overlong form,
    // surrogate or noncharacter starts with these leads.
    if (kFreeLead[c] && i + 2 < n) {
      for (std::uint16_t next = 0; i + 2 < n && kFreeLead[p[i]]; i += 3) {
        std::memcpy(&next, p + i + 1, sizeof next);
        if ((next & 0xC0C0) != 0x8080) return false;
      }
      continue;
    }
    // Anything else is decoded: gumbo replaces bad UTF-8 (a byte that
    // decodes alone to U+FFFD), C1 controls and noncharacters.
    const std::size_t start = i;
    const char32_t code = utf8::NextMultiByte(s, i);
    if ((code == 0xFFFD && i == start + 1) || code <= 0x9F ||
        (code >= 0xFDD0 && code <= 0xFDEF) || (code & 0xFFFE) == 0xFFFE) {
      return false;
    }
  }
  return true;
}

// Named references seen on bulletin pages, each only with its semicolon:
// without it, or for any other name, gumbo's table of 2,231 decides.
struct NamedReference {
  std::string_view name;
  std::string_view utf8;
};
constexpr NamedReference kNamedReferences[] = {
    {"amp", "&"},
    {"lt", "<"},
    {"gt", ">"},
    {"quot", "\""},
    {"apos", "'"},
    {"nbsp", "\xC2\xA0"},
    {"copy", "\xC2\xA9"},
    {"reg", "\xC2\xAE"},
    {"middot", "\xC2\xB7"},
    {"times", "\xC3\x97"},
    {"divide", "\xC3\xB7"},
    {"yen", "\xC2\xA5"},
    {"deg", "\xC2\xB0"},
    {"plusmn", "\xC2\xB1"},
    {"laquo", "\xC2\xAB"},
    {"raquo", "\xC2\xBB"},
    {"ldquo", "\xE2\x80\x9C"},
    {"rdquo", "\xE2\x80\x9D"},
    {"lsquo", "\xE2\x80\x98"},
    {"rsquo", "\xE2\x80\x99"},
    {"mdash", "\xE2\x80\x94"},
    {"ndash", "\xE2\x80\x93"},
    {"hellip", "\xE2\x80\xA6"},
    {"bull", "\xE2\x80\xA2"},
    {"trade", "\xE2\x84\xA2"},
    {"emsp", "\xE2\x80\x83"},
    {"ensp", "\xE2\x80\x82"},
    {"thinsp", "\xE2\x80\x89"},
};

// A numeric reference gumbo decodes to itself: not whitespace (a
// reference's character token is typed differently), no control, surrogate
// or noncharacter (replaced).
bool PlainReference(std::uint32_t code) {
  if (code >= 0x21 && code <= 0x7E) return true;
  return code >= 0xA0 && code <= 0x10FFFF &&
         !(code >= 0xD800 && code <= 0xDFFF) &&
         !(code >= 0xFDD0 && code <= 0xFDEF) && (code & 0xFFFE) != 0xFFFE;
}

// Appends `raw` with its character references decoded. False for a
// reference this does not read as gumbo does.
bool AppendDecoded(std::string_view raw, bool in_attribute, std::string& out) {
  std::size_t i = 0;
  for (;;) {
    const std::size_t amp = raw.find('&', i);
    if (amp == std::string_view::npos) {
      out.append(raw.substr(i));
      return true;
    }
    out.append(raw.substr(i, amp - i));
    const std::size_t j = amp + 1;
    if (j == raw.size() || !(IsAsciiAlnum(raw[j]) || raw[j] == '#')) {
      out += '&';  // not a reference: tab, space, '<', '&', a quote, ...
      i = j;
      continue;
    }
    if (raw[j] == '#') {
      std::size_t k = j + 1;
      const bool hex = k < raw.size() && (raw[k] | 0x20) == 'x';
      if (hex) ++k;
      const std::size_t digits = k;
      std::uint32_t code = 0;
      while (k < raw.size()) {
        const char c = raw[k];
        std::uint32_t digit = 0;
        if (IsAsciiDigit(c)) {
          digit = static_cast<std::uint32_t>(c - '0');
        } else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
          digit = static_cast<std::uint32_t>((c | 0x20) - 'a' + 10);
        } else {
          break;
        }
        code = code * (hex ? 16 : 10) + digit;
        if (code > 0x10FFFF) return false;
        ++k;
      }
      if (k == digits || k == raw.size() || raw[k] != ';' ||
          !PlainReference(code)) {
        return false;
      }
      utf8::Append(out, code);
      i = k + 1;
      continue;
    }
    std::size_t k = j;
    while (k < raw.size() && IsAsciiAlnum(raw[k])) ++k;
    if (k < raw.size() && raw[k] == ';') {
      const std::string_view name = raw.substr(j, k - j);
      const NamedReference* found = nullptr;
      for (const NamedReference& r : kNamedReferences) {
        if (r.name == name) found = &r;
      }
      if (!found) return false;
      out.append(found->utf8);
      i = k + 1;
      continue;
    }
    // In an attribute, a name followed by '=' is never a reference (query
    // strings); anywhere else a prefix of it may be one of the references
    // that need no semicolon.
    if (in_attribute && k < raw.size() && raw[k] == '=') {
      out += '&';
      i = j;
      continue;
    }
    return false;
  }
}

bool IsSpecial(GumboTag tag) {
  if (IsHeading(tag)) return true;
  switch (tag) {
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_APPLET:
    case GUMBO_TAG_AREA:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_BASE:
    case GUMBO_TAG_BASEFONT:
    case GUMBO_TAG_BGSOUND:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_COL:
    case GUMBO_TAG_COLGROUP:
    case GUMBO_TAG_MENUITEM:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_DIR:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_FRAME:
    case GUMBO_TAG_FRAMESET:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_HGROUP:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_HTML:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_INPUT:
    case GUMBO_TAG_ISINDEX:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_LINK:
    case GUMBO_TAG_LISTING:
    case GUMBO_TAG_MARQUEE:
    case GUMBO_TAG_MENU:
    case GUMBO_TAG_META:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_NOEMBED:
    case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_P:
    case GUMBO_TAG_PARAM:
    case GUMBO_TAG_PLAINTEXT:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TH:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TITLE:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_WBR:
    case GUMBO_TAG_XMP:
      return true;
    default:
      return false;
  }
}

// Elements whose start tag closes an open <p> (headings, <pre>, <li>, <hr>
// and <form> aside): the address-to-ul group of the HTML parsing algorithm.
bool ClosesParagraph(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_DIR:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_HGROUP:
    case GUMBO_TAG_MENU:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_P:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_UL:
      return true;
    default:
      return false;
  }
}

// Implied end tags: elements a later tag closes without saying so.
bool HasImpliedEnd(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_OPTION:
    case GUMBO_TAG_OPTGROUP:
    case GUMBO_TAG_P:
    case GUMBO_TAG_RP:
    case GUMBO_TAG_RB:
    case GUMBO_TAG_RT:
    case GUMBO_TAG_RTC:
      return true;
    default:
      return false;
  }
}

enum class Raw { kRcdata, kRawtext, kScript };

class Stream {
 public:
  Stream(std::string_view page, ArticleText& out) : s_(page), out_(out) {}

  bool Run() {
    if (!PlainCharacters(s_)) return false;
    if (s_.find('\r') != std::string_view::npos) {
      // The input stream's newlines: CR LF and lone CR become LF.
      normalized_.reserve(s_.size());
      for (std::size_t i = 0; i < s_.size(); ++i) {
        if (s_[i] != '\r') {
          normalized_ += s_[i];
        } else {
          normalized_ += '\n';
          if (i + 1 < s_.size() && s_[i + 1] == '\n') ++i;
        }
      }
      s_ = normalized_;
    }
    while (ok_ && pos_ < s_.size()) {
      const std::size_t lt = s_.find('<', pos_);
      const std::size_t end = lt == std::string_view::npos ? s_.size() : lt;
      if (end > pos_) Characters(s_.substr(pos_, end - pos_));
      pos_ = end;
      if (ok_ && pos_ < s_.size()) Markup();
    }
    if (!ok_) return false;
    End();
    return ok_;
  }

 private:
  enum class Mode {
    kInitial,
    kBeforeHtml,
    kBeforeHead,
    kInHead,
    kAfterHead,
    kInBody,
  };
  struct Element {
    GumboTag tag;
    bool formatting;
    int id;
  };

  void Fail() { ok_ = false; }

  // --- the tree: gumbo's buffer of text, the stack of open elements ---

  void AddText(std::string_view text) {
    if (text.empty()) return;
    pending_.append(text);
    if (!pending_has_text_) {
      pending_has_text_ = FirstNonSpace(text) < text.size();
    }
  }

  // gumbo makes one text node of the characters between two insertions.
  void Flush() {
    if (pending_.empty()) return;
    out_.Text(pending_, !pending_has_text_);
    pending_.clear();
    pending_has_text_ = false;
  }

  void Push(GumboTag tag, HtmlAttributes attributes, bool formatting = false,
            bool head_child = false) {
    if (stack_.size() >= kMaxOpen) return Fail();
    Flush();
    out_.Enter(tag, attributes, head_child);
    stack_.push_back({tag, formatting, next_id_++});
  }

  void Pop() {
    Flush();
    out_.Leave();
    stack_.pop_back();
  }

  // Closes the open elements down to stack_[index]. A formatting element
  // closed by another's tag would be reopened by the parser later: that is
  // gumbo's to do.
  void PopThrough(std::size_t index, bool formatting_target = false) {
    while (ok_ && stack_.size() > index) {
      const bool target = stack_.size() - 1 == index;
      if (stack_.back().formatting && !(target && formatting_target)) {
        return Fail();
      }
      Pop();
    }
  }

  // The topmost open element with that tag, or -1.
  long Topmost(GumboTag tag) const {
    for (std::size_t i = stack_.size(); i > 0; --i) {
      if (stack_[i - 1].tag == tag) return static_cast<long>(i - 1);
    }
    return -1;
  }

  void Void(GumboTag tag, HtmlAttributes attributes, bool head_child = false) {
    Push(tag, attributes, false, head_child);
    if (ok_) Pop();
  }

  // Scope checks reduce to "is open": every element that bounds a scope
  // (tables, buttons, objects, templates, foreign content) is declined.
  void CloseParagraph() {
    if (const long p = Topmost(GUMBO_TAG_P); p >= 0) {
      PopThrough(static_cast<std::size_t>(p));
    }
  }

  void CloseListItem(bool li) {
    for (std::size_t i = stack_.size(); i > 0; --i) {
      const GumboTag tag = stack_[i - 1].tag;
      if (li ? tag == GUMBO_TAG_LI
             : (tag == GUMBO_TAG_DD || tag == GUMBO_TAG_DT)) {
        return PopThrough(i - 1);
      }
      if (IsSpecial(tag) && tag != GUMBO_TAG_ADDRESS && tag != GUMBO_TAG_DIV &&
          tag != GUMBO_TAG_P) {
        return;
      }
    }
  }

  // --- tokens ---

  void Characters(std::string_view raw) {
    std::string_view text = raw;
    if (raw.find('&') != std::string_view::npos) {
      decoded_.clear();
      if (!AppendDecoded(raw, false, decoded_)) return Fail();
      text = decoded_;
    }
    while (ok_ && !text.empty()) {
      switch (mode_) {
        case Mode::kInBody:
          AddText(text);
          return;
        case Mode::kInHead:
        case Mode::kAfterHead: {
          // Leading whitespace stays in the head (or the html element).
          const std::size_t k = FirstNonSpace(text);
          AddText(text.substr(0, k));
          text.remove_prefix(k);
          if (text.empty()) return;
          if (mode_ == Mode::kInHead) {
            Pop();
            mode_ = Mode::kAfterHead;
          }
          Push(GUMBO_TAG_BODY, {});
          mode_ = Mode::kInBody;
          break;
        }
        default:
          text.remove_prefix(FirstNonSpace(text));
          if (!text.empty()) Imply();
          break;
      }
    }
  }

  // One step of what any token but whitespace implies before the body.
  void Imply() {
    switch (mode_) {
      case Mode::kInitial:
        mode_ = Mode::kBeforeHtml;
        break;
      case Mode::kBeforeHtml:
        Push(GUMBO_TAG_HTML, {});
        mode_ = Mode::kBeforeHead;
        break;
      case Mode::kBeforeHead:
        Push(GUMBO_TAG_HEAD, {});
        mode_ = Mode::kInHead;
        break;
      case Mode::kInHead:
        Pop();
        mode_ = Mode::kAfterHead;
        break;
      case Mode::kAfterHead:
        Push(GUMBO_TAG_BODY, {});
        mode_ = Mode::kInBody;
        break;
      case Mode::kInBody:
        break;
    }
  }

  bool StartsWithNoCase(std::size_t at, std::string_view word) const {
    return s_.size() - at >= word.size() &&
           strncasecmp(s_.data() + at, word.data(), word.size()) == 0;
  }

  // At '<'.
  void Markup() {
    const std::size_t n = s_.size();
    const char next = pos_ + 1 < n ? s_[pos_ + 1] : '\0';
    if (IsAsciiAlpha(next)) {
      ++pos_;
      return StartTag();
    }
    if (next == '/') {
      const char after = pos_ + 2 < n ? s_[pos_ + 2] : '\0';
      if (IsAsciiAlpha(after)) {
        pos_ += 2;
        return EndTag();
      }
      if (after == '>') {  // "</>" is dropped
        pos_ += 3;
        return;
      }
      return Fail();  // a bogus comment, or "</" at the end
    }
    if (next == '!') {
      if (s_.compare(pos_, 4, "<!--") == 0) return Comment();
      if (StartsWithNoCase(pos_ + 2, "doctype")) {
        const std::size_t gt = s_.find('>', pos_ + 9);
        if (gt == std::string_view::npos) return Fail();
        pos_ = gt + 1;
        if (mode_ == Mode::kInitial) mode_ = Mode::kBeforeHtml;
        return;
      }
      return Fail();
    }
    if (next == '?') return Fail();
    Characters("<");
    ++pos_;
  }

  void Comment() {
    const std::size_t body = pos_ + 4;
    if (s_.compare(body, 1, ">") == 0 || s_.compare(body, 2, "->") == 0) {
      return Fail();
    }
    const std::size_t close = s_.find("-->", body);
    if (close == std::string_view::npos ||
        s_.substr(body, close - body).find("--!") != std::string_view::npos) {
      return Fail();
    }
    Flush();
    pos_ = close + 3;
  }

  // Reads a tag's name and attributes from pos_ (past "<" or "</") to past
  // its '>'.
  bool ReadTag(GumboTag& tag) {
    const std::size_t n = s_.size();
    std::size_t i = pos_;
    while (i < n && !IsHtmlSpace(s_[i]) && s_[i] != '/' && s_[i] != '>') ++i;
    if (i == n) return false;
    tag = gumbo_tagn_enum(s_.data() + pos_, static_cast<unsigned>(i - pos_));
    attributes_.clear();
    owned_.clear();
    for (;;) {
      while (i < n && (IsHtmlSpace(s_[i]) || s_[i] == '/')) {
        // A '/' not before '>' is dropped; before it, it marks a void tag,
        // which HTML elements ignore.
        ++i;
      }
      if (i == n) return false;
      if (s_[i] == '>') break;
      if (s_[i] == '=') return false;
      const std::size_t name_begin = i;
      bool upper = false;
      while (i < n && !IsHtmlSpace(s_[i]) && s_[i] != '/' && s_[i] != '>' &&
             s_[i] != '=') {
        const char c = s_[i];
        if (c == '"' || c == '\'' || c == '<') return false;
        upper = upper || (c >= 'A' && c <= 'Z');
        ++i;
      }
      std::string_view name = s_.substr(name_begin, i - name_begin);
      if (upper) {
        std::string& lower = owned_.emplace_back(name);
        for (char& c : lower) {
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c | 0x20);
        }
        name = lower;
      }
      while (i < n && IsHtmlSpace(s_[i])) ++i;
      std::string_view value;
      if (i < n && s_[i] == '=') {
        ++i;
        while (i < n && IsHtmlSpace(s_[i])) ++i;
        if (i == n || s_[i] == '>') return false;
        if (s_[i] == '"' || s_[i] == '\'') {
          const std::size_t close = s_.find(s_[i], i + 1);
          if (close == std::string_view::npos) return false;
          value = s_.substr(i + 1, close - i - 1);
          i = close + 1;
        } else {
          const std::size_t begin = i;
          while (i < n && !IsHtmlSpace(s_[i]) && s_[i] != '>') {
            const char c = s_[i];
            if (c == '"' || c == '\'' || c == '<' || c == '=' || c == '`') {
              return false;
            }
            ++i;
          }
          value = s_.substr(begin, i - begin);
        }
        if (value.find('&') != std::string_view::npos) {
          std::string& decoded = owned_.emplace_back();
          if (!AppendDecoded(value, true, decoded)) return false;
          value = decoded;
        }
      }
      // gumbo mishandles a repeated name (one without a value joins the
      // next name to it).
      for (const HtmlAttribute& a : attributes_) {
        if (a.name == name) return false;
      }
      attributes_.push_back({name, value});
    }
    pos_ = i + 1;
    return true;
  }

  void StartTag() {
    GumboTag tag = GUMBO_TAG_UNKNOWN;
    if (!ReadTag(tag)) return Fail();
    const HtmlAttributes attributes(attributes_);
    for (;;) {
      switch (mode_) {
        case Mode::kInitial:
        case Mode::kBeforeHtml:
          if (mode_ == Mode::kBeforeHtml && tag == GUMBO_TAG_HTML) {
            Push(GUMBO_TAG_HTML, attributes);
            mode_ = Mode::kBeforeHead;
            return;
          }
          Imply();
          continue;
        case Mode::kBeforeHead:
          if (tag == GUMBO_TAG_HTML) return Fail();  // attributes merge
          if (tag == GUMBO_TAG_HEAD) {
            Push(GUMBO_TAG_HEAD, attributes);
            mode_ = Mode::kInHead;
            return;
          }
          Imply();
          continue;
        case Mode::kInHead:
        case Mode::kAfterHead:
          if (HeadStartTag(tag, attributes)) return;
          if (!ok_) return;
          Imply();
          continue;
        case Mode::kInBody:
          return BodyStartTag(tag, attributes);
      }
    }
  }

  // The head's own elements, wherever they stand (in the body gumbo reads
  // them by its rules for the head, into the current element); false for
  // any other tag.
  bool HeadElement(GumboTag tag, HtmlAttributes attributes, bool head_child) {
    switch (tag) {
      case GUMBO_TAG_BASE:
      case GUMBO_TAG_BASEFONT:
      case GUMBO_TAG_BGSOUND:
      case GUMBO_TAG_LINK:
      case GUMBO_TAG_META:
        Void(tag, attributes, head_child);
        return true;
      case GUMBO_TAG_TITLE:
        RawElement(tag, attributes, Raw::kRcdata, head_child);
        return true;
      case GUMBO_TAG_NOFRAMES:
      case GUMBO_TAG_STYLE:
        RawElement(tag, attributes, Raw::kRawtext, head_child);
        return true;
      case GUMBO_TAG_SCRIPT:
        RawElement(tag, attributes, Raw::kScript, head_child);
        return true;
      default:
        return false;
    }
  }

  // The head's elements, in the head or after it; false for a tag that
  // starts the body.
  bool HeadStartTag(GumboTag tag, HtmlAttributes attributes) {
    const bool after = mode_ == Mode::kAfterHead;
    if (HeadElement(tag, attributes, after)) return true;
    switch (tag) {
      case GUMBO_TAG_HTML:
      case GUMBO_TAG_NOSCRIPT:
      case GUMBO_TAG_TEMPLATE:
      case GUMBO_TAG_MENUITEM:
      case GUMBO_TAG_FRAMESET:
        Fail();
        return false;
      case GUMBO_TAG_HEAD:
        return true;  // ignored
      case GUMBO_TAG_BODY:
        if (!after) return false;
        Push(GUMBO_TAG_BODY, attributes);
        mode_ = Mode::kInBody;
        return true;
      default:
        return false;
    }
  }

  void BodyStartTag(GumboTag tag, HtmlAttributes attributes) {
    if (IsFormattingElement(tag)) {
      // A second <a> or <nobr> open runs the adoption agency.
      if ((tag == GUMBO_TAG_A || tag == GUMBO_TAG_NOBR) && Topmost(tag) >= 0) {
        return Fail();
      }
      return Push(tag, attributes, true);
    }
    if (ClosesParagraph(tag) || IsHeading(tag)) {
      CloseParagraph();
      // A heading closes the heading it is in.
      if (ok_ && IsHeading(tag) && IsHeading(stack_.back().tag)) Pop();
      if (ok_) Push(tag, attributes);
      return;
    }
    if (HeadElement(tag, attributes, false)) return;
    switch (tag) {
      case GUMBO_TAG_AREA:
      case GUMBO_TAG_BR:
      case GUMBO_TAG_EMBED:
      case GUMBO_TAG_IMG:
      case GUMBO_TAG_KEYGEN:
      case GUMBO_TAG_WBR:
      case GUMBO_TAG_INPUT:
      case GUMBO_TAG_PARAM:
      case GUMBO_TAG_SOURCE:
      case GUMBO_TAG_TRACK:
        return Void(tag, attributes);
      case GUMBO_TAG_HR:
        CloseParagraph();
        if (ok_) Void(tag, attributes);
        return;
      case GUMBO_TAG_IFRAME:
      case GUMBO_TAG_NOEMBED:
        return RawElement(tag, attributes, Raw::kRawtext);
      case GUMBO_TAG_PRE:
      case GUMBO_TAG_LISTING:
        CloseParagraph();
        if (ok_) Push(tag, attributes);
        // The newline right after the start tag is not content.
        if (pos_ < s_.size() && s_[pos_] == '\n') ++pos_;
        if (pos_ < s_.size() && s_[pos_] == '&') Fail();
        return;
      case GUMBO_TAG_FORM:
        if (form_ >= 0) return;  // a form in a form is dropped
        CloseParagraph();
        if (!ok_) return;
        Push(tag, attributes);
        form_ = stack_.empty() ? -1 : stack_.back().id;
        return;
      case GUMBO_TAG_LI:
      case GUMBO_TAG_DD:
      case GUMBO_TAG_DT:
        CloseListItem(tag == GUMBO_TAG_LI);
        if (ok_) CloseParagraph();
        if (ok_) Push(tag, attributes);
        return;
      case GUMBO_TAG_HTML:
      case GUMBO_TAG_BODY:
      case GUMBO_TAG_FRAMESET:
      case GUMBO_TAG_TEMPLATE:
      case GUMBO_TAG_MENUITEM:
      case GUMBO_TAG_PLAINTEXT:
      case GUMBO_TAG_BUTTON:
      case GUMBO_TAG_APPLET:
      case GUMBO_TAG_MARQUEE:
      case GUMBO_TAG_OBJECT:
      case GUMBO_TAG_TABLE:
      case GUMBO_TAG_IMAGE:
      case GUMBO_TAG_ISINDEX:
      case GUMBO_TAG_TEXTAREA:
      case GUMBO_TAG_XMP:
      case GUMBO_TAG_SELECT:
      case GUMBO_TAG_OPTION:
      case GUMBO_TAG_OPTGROUP:
      case GUMBO_TAG_RB:
      case GUMBO_TAG_RP:
      case GUMBO_TAG_RT:
      case GUMBO_TAG_RTC:
      case GUMBO_TAG_MATH:
      case GUMBO_TAG_SVG:
      case GUMBO_TAG_CAPTION:
      case GUMBO_TAG_COL:
      case GUMBO_TAG_COLGROUP:
      case GUMBO_TAG_FRAME:
      case GUMBO_TAG_HEAD:
      case GUMBO_TAG_TBODY:
      case GUMBO_TAG_TD:
      case GUMBO_TAG_TFOOT:
      case GUMBO_TAG_TH:
      case GUMBO_TAG_THEAD:
      case GUMBO_TAG_TR:
        return Fail();
      default:
        return Push(tag, attributes);
    }
  }

  // An element whose content is text up to its own end tag: <title>
  // (references decoded), <style>, <script>, ...
  void RawElement(GumboTag tag, HtmlAttributes attributes, Raw raw,
                  bool head_child = false) {
    const std::string_view name = gumbo_normalized_tagname(tag);
    Push(tag, attributes, false, head_child);
    if (!ok_) return;
    std::size_t end = pos_;
    for (;;) {
      end = s_.find("</", end);
      if (end == std::string_view::npos) {
        end = s_.size();
        break;
      }
      const std::size_t after = end + 2 + name.size();
      if (after < s_.size() && StartsWithNoCase(end + 2, name) &&
          (IsHtmlSpace(s_[after]) || s_[after] == '/' || s_[after] == '>')) {
        break;
      }
      end += 2;
    }
    const std::string_view content = s_.substr(pos_, end - pos_);
    // In a script, "<!--" starts states where "</script>" may not end it.
    if (raw == Raw::kScript && content.find("<!--") != std::string_view::npos) {
      return Fail();
    }
    if (raw == Raw::kRcdata && content.find('&') != std::string_view::npos) {
      decoded_.clear();
      if (!AppendDecoded(content, false, decoded_)) return Fail();
      AddText(decoded_);
    } else {
      AddText(content);
    }
    pos_ = end;
    if (end < s_.size()) {
      pos_ += 2;
      GumboTag end_tag = GUMBO_TAG_UNKNOWN;
      if (!ReadTag(end_tag)) return Fail();
    }
    Pop();
  }

  void EndTag() {
    GumboTag tag = GUMBO_TAG_UNKNOWN;
    if (!ReadTag(tag)) return Fail();
    for (;;) {
      switch (mode_) {
        case Mode::kInitial:
          Imply();
          continue;
        case Mode::kBeforeHtml:
        case Mode::kBeforeHead:
        case Mode::kInHead:
        case Mode::kAfterHead: {
          const bool before_head =
              mode_ == Mode::kBeforeHtml || mode_ == Mode::kBeforeHead;
          if (!before_head && tag == GUMBO_TAG_TEMPLATE) return Fail();
          if (mode_ == Mode::kInHead && tag == GUMBO_TAG_HEAD) return Imply();
          // Only these imply what comes before the body; others are dropped.
          if (tag != GUMBO_TAG_BODY && tag != GUMBO_TAG_HTML &&
              tag != GUMBO_TAG_BR && !(before_head && tag == GUMBO_TAG_HEAD)) {
            return;
          }
          Imply();
          continue;
        }
        case Mode::kInBody:
          return BodyEndTag(tag);
      }
    }
  }

  void BodyEndTag(GumboTag tag) {
    if (IsFormattingElement(tag)) {
      const long open = Topmost(tag);
      if (open < 0) return;
      // A block opened inside it makes the adoption agency move nodes.
      for (std::size_t i = static_cast<std::size_t>(open) + 1;
           i < stack_.size(); ++i) {
        if (IsSpecial(stack_[i].tag)) return Fail();
      }
      return PopThrough(static_cast<std::size_t>(open), true);
    }
    if (IsHeading(tag)) {
      // Any heading's end tag closes the nearest heading.
      for (std::size_t i = stack_.size(); i > 0; --i) {
        if (IsHeading(stack_[i - 1].tag)) return PopThrough(i - 1);
      }
      return;
    }
    if ((ClosesParagraph(tag) && tag != GUMBO_TAG_P) ||
        tag == GUMBO_TAG_BUTTON || tag == GUMBO_TAG_LISTING ||
        tag == GUMBO_TAG_PRE || tag == GUMBO_TAG_DD || tag == GUMBO_TAG_DT) {
      const long open = Topmost(tag);
      if (open >= 0) PopThrough(static_cast<std::size_t>(open));
      return;
    }
    switch (tag) {
      case GUMBO_TAG_BODY:
      case GUMBO_TAG_HTML:
        // gumbo closes nothing: what follows goes into the open elements.
        return;
      case GUMBO_TAG_BR:
      case GUMBO_TAG_TEMPLATE:
        return Fail();
      case GUMBO_TAG_P: {
        const long p = Topmost(tag);
        if (p < 0) return Fail();  // an empty <p> is made
        return PopThrough(static_cast<std::size_t>(p));
      }
      case GUMBO_TAG_LI:
        for (std::size_t i = stack_.size(); i > 0; --i) {
          const GumboTag open = stack_[i - 1].tag;
          if (open == GUMBO_TAG_LI) return PopThrough(i - 1);
          if (open == GUMBO_TAG_OL || open == GUMBO_TAG_UL) return;
        }
        return;
      case GUMBO_TAG_FORM:
        return EndForm();
      default:
        // Any other end tag closes the nearest element of its name, unless
        // a special element comes first.
        for (std::size_t i = stack_.size(); i > 0; --i) {
          if (stack_[i - 1].tag == tag) return PopThrough(i - 1);
          if (IsSpecial(stack_[i - 1].tag)) return;
        }
        return;
    }
  }

  void EndForm() {
    const int form = form_;
    form_ = -1;
    long index = -1;
    for (std::size_t i = 0; i < stack_.size(); ++i) {
      if (stack_[i].id == form) index = static_cast<long>(i);
    }
    if (index < 0) return;
    while (ok_ && static_cast<long>(stack_.size()) - 1 > index &&
           HasImpliedEnd(stack_.back().tag)) {
      Pop();
    }
    // gumbo takes the form out from under elements still open in it.
    if (static_cast<long>(stack_.size()) - 1 != index) return Fail();
    // It takes the form off the stack without ending the text node: text
    // not yet inserted goes to the form's parent.
    out_.Leave();
    stack_.pop_back();
  }

  // The end of the page: what is still implied, then every open element
  // closes.
  void End() {
    while (ok_ && mode_ != Mode::kInBody) Imply();
    if (!ok_) return;
    Flush();
    while (!stack_.empty()) Pop();
  }

  std::string_view s_;
  ArticleText& out_;
  std::string normalized_;
  std::size_t pos_ = 0;
  bool ok_ = true;
  Mode mode_ = Mode::kInitial;
  std::vector<Element> stack_;
  int next_id_ = 0;
  int form_ = -1;  // gumbo's form element pointer, by id
  std::string pending_;
  bool pending_has_text_ = false;
  std::string decoded_;
  std::vector<HtmlAttribute> attributes_;
  std::deque<std::string> owned_;  // decoded or lower-cased attribute parts
};

}  // namespace

bool StreamHtml(std::string_view utf8, ArticleText& text) {
  return Stream(utf8, text).Run();
}

}  // namespace cncert
