// The OCR pack's compact table, held against std::map through random
// additions, replacements, reads of whole files and removals.
#include "exporter/ocr/record_table.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace cncert {
namespace {

TEST(RecordTableTest, BehavesAsAMap) {
  std::mt19937 random(7);
  RecordTable<int, int> table;
  std::map<int, int> model;
  for (int step = 0; step < 20000; ++step) {
    const int key = static_cast<int>(random() % 500);
    const int value = static_cast<int>(random());
    switch (random() % 4) {
      case 0:
      case 1: {
        const auto replaced = table.Put(key, value);
        const auto it = model.find(key);
        ASSERT_EQ(replaced.has_value(), it != model.end()) << step;
        if (replaced) {
          EXPECT_EQ(*replaced, it->second) << step;
        }
        model[key] = value;
        break;
      }
      case 2: {
        // A file read whole: keys again and again, the last one counts.
        for (int n = 0; n < 10; ++n) {
          const int k = static_cast<int>(random() % 500);
          const int v = static_cast<int>(random());
          table.Add(k, v);
          model[k] = v;
        }
        table.Fit();
        break;
      }
      default:
        table.Erase(key);
        model.erase(key);
    }
    ASSERT_EQ(table.size(), model.size()) << step;
    const int probe = static_cast<int>(random() % 500);
    const int* found = table.Find(probe);
    const auto it = model.find(probe);
    ASSERT_EQ(found != nullptr, it != model.end()) << step;
    if (found) {
      EXPECT_EQ(*found, it->second) << step;
    }
  }
  for (const auto& [key, value] : model) {
    ASSERT_NE(table.Find(key), nullptr);
    EXPECT_EQ(*table.Find(key), value);
  }
}

}  // namespace
}  // namespace cncert
