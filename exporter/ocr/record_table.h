// Values by key, kept compact: one sorted array, and what was added since
// it was last sorted at its end. The OCR pack holds one entry per image of
// the archive for as long as the exporter runs; a tree would spend a node
// of 32 bytes and an allocation on each.
#ifndef CNCERT_EXPORTER_OCR_RECORD_TABLE_H_
#define CNCERT_EXPORTER_OCR_RECORD_TABLE_H_

#include <algorithm>
#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

namespace cncert {

template <typename Key, typename Value>
class RecordTable {
 public:
  using Entry = std::pair<Key, Value>;

  const Value* Find(const Key& key) const {
    const auto i = IndexOf(key);
    return i ? &entries_[*i].second : nullptr;
  }
  // Adds `value` under `key`, or replaces what was there: returned.
  std::optional<Value> Put(const Key& key, const Value& value) {
    if (const auto i = IndexOf(key)) {
      return std::exchange(entries_[*i].second, value);
    }
    entries_.emplace_back(key, value);
    if (entries_.size() - sorted_ > kUnsortedAtMost) Merge();
    return std::nullopt;
  }
  // Adds without looking, as when reading a whole file: a key may then be
  // there twice. Fit() before the next Find() or Put().
  void Add(const Key& key, const Value& value) {
    entries_.emplace_back(key, value);
  }
  // After Add(): of a key added more than once, the last value stays. Also
  // gives back what growing left unused.
  void Fit() {
    std::stable_sort(entries_.begin(), entries_.end(), Less);
    // Of equal keys, the last added: keep it, moved to the first's place.
    auto out = entries_.begin();
    for (auto it = entries_.begin(); it != entries_.end(); ++out) {
      auto last = it;
      while (++it != entries_.end() && it->first == last->first) last = it;
      if (out != last) *out = *last;
    }
    entries_.erase(out, entries_.end());
    sorted_ = entries_.size();
    if (entries_.capacity() > entries_.size() + entries_.size() / 8) {
      entries_.shrink_to_fit();
    }
  }
  void Erase(const Key& key) {
    const auto i = IndexOf(key);
    if (!i) return;
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(*i));
    if (*i < sorted_) --sorted_;
  }
  void Clear() {
    entries_.clear();
    sorted_ = 0;
  }
  std::size_t size() const { return entries_.size(); }
  // In no particular order.
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  static constexpr std::size_t kUnsortedAtMost = 64;

  std::optional<std::size_t> IndexOf(const Key& key) const {
    for (std::size_t i = sorted_; i < entries_.size(); ++i) {
      if (entries_[i].first == key) return i;
    }
    const auto end = entries_.begin() + static_cast<std::ptrdiff_t>(sorted_);
    const auto it = std::lower_bound(
        entries_.begin(), end, key,
        [](const Entry& entry, const Key& k) { return entry.first < k; });
    if (it == end || it->first != key) return std::nullopt;
    return static_cast<std::size_t>(it - entries_.begin());
  }
  static bool Less(const Entry& a, const Entry& b) { return a.first < b.first; }
  // The added ones into the sorted: linear, once per kUnsortedAtMost.
  void Merge() {
    const auto middle = entries_.begin() + static_cast<std::ptrdiff_t>(sorted_);
    std::sort(middle, entries_.end(), Less);
    std::inplace_merge(entries_.begin(), middle, entries_.end(), Less);
    sorted_ = entries_.size();
  }

  std::vector<Entry> entries_;  // [0, sorted_) sorted, the rest as added
  std::size_t sorted_ = 0;
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_OCR_RECORD_TABLE_H_
