// A file checked while its directory is watched needs no check until
// something happens in that directory, as read at the next Refresh().
#include "exporter/base/directory_changes.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "tests/support/test_support.h"

namespace cncert {
namespace {

class DirectoryChangesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::MakeTempDir();
    dir_ = root_ + "/a_files";
    std::filesystem::create_directory(dir_);
    testing::WriteFile(dir_ + "/1.png", "one");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  // A mark on `dir_`, watching from now on.
  DirectoryChanges::Mark Watched() {
    const auto mark = changes_.Watch(dir_);
    EXPECT_TRUE(mark);
    return mark.value_or(DirectoryChanges::Mark{});
  }

  std::string root_;
  std::string dir_;
  DirectoryChanges changes_;
};

TEST_F(DirectoryChangesTest, NothingIsWatchedBeforeTheFirstRefresh) {
  EXPECT_FALSE(changes_.Watch(dir_));
  changes_.Refresh();
  EXPECT_TRUE(changes_.Watch(dir_));
  EXPECT_EQ(changes_.watches(), 1u);
}

TEST_F(DirectoryChangesTest, AMarkHoldsWhileNothingHappens) {
  changes_.Refresh();
  const auto mark = Watched();
  changes_.Refresh();
  changes_.Refresh();
  EXPECT_TRUE(changes_.Unchanged(mark));
  // Asking again watches nothing more and gives the same mark.
  const auto again = Watched();
  EXPECT_TRUE(changes_.Unchanged(again));
  EXPECT_EQ(changes_.watches(), 1u);
}

TEST_F(DirectoryChangesTest, EachKindOfChangeEndsTheMarkAtTheNextRefresh) {
  const std::vector<std::pair<std::string, std::function<void()>>> changes = {
      {"written in place", [&] { testing::WriteFile(dir_ + "/1.png", "two"); }},
      {"made", [&] { testing::WriteFile(dir_ + "/2.png", "new"); }},
      {"removed", [&] { std::filesystem::remove(dir_ + "/1.png"); }},
      {"renamed over",
       [&] {
         testing::WriteFile(dir_ + "/1.png.tmp", "three");
         std::filesystem::rename(dir_ + "/1.png.tmp", dir_ + "/1.png");
       }},
      {"its mode changed",
       [&] { ASSERT_EQ(::chmod((dir_ + "/1.png").c_str(), 0600), 0); }},
  };
  changes_.Refresh();
  for (const auto& [what, change] : changes) {
    SCOPED_TRACE(what);
    testing::WriteFile(dir_ + "/1.png", "one");
    changes_.Refresh();
    const auto mark = Watched();
    change();
    // Seen from the next refresh, the start of the archive's next scan.
    EXPECT_TRUE(changes_.Unchanged(mark));
    changes_.Refresh();
    EXPECT_FALSE(changes_.Unchanged(mark));
    EXPECT_TRUE(changes_.Unchanged(Watched()));
  }
}

TEST_F(DirectoryChangesTest, ADirectoryReplacedUnderItsNameIsWatchedAnew) {
  changes_.Refresh();
  const auto mark = Watched();
  std::filesystem::rename(dir_, root_ + "/old_files");
  std::filesystem::create_directory(dir_);
  changes_.Refresh();
  EXPECT_FALSE(changes_.Unchanged(mark));
  // The new directory is watched, not the old one under its new name.
  const auto fresh = Watched();
  testing::WriteFile(root_ + "/old_files/1.png", "old");
  changes_.Refresh();
  EXPECT_TRUE(changes_.Unchanged(fresh));
  testing::WriteFile(dir_ + "/1.png", "new");
  changes_.Refresh();
  EXPECT_FALSE(changes_.Unchanged(fresh));
}

TEST_F(DirectoryChangesTest, ARemovedDirectoryEndsItsMarks) {
  changes_.Refresh();
  const auto mark = Watched();
  std::filesystem::remove_all(dir_);
  changes_.Refresh();
  EXPECT_FALSE(changes_.Unchanged(mark));
  EXPECT_FALSE(changes_.Watch(dir_));
  EXPECT_EQ(changes_.watches(), 0u);
}

TEST_F(DirectoryChangesTest, ForgetEndsEveryMark) {
  changes_.Refresh();
  const auto mark = Watched();
  changes_.Forget();
  EXPECT_FALSE(changes_.Unchanged(mark));
  EXPECT_TRUE(changes_.Unchanged(Watched()));
}

TEST_F(DirectoryChangesTest, SymlinksAndFilesAreNotWatched) {
  changes_.Refresh();
  std::filesystem::create_directory_symlink(dir_, root_ + "/link_files");
  EXPECT_FALSE(changes_.Watch(root_ + "/link_files"));
  EXPECT_FALSE(changes_.Watch(dir_ + "/1.png"));
  EXPECT_FALSE(changes_.Watch(root_ + "/missing"));
  EXPECT_EQ(changes_.watches(), 0u);
}

}  // namespace
}  // namespace cncert
