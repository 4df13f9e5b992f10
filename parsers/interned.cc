#include "parsers/interned.h"

#include <mutex>
#include <set>
#include <unordered_set>

namespace cncert {

namespace {

// Node-based sets: an element's address is stable.
struct Interned {
  std::mutex mutex;
  std::unordered_set<std::string> names;
  std::set<Labels> label_sets;
};

Interned& Sets() {
  static auto* sets = new Interned();  // never destroyed: values outlive it
  return *sets;
}

const std::string* Intern(std::string_view name) {
  Interned& sets = Sets();
  const std::lock_guard<std::mutex> lock(sets.mutex);
  return &*sets.names.emplace(name).first;
}

const Labels* Intern(const Labels& labels) {
  Interned& sets = Sets();
  const std::lock_guard<std::mutex> lock(sets.mutex);
  return &*sets.label_sets.insert(labels).first;
}

}  // namespace

Name::Name() : name_(Intern("")) {}

Name::Name(std::string_view name) : name_(Intern(name)) {}

LabelSet::LabelSet() : labels_(Intern(Labels{})) {}

LabelSet::LabelSet(const Labels& labels) : labels_(Intern(labels)) {}

}  // namespace cncert
