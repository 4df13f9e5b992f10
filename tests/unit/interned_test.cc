// Interned names and label sets behave as the strings and maps they stand
// for, and each distinct one is stored once.
#include "parsers/interned.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "parsers/bulletin.h"

namespace cncert {
namespace {

TEST(InternedTest, ANameIsItsStringStoredOnce) {
  const std::string built = std::string("cncert_") + "defaced_websites";
  const Name a("cncert_defaced_websites");
  const Name b(built);
  EXPECT_EQ(a, b);
  EXPECT_EQ(&a.str(), &b.str()) << "one copy per distinct name";
  EXPECT_EQ(a, "cncert_defaced_websites");
  EXPECT_EQ(a, built);
  EXPECT_FALSE(a == Name("cncert_defaced_website"));
  EXPECT_EQ(a + "_total", "cncert_defaced_websites_total");
  EXPECT_EQ("# " + a, "# cncert_defaced_websites");
  EXPECT_TRUE(a.ends_with("_websites"));
  EXPECT_EQ(a.size(), built.size());
  EXPECT_TRUE(Name().empty());
  EXPECT_EQ(Name(), Name(""));
}

TEST(InternedTest, NamesOrderAsTheirStrings) {
  // Not by address: maps keyed by names iterate in the order of the text.
  std::vector<std::string> words = {"zeta", "alpha", "网站", "mid", "Alpha"};
  std::set<Name> names;
  for (const auto& w : words) names.insert(Name(w));
  std::set<std::string> strings(words.begin(), words.end());
  std::vector<std::string> got;
  got.reserve(names.size());
  for (const Name& n : names) got.push_back(n.str());
  EXPECT_EQ(got, std::vector<std::string>(strings.begin(), strings.end()));
}

TEST(InternedTest, ALabelSetIsItsMapStoredOnce) {
  const Labels map = {{"malware", "conficker"}, {"severity", "high"}};
  const LabelSet a(map);
  const LabelSet b({{"severity", "high"}, {"malware", "conficker"}});
  EXPECT_EQ(a, b);
  EXPECT_EQ(&a.map(), &b.map());
  EXPECT_EQ(a, map);
  EXPECT_FALSE(a == LabelSet({{"malware", "conficker"}}));
  EXPECT_EQ(a.size(), 2u);
  EXPECT_EQ(a.begin()->first, "malware");
  EXPECT_TRUE(LabelSet().empty());
  EXPECT_EQ(LabelSet(), LabelSet(Labels{}));
  const LabelSet low({{"severity", "low"}});
  const LabelSet high({{"severity", "high"}});
  EXPECT_TRUE(high < low) << "ordered as the maps are";
}

TEST(InternedTest, ThreadsThatInternTheSameNamesGetTheSameOnes) {
  // The archive parses files on several threads at once.
  std::vector<std::thread> threads;
  threads.reserve(8);
  std::vector<const std::string*> seen(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t, &seen] {
      for (int i = 0; i < 1000; ++i) {
        const Name n("metric_" + std::to_string(i % 50));
        if (i == 49) seen[t] = &n.str();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto* s : seen) EXPECT_EQ(s, seen[0]);
  EXPECT_EQ(*seen[0], "metric_49");
}

TEST(InternedTest, NamesBeyondTheFirstChunksReadBackFromEveryThread) {
  // An index is read without a lock while other threads add names: more
  // than fill a chunk, added from four threads at once, each read back
  // from its index on the thread that made it and on another.
  constexpr int kPerThread = 1500;
  std::vector<std::vector<Name>> made(4);
  std::vector<std::vector<LabelSet>> labels(4);
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &made, &labels] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string s =
            "chunk_" + std::to_string(t) + "_" + std::to_string(i);
        made[t].emplace_back(s);
        labels[t].emplace_back(Labels{{"n", s}});
        // Read back at once, as other threads keep adding.
        ASSERT_EQ(made[t].back().str(), s);
        ASSERT_EQ(labels[t].back().map().at("n"), s);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::thread([&made, &labels] {
    for (int t = 0; t < 4; ++t) {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string s =
            "chunk_" + std::to_string(t) + "_" + std::to_string(i);
        ASSERT_EQ(made[t][i], Name(s));
        ASSERT_EQ(made[t][i].str(), s);
        ASSERT_EQ(labels[t][i], LabelSet({{"n", s}}));
      }
    }
  }).join();
}

TEST(InternedTest, AValueHoldsItsNamesAsIndices) {
  // Every figure of the archive is kept: four bytes each, not a pointer.
  EXPECT_EQ(sizeof(Name), 4u);
  EXPECT_EQ(sizeof(LabelSet), 4u);
  EXPECT_LE(sizeof(Value), 48u);
}

TEST(InternedTest, SeriesKeysEscapeLikePrometheusAndEncodeWhatIsNotUtf8) {
  EXPECT_EQ(SeriesKey("m", {}), "m");
  EXPECT_EQ(SeriesKey("m", {{"b", "x"}, {"a", "say \"hi\"\\\n"}}),
            R"(m{a="say \"hi\"\\\n",b="x"})");
  EXPECT_EQ(SeriesKey("m", {{"f", "网站"}}), "m{f=\"网站\"}");
  // A byte that is no UTF-8 and '%' become %XX, so distinct values stay so.
  EXPECT_EQ(SeriesKey("m", {{"f", "a\xFF%"}}), "m{f=\"a%FF%25\"}");
  EXPECT_EQ(SeriesKey("m", {{"f", "a%"}}), "m{f=\"a%\"}");
}

TEST(InternedTest, AnInternedSeriesKeyIsWorkedOutOncePerThread) {
  const Name metric("cncert_vulnerabilities");
  const LabelSet labels({{"severity", "high"}, {"note", "a \"b\""}});
  const std::string& key = InternedSeriesKey(metric, labels);
  EXPECT_EQ(key, SeriesKey(metric, labels.map()));
  EXPECT_EQ(
      &InternedSeriesKey(Name("cncert_vulnerabilities"),
                         LabelSet({{"note", "a \"b\""}, {"severity", "high"}})),
      &key)
      << "the same series, built again, is the same key";
  EXPECT_EQ(InternedSeriesKey(metric, LabelSet()), "cncert_vulnerabilities");
  EXPECT_NE(InternedSeriesKey(Name("cncert_other"), labels), key);
  std::string elsewhere;
  std::thread([&] { elsewhere = InternedSeriesKey(metric, labels); }).join();
  EXPECT_EQ(elsewhere, key);
}

}  // namespace
}  // namespace cncert
