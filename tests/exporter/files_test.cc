// Safe reads and atomic writes: what archive entries and operator-named files
// may be, and that writes never go through planted links or replace devices.
#include "exporter/base/files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "tests/support/test_support.h"

namespace cncert {
namespace {

using ::testing::HasSubstr;
using testing::MakeTempDir;
using testing::ReadFile;
using testing::WriteFile;

class FilesTest : public ::testing::Test {
 protected:
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_ = MakeTempDir();
};

TEST_F(FilesTest, ArchiveEntriesRefuseSymlinksOperatorFilesFollowThem) {
  WriteFile(dir_ + "/real.yml", "x: 1\n");
  ASSERT_EQ(::symlink("real.yml", (dir_ + "/link.yml").c_str()), 0);
  const FileContent archive =
      ReadFileCapped(dir_ + "/link.yml", 1024, FileOrigin::kArchive);
  EXPECT_EQ(archive.failure, Failure::kNotRegular);
  EXPECT_THAT(archive.error, HasSubstr("symlink"));
  const FileContent named =
      ReadFileCapped(dir_ + "/link.yml", 1024, FileOrigin::kOperator);
  EXPECT_EQ(named.error, "");
  EXPECT_EQ(named.bytes, "x: 1\n");
}

TEST_F(FilesTest, KubernetesConfigMapLayoutIsReadable) {
  // ConfigMap volumes: web.yml → ..data/web.yml, ..data → ..2024_01_01/.
  std::filesystem::create_directory(dir_ + "/..v1");
  WriteFile(dir_ + "/..v1/web.yml", "{}\n");
  ASSERT_EQ(::symlink("..v1", (dir_ + "/..data").c_str()), 0);
  ASSERT_EQ(::symlink("..data/web.yml", (dir_ + "/web.yml").c_str()), 0);
  const FileContent f =
      ReadFileCapped(dir_ + "/web.yml", 1024, FileOrigin::kOperator);
  EXPECT_EQ(f.error, "");
  EXPECT_EQ(f.bytes, "{}\n");
}

TEST_F(FilesTest, SizeCapAndKindsAreReasons) {
  WriteFile(dir_ + "/big", std::string(2048, 'x'));
  WriteFile(dir_ + "/small", "a bulletin");
  for (const FileOrigin origin :
       {FileOrigin::kArchive, FileOrigin::kOperator}) {
    EXPECT_EQ(ReadFileCapped(dir_ + "/big", 1024, origin).failure,
              Failure::kTooLarge);
    EXPECT_EQ(ReadFileCapped(dir_, 1024, origin).failure, Failure::kNotRegular);
    EXPECT_EQ(ReadFileCapped(dir_ + "/missing", 1024, origin).failure,
              Failure::kUnreadable);
    const FileContent small = ReadFileCapped(dir_ + "/small", 1024, origin);
    EXPECT_EQ(small.error, "");
    EXPECT_EQ(small.bytes, "a bulletin");
  }
}

TEST_F(FilesTest, OperatorFilesMayBePipes) {
  const std::string fifo = dir_ + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] { WriteFile(fifo, "from a pipe"); });
  const FileContent f = ReadFileCapped(fifo, 1024, FileOrigin::kOperator);
  writer.join();
  EXPECT_EQ(f.error, "");
  EXPECT_EQ(f.bytes, "from a pipe");
}

TEST_F(FilesTest, AtomicWriteReplacesARegularFileAndLeavesNoTemporary) {
  WriteFile(dir_ + "/out", "old");
  ASSERT_TRUE(WriteFileAtomically(dir_ + "/out", "new").ok());
  EXPECT_EQ(ReadFile(dir_ + "/out"), "new");
  int entries = 0;
  for ([[maybe_unused]] const auto& e :
       std::filesystem::directory_iterator(dir_)) {
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST_F(FilesTest, AtomicWriteRefusesToReplaceASymlink) {
  WriteFile(dir_ + "/victim", "keep");
  ASSERT_EQ(::symlink("victim", (dir_ + "/out").c_str()), 0);
  const Status s = WriteFileAtomically(dir_ + "/out", "data");
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("not a regular file"));
  EXPECT_EQ(ReadFile(dir_ + "/victim"), "keep");
  EXPECT_TRUE(std::filesystem::is_symlink(dir_ + "/out"));
}

TEST_F(FilesTest, OutputFileWritesIntoDevicesAndFifosWithoutReplacingThem) {
  ASSERT_TRUE(WriteOutputFile("/dev/null", "discarded").ok());
  struct stat st {};
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));

  const std::string fifo = dir_ + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string got;
  std::thread reader([&] { got = ReadFile(fifo); });
  ASSERT_TRUE(WriteOutputFile(fifo, "through the pipe").ok());
  reader.join();
  EXPECT_EQ(got, "through the pipe");
  ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
}

TEST_F(FilesTest, OutputFileFollowsASymlinkToItsTarget) {
  WriteFile(dir_ + "/target", "old");
  ASSERT_EQ(::symlink("target", (dir_ + "/link").c_str()), 0);
  ASSERT_TRUE(WriteOutputFile(dir_ + "/link", "new").ok());
  EXPECT_TRUE(std::filesystem::is_symlink(dir_ + "/link"));
  EXPECT_EQ(ReadFile(dir_ + "/target"), "new");
}

}  // namespace
}  // namespace cncert
