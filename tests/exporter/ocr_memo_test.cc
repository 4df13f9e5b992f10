// An image read before is known by its file's version, in this process and,
// through the cache directory, in the next: a cache hit reads and hashes no
// image bytes, and a changed file is read again.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "exporter/archive/archive.h"
#include "exporter/base/digest.h"
#include "exporter/ocr/ocr_cache.h"
#include "exporter/ocr/ocr_service.h"
#include "parsers/image_lines.h"
#include "tests/support/synthetic_archive.h"
#include "tests/support/test_support.h"

namespace cncert {
namespace {

class OcrMemoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir();
    image_ = dir_ + "/1.png";
    cache_dir_ = dir_ + "/cache";
    // Not an image at all: if it were read and recognised, it would fail.
    testing::WriteFile(image_, std::string(4096, 'a'));
    std::string error;
    engine_ = OcrEngine::Create(&error);
    ASSERT_TRUE(engine_) << error;
    known_.text.blocks.push_back({{{{{"本周", 95, {}}}}}});
    Cache().Store(Sha256Hex(std::string(4096, 'a')), known_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  OcrCache Cache() const { return OcrCache(cache_dir_, engine_->version()); }
  std::unique_ptr<OcrService> Service() const {
    std::string error;
    auto service =
        OcrService::Create(dir_, cache_dir_, ImageOptions{},
                           OcrService::Mode::kInline, nullptr, &error);
    EXPECT_TRUE(service) << error;
    return service;
  }
  // The first word read from the image, or what became of it.
  std::string Lookup(OcrService& service,
                     const std::string& src = "1.png") const {
    const ImageLookup found = service.Lookup(dir_, ImageRef{src, ""});
    if (found.status != ImageStatus::kRead || !found.lines ||
        found.lines->words.empty()) {
      return "status " + std::to_string(static_cast<int>(found.status)) + ": " +
             found.reason;
    }
    const ImageWord& first = found.lines->words.front();
    return found.lines->text.substr(first.begin, first.end - first.begin);
  }
  std::string dir_;
  std::string image_;
  std::string cache_dir_;
  std::unique_ptr<OcrEngine> engine_;
  OcrResult known_;
};

TEST_F(OcrMemoTest, AnImageHashedByAnEarlierProcessIsNotReadAgain) {
  EXPECT_EQ(Lookup(*Service()), "本周");
  // The results now stand under a hash the bytes do not have, and the
  // directory says the file has it: only a service that neither reads nor
  // hashes the file finds them.
  const std::string other(64, 'f');
  const auto version = FileVersion::OfPath(image_);
  ASSERT_TRUE(version);
  std::filesystem::remove_all(cache_dir_);
  Cache().Store(other, known_);
  Cache().RememberFile(*version, other);
  EXPECT_EQ(Cache().KnownFile(*version), other);
  EXPECT_EQ(Lookup(*Service()), "本周");
}

TEST_F(OcrMemoTest, AChangedFileIsReadAgainEvenWithItsOldModificationTime) {
  const auto service = Service();
  EXPECT_EQ(Lookup(*service), "本周");
  EXPECT_EQ(Lookup(*service), "本周");
  // Other bytes, same size, the modification time set back: the change
  // time tells, so it is read again, is not in the cache, and no image.
  struct stat st {};
  ASSERT_EQ(::stat(image_.c_str(), &st), 0);
  testing::WriteFile(image_, std::string(4096, 'b'));
  const timespec times[2] = {st.st_atim, st.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, image_.c_str(), times, 0), 0);
  EXPECT_NE(Lookup(*service), "本周");
  // Nor does a new process take the old hash for it.
  EXPECT_NE(Lookup(*Service()), "本周");
}

// In serve, each scan of the archive starts by reading what changed on
// disk: an image checked while its directory is watched is not checked again
// in later scans until that directory changes.
TEST_F(OcrMemoTest, AWatchedImageIsCheckedAgainOnlyAfterAChangeInItsDirectory) {
  const auto service = Service();
  service->StartScan(true);
  EXPECT_EQ(Lookup(*service), "本周");  // read and hashed
  EXPECT_EQ(Lookup(*service), "本周");  // checked, and from now watched
  testing::WriteFile(image_, std::string(4096, 'b'));
  // Within the scan the change is not looked for...
  EXPECT_EQ(Lookup(*service), "本周");
  // ...and the next scan sees it.
  service->StartScan(false);
  EXPECT_NE(Lookup(*service), "本周");
  testing::WriteFile(image_, std::string(4096, 'a'));
  service->StartScan(false);
  EXPECT_EQ(Lookup(*service), "本周");
}

TEST_F(OcrMemoTest, WithoutScansEachLookUpChecksTheFile) {
  const auto service = Service();  // as in parse: no scans
  EXPECT_EQ(Lookup(*service), "本周");
  EXPECT_EQ(Lookup(*service), "本周");
  testing::WriteFile(image_, std::string(4096, 'b'));
  EXPECT_NE(Lookup(*service), "本周");
}

// Above a bulletin's "_files" a directory could be replaced unseen by the
// watch on the one below it.
TEST_F(OcrMemoTest, ImagesDeeperInTheArchiveAreCheckedEachTime) {
  std::filesystem::create_directories(dir_ + "/a_files/more");
  const std::string deep = dir_ + "/a_files/more/1.png";
  testing::WriteFile(deep, std::string(4096, 'a'));
  const auto service = Service();
  service->StartScan(true);
  EXPECT_EQ(Lookup(*service, "a_files/more/1.png"), "本周");
  EXPECT_EQ(Lookup(*service, "a_files/more/1.png"), "本周");
  testing::WriteFile(deep, std::string(4096, 'b'));
  EXPECT_NE(Lookup(*service, "a_files/more/1.png"), "本周");
}

// Written through a hard link in another directory, a file changes with no
// event in its own: a scan after a bulletin changed checks every image.
TEST_F(OcrMemoTest, AfterABulletinChangedEveryImageIsCheckedAgain) {
  std::filesystem::create_directories(dir_ + "/a_files");
  std::filesystem::create_directories(dir_ + "/elsewhere");
  testing::WriteFile(dir_ + "/a_files/1.png", std::string(4096, 'a'));
  std::filesystem::create_hard_link(dir_ + "/a_files/1.png",
                                    dir_ + "/elsewhere/1.png");
  const auto service = Service();
  service->StartScan(true);
  EXPECT_EQ(Lookup(*service, "a_files/1.png"), "本周");
  EXPECT_EQ(Lookup(*service, "a_files/1.png"), "本周");
  testing::WriteFile(dir_ + "/elsewhere/1.png", std::string(4096, 'b'));
  service->StartScan(false);
  EXPECT_EQ(Lookup(*service, "a_files/1.png"), "本周");  // unseen
  service->StartScan(true);
  EXPECT_NE(Lookup(*service, "a_files/1.png"), "本周");
}

// An archive of one synthetic bulletin that shows week_files/1.png, read
// by a service with the fixture's cache.
class OcrArchiveTest : public OcrMemoTest {
 protected:
  void SetUp() override {
    OcrMemoTest::SetUp();
    archive_dir_ = dir_ + "/archive";
    image_ = archive_dir_ + "/week_files/1.png";
    std::filesystem::create_directories(archive_dir_);
    std::string content = testing::MakeSyntheticWeeks(
                              Date{std::chrono::year(2024), std::chrono::July,
                                   std::chrono::day(1)},
                              27, 1)[0]
                              .content;
    const std::string heading = "本周网络病毒活动情况\n";
    content.insert(content.find(heading) + heading.size(),
                   "\n![](week_files/1.png)\n\n");
    testing::WriteFile(archive_dir_ + "/week.md", content);
    std::string error;
    service_ = OcrService::Create(archive_dir_, cache_dir_, ImageOptions{},
                                  OcrService::Mode::kInline, nullptr, &error);
    ASSERT_TRUE(service_) << error;
    archive_ = std::make_unique<Archive>(archive_dir_, service_);
  }
  ArchiveView Scan() {
    ArchiveView view;
    EXPECT_TRUE(archive_
                    ->Scan(*DefaultRules(), Archive::Reparse::kChanged,
                           std::chrono::milliseconds(0), &view)
                    .ok());
    return view;
  }
  // The image's status in the one bulletin of `view`.
  static ImageStatus Status(const ArchiveView& view) {
    EXPECT_EQ(view.files.size(), 1u);
    EXPECT_EQ(view.files.at(0).bulletin->images.size(), 1u);
    return view.files.at(0).bulletin->images.at(0).status;
  }

  std::string archive_dir_;
  std::shared_ptr<OcrService> service_;
  std::unique_ptr<Archive> archive_;
};

// Parsed again when an image it was read with is replaced in place, its
// Markdown file untouched.
TEST_F(OcrArchiveTest, ABulletinIsParsedAgainWhenItsImageChanges) {
  std::filesystem::create_directories(archive_dir_ + "/week_files");
  testing::WriteFile(image_, std::string(4096, 'a'));
  EXPECT_EQ(Status(Scan()), ImageStatus::kRead);
  EXPECT_EQ(Scan().parsed, 0u);  // checked, and from now watched
  EXPECT_EQ(Scan().parsed, 0u);
  testing::WriteFile(image_, std::string(4096, 'b'));
  const ArchiveView view = Scan();
  EXPECT_EQ(view.parsed, 1u);
  EXPECT_EQ(Status(view), ImageStatus::kFailed);  // not an image
  EXPECT_EQ(Scan().parsed, 0u);
}

// A bulletin saved before its images: parsed again once they are there.
TEST_F(OcrArchiveTest, ABulletinIsParsedAgainWhenItsMissingImageArrives) {
  EXPECT_EQ(Status(Scan()), ImageStatus::kFailed);
  EXPECT_EQ(Scan().parsed, 0u);
  std::filesystem::create_directories(archive_dir_ + "/week_files");
  EXPECT_EQ(Scan().parsed, 0u);
  testing::WriteFile(image_, std::string(4096, 'a'));
  const ArchiveView view = Scan();
  EXPECT_EQ(view.parsed, 1u);
  EXPECT_EQ(Status(view), ImageStatus::kRead);
  EXPECT_EQ(Scan().parsed, 0u);
}

// Removed: parsed again once, without it, and then left alone.
TEST_F(OcrArchiveTest, ABulletinWhoseImageIsRemovedIsParsedAgainOnce) {
  std::filesystem::create_directories(archive_dir_ + "/week_files");
  testing::WriteFile(image_, std::string(4096, 'a'));
  EXPECT_EQ(Status(Scan()), ImageStatus::kRead);
  std::filesystem::remove(image_);
  const ArchiveView view = Scan();
  EXPECT_EQ(view.parsed, 1u);
  EXPECT_EQ(Status(view), ImageStatus::kFailed);
  EXPECT_EQ(Scan().parsed, 0u);
  EXPECT_EQ(Scan().parsed, 0u);
}

TEST_F(OcrMemoTest, ARecordOfAnotherVersionIsNotTaken) {
  auto version = FileVersion::OfPath(image_);
  ASSERT_TRUE(version);
  Cache().RememberFile(*version, std::string(64, 'f'));
  FileVersion older = *version;
  older.modified_seconds -= 10;
  EXPECT_EQ(Cache().KnownFile(older), "");
  EXPECT_EQ(Cache().KnownFile(*version), std::string(64, 'f'));
  // Not a hash: not remembered.
  FileVersion other = *version;
  other.inode += 1;
  Cache().RememberFile(other, "../../etc/passwd");
  EXPECT_EQ(Cache().KnownFile(other), "");
  // Without a directory nothing is remembered.
  const OcrCache memory("", engine_->version());
  memory.RememberFile(*version, std::string(64, 'f'));
  EXPECT_EQ(memory.KnownFile(*version), "");
}

}  // namespace
}  // namespace cncert
