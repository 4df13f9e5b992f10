// Metric names, section names and label sets, interned: an archive holds
// tens of thousands of values that share a few dozen of each, and each is
// stored once (4 bytes a value, an index, instead of a string or a map and
// their copies on the heap). They come from the rules only, never from a
// bulletin, so the sets stay small; they are never freed (rules reloaded
// with new names add theirs).
#ifndef CNCERT_PARSERS_INTERNED_H_
#define CNCERT_PARSERS_INTERNED_H_

#include <compare>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <ostream>
#include <string>
#include <string_view>

namespace cncert {

using Labels = std::map<std::string, std::string>;

namespace interned {
// What an index names: chunks of kChunk, each made once and never moved,
// so that reading needs no lock. Index 0 is the empty name and label set.
inline constexpr std::uint32_t kChunkBits = 10;
inline constexpr std::uint32_t kChunk = 1u << kChunkBits;
inline constexpr std::uint32_t kChunks = 1u << 14;
extern const std::string* const* names[kChunks];
extern const Labels* const* label_sets[kChunks];
inline const std::string& NameAt(std::uint32_t id) {
  return *names[id >> kChunkBits][id & (kChunk - 1)];
}
inline const Labels& LabelsAt(std::uint32_t id) {
  return *label_sets[id >> kChunkBits][id & (kChunk - 1)];
}
}  // namespace interned

class Name {
 public:
  Name() = default;             // ""
  Name(std::string_view name);  // NOLINT(google-explicit-constructor)
  Name(const std::string& name) : Name(std::string_view(name)) {}  // NOLINT
  Name(const char* name) : Name(std::string_view(name)) {}         // NOLINT

  const std::string& str() const { return interned::NameAt(id_); }
  operator const std::string&() const { return str(); }  // NOLINT
  const char* c_str() const { return str().c_str(); }
  std::size_t size() const { return str().size(); }
  bool empty() const { return id_ == 0; }
  // Dense from 0 (the empty name), in the order names were first made: a
  // table by name can be a vector.
  std::uint32_t index() const { return id_; }
  bool ends_with(std::string_view suffix) const {
    return str().ends_with(suffix);
  }

  // One index per name: equal names are the same index.
  friend bool operator==(const Name& a, const Name& b) {
    return a.id_ == b.id_;
  }
  friend bool operator==(const Name& a, std::string_view b) {
    return a.str() == b;
  }
  friend bool operator==(const Name& a, const std::string& b) {
    return a.str() == b;
  }
  friend bool operator==(const Name& a, const char* b) { return a.str() == b; }
  friend std::strong_ordering operator<=>(const Name& a, const Name& b) {
    return a.str() <=> b.str();
  }
  friend std::string operator+(const Name& a, std::string_view b) {
    std::string out = a.str();
    out += b;
    return out;
  }
  friend std::string operator+(std::string_view a, const Name& b) {
    std::string out(a);
    out += b.str();
    return out;
  }
  friend std::ostream& operator<<(std::ostream& out, const Name& n) {
    return out << n.str();
  }

 private:
  std::uint32_t id_ = 0;
};

// A value's labels: read as a Labels map.
class LabelSet {
 public:
  LabelSet() = default;            // none
  LabelSet(const Labels& labels);  // NOLINT(google-explicit-constructor)
  LabelSet(std::initializer_list<Labels::value_type> labels)
      : LabelSet(Labels(labels)) {}

  const Labels& map() const { return interned::LabelsAt(id_); }
  operator const Labels&() const { return map(); }  // NOLINT
  Labels::const_iterator begin() const { return map().begin(); }
  Labels::const_iterator end() const { return map().end(); }
  bool empty() const { return id_ == 0; }
  std::size_t size() const { return map().size(); }

  friend bool operator==(const LabelSet& a, const LabelSet& b) {
    return a.id_ == b.id_;
  }
  friend bool operator==(const LabelSet& a, const Labels& b) {
    return a.map() == b;
  }
  friend bool operator<(const LabelSet& a, const LabelSet& b) {
    return a.map() < b.map();
  }

 private:
  std::uint32_t id_ = 0;
};

}  // namespace cncert

#endif  // CNCERT_PARSERS_INTERNED_H_
