// The watcher calls back after changes in the directory, debounced.
#include "exporter/archive/watcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "tests/support/test_support.h"

namespace cncert {
namespace {

bool Eventually(const std::function<bool()>& f) {
  for (int i = 0; i < 500; ++i) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(WatcherTest, ABurstOfWritesGivesOneCallback) {
  const std::string dir = testing::MakeTempDir();
  std::atomic<int> calls{0};
  DirectoryWatcher watcher(dir, std::chrono::milliseconds(200),
                           std::chrono::hours(1), [&calls] {
                             ++calls;
                             return false;
                           });
  std::string error;
  ASSERT_TRUE(watcher.Start(&error)) << error;
  for (int i = 0; i < 5; ++i) {
    testing::WriteFile(dir + "/f" + std::to_string(i), "x");
  }
  EXPECT_TRUE(Eventually([&] { return calls.load() >= 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(calls.load(), 1);
  std::filesystem::remove(dir + "/f0");
  EXPECT_TRUE(Eventually([&] { return calls.load() == 2; }));
  watcher.Stop();
  std::filesystem::remove_all(dir);
}

TEST(WatcherTest, AskingForAnotherLookCallsBackSoon) {
  const std::string dir = testing::MakeTempDir();
  std::atomic<int> calls{0};
  DirectoryWatcher watcher(dir, std::chrono::milliseconds(50),
                           std::chrono::hours(1), [&calls] {
                             // Pending files the first two times.
                             return ++calls < 3;
                           });
  std::string error;
  ASSERT_TRUE(watcher.Start(&error, /*retry_soon=*/true)) << error;
  EXPECT_TRUE(Eventually([&] { return calls.load() >= 3; }));
  watcher.Stop();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cncert
