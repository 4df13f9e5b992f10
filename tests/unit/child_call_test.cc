// Third-party parser calls in a child under a budget: what comes back for
// each way a call can end.
#include "parsers/child_call.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "parsers/document.h"
#include "tests/support/tiny_pdf.h"

namespace cncert {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr ChildBudget kSmall{64u << 20, std::chrono::seconds(20)};

TEST(ChildCallTest, ReturnsWhatTheWorkReturnsWhole) {
  std::string big(3u << 20, 'x');
  for (std::size_t i = 0; i < big.size(); i += 4096)
    big[i] = char('a' + i % 26);
  const ChildResult r = CallInChild(kSmall, [&] { return big; });
  ASSERT_EQ(r.outcome, ChildOutcome::kDone) << r.error;
  EXPECT_EQ(r.output, big);
  EXPECT_EQ(CallInChild(kSmall, [] { return std::string(); }).outcome,
            ChildOutcome::kDone);
}

TEST(ChildCallTest, AnAllocationOverTheBudgetIsNamed) {
  if (!ChildMemoryBudgetEnforced()) GTEST_SKIP() << "no budget under ASan";
  const ChildResult r = CallInChild(kSmall, [] {
    std::vector<char> v(512u << 20, 'x');
    return std::string(1, v[v.size() / 2]);
  });
  EXPECT_EQ(r.outcome, ChildOutcome::kOverMemory);
  EXPECT_EQ(r.error, "went over its memory budget of 64 MB");
}

// Threads that ended leave their heaps reserved (64 MB of address space
// each, not yet writable); glibc hands them out when the main heap is full.
// Made writable, they count: the budget holds in a child of a process that
// has run threads, as the exporter has.
TEST(ChildCallTest, TheHeapsOfEndedThreadsDoNotWidenTheBudget) {
  if (!ChildMemoryBudgetEnforced()) GTEST_SKIP() << "no budget under ASan";
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([] {
      std::vector<std::unique_ptr<char[]>> blocks;
      for (int i = 0; i < 64; ++i)
        blocks.push_back(std::make_unique<char[]>(16u << 10));
    });
  }
  for (auto& t : threads) t.join();
  const ChildResult r = CallInChild({16u << 20, 10s}, [] {
    // Small blocks, from a heap, not each a mapping of its own.
    std::vector<std::unique_ptr<char[]>> blocks;
    for (int i = 0; i < 4096; ++i) {
      blocks.push_back(std::make_unique<char[]>(16u << 10));
      blocks.back()[0] = 'x';
    }
    return std::string("64 MB");
  });
  EXPECT_EQ(r.outcome, ChildOutcome::kOverMemory) << r.output;
}

TEST(ChildCallTest, ALibraryThatGoesOnAfterAFailedMallocIsCaught) {
  if (!ChildMemoryBudgetEnforced()) GTEST_SKIP() << "no budget under ASan";
  // As Tesseract does: the null is handled, less work is done, and the
  // result looks whole.
  const ChildResult r = CallInChild(kSmall, [] {
    void* p = std::malloc(512u << 20);
    const bool got = p != nullptr;
    std::free(p);
    return std::string(got ? "all" : "less");
  });
  EXPECT_EQ(r.outcome, ChildOutcome::kOverMemory) << r.output;
  EXPECT_TRUE(r.output.empty());
}

TEST(ChildCallTest, ACrashAfterAFailedMallocCountsAsMemory) {
  if (!ChildMemoryBudgetEnforced()) GTEST_SKIP() << "no budget under ASan";
  const ChildResult r = CallInChild(kSmall, []() -> std::string {
    void* p = std::malloc(512u << 20);
    if (p == nullptr) std::abort();
    std::free(p);
    return "allocated";
  });
  EXPECT_EQ(r.outcome, ChildOutcome::kOverMemory) << r.error;
}

TEST(ChildCallTest, ARunawayCallIsStoppedAtTheTimeBudget) {
  const auto start = std::chrono::steady_clock::now();
  const ChildResult r = CallInChild({64u << 20, 300ms}, []() -> std::string {
    for (;;) ::pause();
  });
  EXPECT_EQ(r.outcome, ChildOutcome::kOverTime);
  EXPECT_EQ(r.error, "went over its time budget of 300 ms");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST(ChildCallTest, ACrashIsAReasonNotTheEndOfTheProcess) {
  const ChildResult r = CallInChild(kSmall, []() -> std::string {
    std::fputs("poppler: a reason of its own\n", stderr);
    std::abort();
  });
  EXPECT_EQ(r.outcome, ChildOutcome::kCrashed);
  EXPECT_EQ(r.error, "crashed (SIGABRT): poppler: a reason of its own");
}

TEST(ChildCallTest, AnExceptionIsReportedWithItsMessage) {
  const ChildResult r = CallInChild(kSmall, []() -> std::string {
    throw std::runtime_error("no such page");
  });
  EXPECT_EQ(r.outcome, ChildOutcome::kCrashed);
  EXPECT_EQ(r.error, "failed with an exception: no such page");
}

TEST(ChildCallTest, ASlowChildNeverHoldsUpAnotherThreadsCall) {
  if (!ReadersRunInChildren()) {
    GTEST_SKIP() << "forks from busy threads can hang under ASan";
  }
  // Each child closes the descriptors it inherits: were the slow child to
  // keep the quick one's pipe open, the quick call would wait for it.
  int gate[2];
  ASSERT_EQ(::pipe(gate), 0);
  std::thread slow([&] {
    const ChildResult r = CallInChild(kSmall, [&] {
      char c = 0;
      (void)!::read(gate[0], &c, 1);
      return std::string("slow");
    });
    EXPECT_EQ(r.output, "slow") << r.error;
  });
  std::this_thread::sleep_for(100ms);  // let the slow child start
  std::vector<std::thread> quick;
  quick.reserve(4);
  for (int t = 0; t < 4; ++t) {
    quick.emplace_back([t] {
      for (int i = 0; i < 5; ++i) {
        std::string want = std::to_string(t) + "/" + std::to_string(i);
        const ChildResult r =
            CallInChild({64u << 20, 5s}, [&] { return want; });
        EXPECT_EQ(r.outcome, ChildOutcome::kDone) << r.error;
        EXPECT_EQ(r.output, want);
      }
    });
  }
  for (auto& t : quick) t.join();
  ASSERT_EQ(::write(gate[1], "x", 1), 1);
  slow.join();
  ::close(gate[0]);
  ::close(gate[1]);
}

TEST(ChildCallTest, APdfOverItsMemoryBudgetFailsForResources) {
  if (!ChildMemoryBudgetEnforced()) GTEST_SKIP() << "no budget under ASan";
  const std::string pdf =
      testing::MakeManyGlyphsPdf(50'000);  // ~40 MB of layout
  const Document doc =
      MakePdfDecoder({16u << 20, std::chrono::seconds(60)})->Decode(pdf);
  EXPECT_EQ(doc.failure, Failure::kResources);
  EXPECT_EQ(doc.error, "the PDF reader went over its memory budget of 16 MB");
  // The same file within the shipped budget is read: no figures, but text.
  const Document whole = MakePdfDecoder()->Decode(pdf);
  EXPECT_EQ(whole.failure, Failure::kNone) << whole.error;
  EXPECT_THAT(whole.text, HasSubstr("ab"));
}

TEST(ChildCallTest, APdfOverItsTimeBudgetFailsForResources) {
  if (!ReadersRunInChildren()) GTEST_SKIP() << "no child under ASan";
  const Document doc = MakePdfDecoder({256u << 20, 50ms})
                           ->Decode(testing::MakeManyGlyphsPdf(50'000));
  EXPECT_EQ(doc.failure, Failure::kResources);
  EXPECT_EQ(doc.error, "the PDF reader went over its time budget of 50 ms");
}

}  // namespace
}  // namespace cncert
