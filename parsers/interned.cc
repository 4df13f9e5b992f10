#include "parsers/interned.h"

#include <functional>
#include <mutex>
#include <set>
#include <unordered_set>

namespace cncert {

namespace {

// Looks names up by string_view: a name already held costs no copy.
struct NameHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view name) const {
    return std::hash<std::string_view>()(name);
  }
};

// Node-based sets: an element's address is stable.
struct Interned {
  std::mutex mutex;
  std::unordered_set<std::string, NameHash, std::equal_to<>> names;
  std::set<Labels> label_sets;
};

Interned& Sets() {
  static auto* sets = new Interned();  // never destroyed: values outlive it
  return *sets;
}

const std::string* Intern(std::string_view name) {
  Interned& sets = Sets();
  const std::lock_guard<std::mutex> lock(sets.mutex);
  if (const auto found = sets.names.find(name); found != sets.names.end())
    return &*found;
  return &*sets.names.emplace(name).first;
}

const Labels* Intern(const Labels& labels) {
  Interned& sets = Sets();
  const std::lock_guard<std::mutex> lock(sets.mutex);
  return &*sets.label_sets.insert(labels).first;
}

}  // namespace

// Every value's provenance starts with one: no lock for it.
Name::Name() {
  static const std::string* const kEmpty = Intern("");
  name_ = kEmpty;
}

Name::Name(std::string_view name) : name_(Intern(name)) {}

LabelSet::LabelSet() {
  static const Labels* const kNone = Intern(Labels{});
  labels_ = kNone;
}

LabelSet::LabelSet(const Labels& labels) : labels_(Intern(labels)) {}

}  // namespace cncert
