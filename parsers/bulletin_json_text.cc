#include "parsers/bulletin_json_text.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

#include "parsers/bulletin_json.h"
#include "parsers/utf8.h"

namespace cncert {

namespace {

// What a string's byte asks of the writer: nothing (printable ASCII), a
// backslash before it ('"', '\\'), or a closer look (a control character,
// a byte of a character beyond ASCII).
enum class ByteNeed : unsigned char { kNothing, kBackslash, kLook };

constexpr std::array<ByteNeed, 256> kByteNeeds = [] {
  std::array<ByteNeed, 256> needs{};
  for (std::size_t c = 0; c < needs.size(); ++c) {
    needs[c] = c < 0x20 || c >= 0x80   ? ByteNeed::kLook
               : c == '"' || c == '\\' ? ByteNeed::kBackslash
                                       : ByteNeed::kNothing;
  }
  return needs;
}();

// Whether any of the eight bytes of `w` needs more than copying: a
// control character, a byte beyond ASCII, '"' or '\\'. Exact: the tests
// for a byte below a bound and for a zero byte never miss one.
constexpr bool AnyNeed(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  const auto below = [](std::uint64_t x, std::uint64_t bound) {
    return (x - kOnes * bound) & ~x & kHigh;
  };
  return ((w & kHigh) | below(w, 0x20) | below(w ^ (kOnes * '"'), 1) |
          below(w ^ (kOnes * '\\'), 1)) != 0;
}

// The length of the character at `i` if nlohmann prints it as it is: valid
// UTF-8 beyond ASCII; 0 for a control character or what is not UTF-8. Han
// characters are checked without decoding.
std::size_t PlainCharacter(std::string_view s, std::size_t i) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char c = bytes[i];
  const std::size_t length = c >= 0xC2 && c <= 0xDF   ? 2
                             : c >= 0xE0 && c <= 0xEF ? 3
                             : c >= 0xF0 && c <= 0xF4 ? 4
                                                      : 0;
  if (length == 0 || i + length > s.size()) return 0;
  const bool han = length == 3 && c != 0xE0 && c != 0xED &&
                   (bytes[i + 1] & 0xC0) == 0x80 &&
                   (bytes[i + 2] & 0xC0) == 0x80;
  if (han || utf8::ValidPrefix(s.substr(i, length)) == length) return length;
  return 0;
}

// Writes what dump(2) writes: members and elements one to a line, indented two
// spaces a level; "{}" and "[]" when empty; object keys in the order given
// (the caller gives them sorted, as nlohmann's std::map holds them).
class JsonText {
 public:
  explicit JsonText(int depth) : depth_(depth) {
    out_.reserve(4096);  // about a bulletin without provenance
    out_.append(2 * static_cast<std::size_t>(depth), ' ');
  }

  void Open(char bracket) {
    out_ += bracket;
    ++depth_;
    empty_.push_back(true);
  }
  void Close(char bracket) {
    --depth_;
    if (!empty_.back()) NewLine();
    empty_.pop_back();
    out_ += bracket;
  }
  // Before each element of an array.
  void Next() {
    if (!empty_.back()) out_ += ',';
    empty_.back() = false;
    NewLine();
  }
  void Key(std::string_view key) {
    Next();
    String(key);
    out_ += ": ";
  }
  void StringMember(std::string_view key, std::string_view value) {
    Key(key);
    String(value);
  }
  // Left out when empty, as the tree leaves it out.
  void StringMemberIfAny(std::string_view key, std::string_view value) {
    if (!value.empty()) StringMember(key, value);
  }
  void IntegerMember(std::string_view key, long long value) {
    Key(key);
    Integer(value);
  }

  void String(std::string_view s) {
    // Printable and valid UTF-8 is printed as it is, quotes and backslashes
    // escaped (series keys hold quotes); anything else as nlohmann escapes
    // it (and replaces what is not UTF-8). One pass.
    const std::size_t start = out_.size();
    out_ += '"';
    const auto* bytes = reinterpret_cast<const unsigned char*>(s.data());
    std::size_t from = 0;
    for (std::size_t i = 0; i < s.size();) {
      switch (kByteNeeds[bytes[i]]) {
        case ByteNeed::kNothing:
          // ASCII runs (keys, numbers, paths) eight bytes at a time.
          for (++i; i + 8 <= s.size(); i += 8) {
            std::uint64_t word = 0;
            std::memcpy(&word, bytes + i, sizeof word);
            if (AnyNeed(word)) break;
          }
          break;
        case ByteNeed::kBackslash:
          out_.append(s, from, i - from);
          out_ += '\\';
          from = i++;  // the character itself goes with the next run
          break;
        case ByteNeed::kLook:
          const std::size_t length = PlainCharacter(s, i);
          if (length == 0) {
            out_.resize(start);
            Dumped(nlohmann::json(std::string(s)));
            return;
          }
          i += length;
          break;
      }
    }
    out_.append(s, from);
    out_ += '"';
  }
  void Integer(long long value) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, value);
    out_.append(buf, r.ptr);
  }
  void Number(double value) {
    if (const auto whole = WholeNumber(value)) {
      Integer(*whole);
    } else if (!std::isfinite(value)) {
      out_ += "null";
    } else {
      // What nlohmann's dump prints for a double (its shortest digits that
      // read back the same), without building a tree to print.
      std::array<char, 64> buf;
      out_.append(buf.data(), nlohmann::detail::to_chars(
                                  buf.data(), buf.data() + buf.size(), value));
    }
  }
  void Bool(bool value) { out_ += value ? "true" : "false"; }
  void Strings(const std::vector<std::string>& strings) {
    Open('[');
    for (const auto& s : strings) {
      Next();
      String(s);
    }
    Close(']');
  }
  // A scalar as nlohmann prints it.
  void Dumped(const nlohmann::json& scalar) {
    out_ +=
        scalar.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }

  std::string Take() { return std::move(out_); }

 private:
  void NewLine() {
    out_ += '\n';
    out_.append(2 * static_cast<std::size_t>(depth_), ' ');
  }

  std::string out_;
  int depth_;
  std::vector<bool> empty_;
};

void WriteIdentity(const Identity& id, JsonText& j) {
  j.Open('{');
  if (id.issue) j.IntegerMember("issue", *id.issue);
  j.StringMemberIfAny("kind", id.kind);
  if (id.period_end) j.StringMember("period_end", FormatDate(*id.period_end));
  if (id.period_start) {
    j.StringMember("period_start", FormatDate(*id.period_start));
  }
  if (id.published) j.StringMember("published", FormatDate(*id.published));
  j.StringMemberIfAny("title", id.title);
  j.StringMemberIfAny("url", id.url);
  if (id.year) j.IntegerMember("year", *id.year);
  j.Close('}');
}

void WriteSource(const Bulletin& b, const Value& v, JsonText& j) {
  const Provenance& p = v.provenance;
  const std::string& image_src = ImageOf(b, p);
  const bool image = !image_src.empty();
  j.Open('{');
  if (image && p.confidence()) {
    j.Key("confidence");
    j.Dumped(ConfidenceToJson(*p.confidence()));
  }
  if (image) {
    j.StringMember("image", image_src);
    j.StringMember("image_line", ImageLine(b, p));
  }
  j.StringMember("match", MatchedText(b, p));
  j.StringMember("rule", RuleName(v));
  j.StringMember("section", p.section.str());
  j.StringMember("sentence", SentenceAround(b, p));
  j.Key("span");
  j.Open('[');
  j.Next();
  j.Integer(p.begin);
  j.Next();
  j.Integer(p.end);
  j.Close(']');
  j.Close('}');
}

void WriteImages(const std::vector<ImageUse>& images, JsonText& j) {
  j.Open('[');
  for (const ImageUse& use : images) {
    if (use.src.empty()) continue;  // "![]()": no image at all
    j.Next();
    j.Open('{');
    if (use.figures > 0) j.IntegerMember("figures", use.figures);
    j.StringMemberIfAny("reason", use.reason);
    j.StringMember("src", use.src);
    j.StringMember("status", ImageStatusName(use.status));
    j.Close('}');
  }
  j.Close(']');
}

}  // namespace

std::string IndentedJson(const nlohmann::json& json, int depth) {
  const std::string dumped =
      json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  const std::string indent(2 * static_cast<std::size_t>(depth), ' ');
  std::string out;
  out.reserve(dumped.size() + dumped.size() / 8);
  for (std::size_t from = 0; from < dumped.size();) {
    const std::size_t eol = dumped.find('\n', from);
    const std::size_t next = eol == std::string::npos ? dumped.size() : eol + 1;
    out += indent;
    out.append(dumped, from, next - from);
    from = next;
  }
  return out;
}

std::string BulletinJsonText(const Bulletin& bulletin, std::string_view file,
                             bool provenance, int depth) {
  // The series in the order of their keys, as the tree's map holds them;
  // equal keys in the values' order, as the tree meets them.
  std::vector<std::pair<std::string_view, const Value*>> series;
  series.reserve(bulletin.values.size());
  for (const Value& v : bulletin.values)
    series.emplace_back(InternedSeriesKey(v.metric, v.labels), &v);
  std::sort(series.begin(), series.end(), [](const auto& a, const auto& b) {
    const int order = a.first.compare(b.first);
    return order < 0 || (order == 0 && a.second < b.second);
  });
  // A key given twice merges in the tree (the last value, the union of its
  // sources' fields): left to the tree.
  if (std::adjacent_find(series.begin(), series.end(),
                         [](const auto& a, const auto& b) {
                           return a.first == b.first;
                         }) != series.end()) {
    return IndentedJson(BulletinToJson(bulletin, file, provenance), depth);
  }

  JsonText j(depth);
  j.Open('{');
  if (bulletin.ok()) {
    j.Key("bulletin");
    WriteIdentity(bulletin.identity, j);
    j.StringMemberIfAny("encoding", bulletin.encoding);
  }
  j.Key("errors");
  j.Strings(bulletin.errors);
  j.StringMember("file", file);
  if (bulletin.ok()) j.StringMemberIfAny("format", bulletin.format);
  if (!bulletin.images.empty()) {
    j.Key("images");
    WriteImages(bulletin.images, j);
  }
  j.Key("ok");
  j.Bool(bulletin.ok());
  if (provenance) {
    j.Key("provenance");
    j.Open('{');
    for (const auto& [key, value] : series) {
      j.Key(key);
      WriteSource(bulletin, *value, j);
    }
    j.Close('}');
  }
  j.Key("values");
  j.Open('{');
  for (const auto& [key, value] : series) {
    j.Key(key);
    j.Number(value->value);
  }
  j.Close('}');
  j.Key("warnings");
  j.Strings(bulletin.warnings);
  j.Close('}');
  return j.Take();
}

}  // namespace cncert
