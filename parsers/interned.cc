#include "parsers/interned.h"

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <unordered_map>

namespace cncert {

namespace interned {
namespace {

const std::string kEmptyName;
// Before any other static object: a value made during another file's
// static initialization may read it.
[[gnu::init_priority(101)]] const Labels kNoLabels;

const std::string* first_names[kChunk] = {&kEmptyName};
const Labels* first_label_sets[kChunk] = {&kNoLabels};

}  // namespace

const std::string* const* names[kChunks] = {first_names};
const Labels* const* label_sets[kChunks] = {first_label_sets};

}  // namespace interned

namespace {

// Looks names up by string_view: a name already held costs no copy.
struct NameHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view name) const {
    return std::hash<std::string_view>()(name);
  }
};

// Node-based maps: a key's address is stable, and the tables point at it.
struct Interned {
  std::mutex mutex;
  std::unordered_map<std::string, std::uint32_t, NameHash, std::equal_to<>>
      names;
  std::map<Labels, std::uint32_t> label_sets;
};

Interned& Sets() {
  static auto* sets = new Interned();  // never destroyed: values outlive it
  return *sets;
}

// Puts `element` at index `id` of `table`, making its chunk if it is the
// first there. Under the sets' mutex; readers get `id` only afterwards.
template <typename T>
void Place(const T* const** table, std::uint32_t id, const T* element) {
  using interned::kChunk;
  using interned::kChunkBits;
  using interned::kChunks;
  if (id >> kChunkBits >= kChunks) {
    // Names come from the rules alone: millions mean a bug, not a bulletin.
    std::fprintf(stderr, "interned names exhausted\n");
    std::abort();
  }
  const T* const*& chunk = table[id >> kChunkBits];
  if (chunk == nullptr) chunk = new const T*[kChunk]();
  const_cast<const T**>(chunk)[id & (kChunk - 1)] = element;
}

std::uint32_t Intern(std::string_view name) {
  if (name.empty()) return 0;
  Interned& sets = Sets();
  const std::lock_guard<std::mutex> lock(sets.mutex);
  if (const auto found = sets.names.find(name); found != sets.names.end()) {
    return found->second;
  }
  const auto id = static_cast<std::uint32_t>(sets.names.size() + 1);
  const auto& added = *sets.names.emplace(name, id).first;
  Place(interned::names, id, &added.first);
  return id;
}

std::uint32_t Intern(const Labels& labels) {
  if (labels.empty()) return 0;
  Interned& sets = Sets();
  const std::lock_guard<std::mutex> lock(sets.mutex);
  if (const auto found = sets.label_sets.find(labels);
      found != sets.label_sets.end()) {
    return found->second;
  }
  const auto id = static_cast<std::uint32_t>(sets.label_sets.size() + 1);
  const auto& added = *sets.label_sets.emplace(labels, id).first;
  Place(interned::label_sets, id, &added.first);
  return id;
}

}  // namespace

Name::Name(std::string_view name) : id_(Intern(name)) {}

LabelSet::LabelSet(const Labels& labels) : id_(Intern(labels)) {}

}  // namespace cncert
