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

// A bulletin's images arrive in, or are replaced in, its "_files"
// directory: no event in the archive's own.
TEST(WatcherTest, ChangesInTheDirectoriesInItAreSeen) {
  const std::string dir = testing::MakeTempDir();
  std::filesystem::create_directory(dir + "/a_files");
  std::filesystem::create_directory(dir + "/.cache");
  std::atomic<int> calls{0};
  DirectoryWatcher watcher(dir, std::chrono::milliseconds(150),
                           std::chrono::hours(1), [&calls] {
                             ++calls;
                             return false;
                           });
  std::string error;
  ASSERT_TRUE(watcher.Start(&error)) << error;
  testing::WriteFile(dir + "/a_files/1.png", "x");
  EXPECT_TRUE(Eventually([&] { return calls.load() == 1; }));
  // One made after the start is watched from when it appears.
  std::filesystem::create_directory(dir + "/b_files");
  EXPECT_TRUE(Eventually([&] { return calls.load() == 2; }));
  testing::WriteFile(dir + "/b_files/1.png", "x");
  EXPECT_TRUE(Eventually([&] { return calls.load() == 3; }));
  // Hidden ones (the OCR cache, the image store) are left alone.
  testing::WriteFile(dir + "/.cache/entry", "x");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(calls.load(), 3);
  // Removing a watched directory is a change, not the archive gone.
  std::filesystem::remove_all(dir + "/a_files");
  EXPECT_TRUE(Eventually([&] { return calls.load() == 4; }));
  testing::WriteFile(dir + "/c.md", "x");
  EXPECT_TRUE(Eventually([&] { return calls.load() == 5; }));
  watcher.Stop();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cncert
