// Metric names, section names and label sets, interned: an archive holds
// tens of thousands of values that share a few dozen of each, and each is
// stored once (8 bytes a value instead of a string or a map and their
// copies on the heap). They come from the rules only, never from a
// bulletin, so the sets stay small; they are never freed (rules reloaded
// with new names add theirs).
#ifndef CNCERT_PARSERS_INTERNED_H_
#define CNCERT_PARSERS_INTERNED_H_

#include <compare>
#include <cstddef>
#include <initializer_list>
#include <map>
#include <ostream>
#include <string>
#include <string_view>

namespace cncert {

using Labels = std::map<std::string, std::string>;

class Name {
 public:
  Name();
  Name(std::string_view name);  // NOLINT(google-explicit-constructor)
  Name(const std::string& name) : Name(std::string_view(name)) {}  // NOLINT
  Name(const char* name) : Name(std::string_view(name)) {}         // NOLINT

  const std::string& str() const { return *name_; }
  operator const std::string&() const { return *name_; }  // NOLINT
  const char* c_str() const { return name_->c_str(); }
  std::size_t size() const { return name_->size(); }
  bool empty() const { return name_->empty(); }
  bool ends_with(std::string_view suffix) const {
    return name_->ends_with(suffix);
  }

  // One string per name: equal names are the same pointer.
  friend bool operator==(const Name& a, const Name& b) {
    return a.name_ == b.name_;
  }
  friend bool operator==(const Name& a, std::string_view b) {
    return *a.name_ == b;
  }
  friend bool operator==(const Name& a, const std::string& b) {
    return *a.name_ == b;
  }
  friend bool operator==(const Name& a, const char* b) { return *a.name_ == b; }
  friend std::strong_ordering operator<=>(const Name& a, const Name& b) {
    return *a.name_ <=> *b.name_;
  }
  friend std::string operator+(const Name& a, std::string_view b) {
    std::string out = *a.name_;
    out += b;
    return out;
  }
  friend std::string operator+(std::string_view a, const Name& b) {
    std::string out(a);
    out += *b.name_;
    return out;
  }
  friend std::ostream& operator<<(std::ostream& out, const Name& n) {
    return out << *n.name_;
  }

 private:
  const std::string* name_;
};

// A value's labels: read as a Labels map.
class LabelSet {
 public:
  LabelSet();
  LabelSet(const Labels& labels);  // NOLINT(google-explicit-constructor)
  LabelSet(std::initializer_list<Labels::value_type> labels)
      : LabelSet(Labels(labels)) {}

  const Labels& map() const { return *labels_; }
  operator const Labels&() const { return *labels_; }  // NOLINT
  Labels::const_iterator begin() const { return labels_->begin(); }
  Labels::const_iterator end() const { return labels_->end(); }
  bool empty() const { return labels_->empty(); }
  std::size_t size() const { return labels_->size(); }

  friend bool operator==(const LabelSet& a, const LabelSet& b) {
    return a.labels_ == b.labels_;
  }
  friend bool operator==(const LabelSet& a, const Labels& b) {
    return *a.labels_ == b;
  }
  friend bool operator<(const LabelSet& a, const LabelSet& b) {
    return *a.labels_ < *b.labels_;
  }

 private:
  const Labels* labels_;
};

}  // namespace cncert

#endif  // CNCERT_PARSERS_INTERNED_H_
