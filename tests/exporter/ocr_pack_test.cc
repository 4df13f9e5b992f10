// The OCR cache's pack: records read back by the next process, a newer
// record replacing an older one, lines of another preparation not taken, a
// torn, garbled or foreign file read as far as it holds and written anew,
// replaced records compacted away, and several writers at once.
#include "exporter/ocr/ocr_pack.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <thread>
#include <vector>

#include "parsers/image_lines.h"
#include "tests/support/test_support.h"

namespace cncert {
namespace {

constexpr std::string_view kPreparation = "prepare1";

Sha256Digest Sha(int n) {
  Sha256Digest sha{};
  for (std::size_t i = 0; i < sha.size(); ++i) {
    sha[i] = static_cast<std::uint8_t>(n >> (8 * (i % 4)));
  }
  sha[31] = 0xa5;
  return sha;
}

FileVersion Version(std::uint64_t inode, std::int64_t changed = 8) {
  return {1, inode, 4096, 5, 6, changed, 9};
}

ImageLines Lines(int n) {
  ImageText text;
  text.blocks.push_back({{{{{"本周,CNCERT共处理", 95, {}},
                            {std::to_string(n) + "起", 90, {}}}}}});
  return PrepareImageLines(text);
}

std::string Bytes(const std::optional<ImageLines>& lines) {
  return lines ? ImageLinesToBytes(*lines) : "(none)";
}

class OcrPackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir();
    path_ = dir_ + "/pack";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  OcrPack Pack() const { return OcrPack(path_, kPreparation); }
  // The size of a lines record as the pack writes it.
  static std::size_t LinesRecordBytes(int n) {
    return 16 + 40 + ImageLinesToBytes(Lines(n)).size();
  }
  std::string dir_;
  std::string path_;
};

TEST_F(OcrPackTest, RecordsAreReadBackByTheNextProcess) {
  {
    const OcrPack pack = Pack();
    EXPECT_FALSE(pack.KnownFile(Version(2)));
    EXPECT_FALSE(pack.Lines(Sha(1)));
    EXPECT_FALSE(std::filesystem::exists(path_));  // nothing asked to keep
    pack.RememberFile(Version(2), Sha(1));
    pack.KeepLines(Sha(1), Lines(177));
    EXPECT_EQ(pack.KnownFile(Version(2)), Sha(1));
    EXPECT_EQ(Bytes(pack.Lines(Sha(1))), Bytes(Lines(177)));
  }
  const OcrPack next = Pack();
  EXPECT_EQ(next.KnownFile(Version(2)), Sha(1));
  EXPECT_EQ(Bytes(next.Lines(Sha(1))), Bytes(Lines(177)));
  // Another version of the same file, another file, other lines: unknown.
  FileVersion grown = Version(2);
  grown.size += 1;
  EXPECT_FALSE(next.KnownFile(grown));
  EXPECT_FALSE(next.KnownFile(Version(3)));
  EXPECT_FALSE(next.Lines(Sha(2)));
  const OcrPack::Counts counts = next.counts();
  EXPECT_EQ(counts.files, 1u);
  EXPECT_EQ(counts.lines, 1u);
  EXPECT_EQ(counts.file_bytes, 16 + counts.live_bytes);
}

TEST_F(OcrPackTest, ANewerRecordReplacesTheOlder) {
  const OcrPack pack = Pack();
  pack.RememberFile(Version(2), Sha(1));
  pack.RememberFile(Version(2), Sha(2));
  // The same inode, changed since: the record of the new version counts.
  pack.RememberFile(Version(2, 10), Sha(3));
  pack.KeepLines(Sha(4), Lines(1));
  pack.KeepLines(Sha(4), Lines(2));
  const OcrPack next = Pack();
  for (const OcrPack* p : {&pack, &next}) {
    EXPECT_FALSE(p->KnownFile(Version(2)));
    EXPECT_EQ(p->KnownFile(Version(2, 10)), Sha(3));
    EXPECT_EQ(Bytes(p->Lines(Sha(4))), Bytes(Lines(2)));
  }
  EXPECT_EQ(Pack().counts().files, 1u);
  EXPECT_EQ(Pack().counts().lines, 1u);
}

TEST_F(OcrPackTest, LinesOfAnotherPreparationAreNotRead) {
  Pack().KeepLines(Sha(1), Lines(1));
  Pack().RememberFile(Version(2), Sha(1));
  const OcrPack other(path_, "prepare2");
  EXPECT_FALSE(other.Lines(Sha(1)));
  EXPECT_EQ(other.KnownFile(Version(2)), Sha(1));  // a file is a file
  other.KeepLines(Sha(1), Lines(2));
  EXPECT_EQ(Bytes(OcrPack(path_, "prepare2").Lines(Sha(1))), Bytes(Lines(2)));
  EXPECT_EQ(Bytes(Pack().Lines(Sha(1))), Bytes(Lines(1)));
}

TEST_F(OcrPackTest, ATornTailIsNotReadAndTheFileIsWrittenAnew) {
  for (int n = 1; n <= 3; ++n) Pack().KeepLines(Sha(n), Lines(n));
  const auto whole = std::filesystem::file_size(path_);
  ASSERT_EQ(whole, 16 + LinesRecordBytes(1) + LinesRecordBytes(2) +
                       LinesRecordBytes(3));
  const std::string bytes = testing::ReadFile(path_);
  // Every cut: the records before it are read, the cut one is not.
  for (std::uintmax_t cut = 1; cut < LinesRecordBytes(3); cut += 7) {
    testing::WriteFile(path_, bytes.substr(0, whole - cut));
    {
      const OcrPack pack = Pack();
      EXPECT_EQ(Bytes(pack.Lines(Sha(1))), Bytes(Lines(1))) << cut;
      EXPECT_EQ(Bytes(pack.Lines(Sha(2))), Bytes(Lines(2))) << cut;
      EXPECT_FALSE(pack.Lines(Sha(3))) << cut;
      // Kept again after the records, not after the torn bytes.
      pack.KeepLines(Sha(3), Lines(3));
    }
    const OcrPack next = Pack();
    for (int n = 1; n <= 3; ++n) {
      EXPECT_EQ(Bytes(next.Lines(Sha(n))), Bytes(Lines(n))) << cut;
    }
    EXPECT_EQ(next.counts().file_bytes, 16 + next.counts().live_bytes) << cut;
  }
}

TEST_F(OcrPackTest, AChangedByteLosesItsRecordAlone) {
  Pack().RememberFile(Version(7), Sha(7));
  for (int n = 1; n <= 3; ++n) Pack().KeepLines(Sha(n), Lines(n));
  Pack().RememberFile(Version(8), Sha(8));
  const std::string bytes = testing::ReadFile(path_);
  const std::size_t file_record = 16 + 7 * 8 + 32;
  const std::size_t second = 16 + file_record + LinesRecordBytes(1);
  // In the second lines record's body, and in the last file record's.
  for (const std::size_t at :
       {second + 16, second + 16 + 40, second + LinesRecordBytes(2) - 1}) {
    std::string changed = bytes;
    changed[at] = static_cast<char>(changed[at] ^ 0x10);
    testing::WriteFile(path_, changed);
    const OcrPack pack = Pack();
    EXPECT_EQ(Bytes(pack.Lines(Sha(1))), Bytes(Lines(1))) << at;
    EXPECT_FALSE(pack.Lines(Sha(2))) << at;
    EXPECT_EQ(Bytes(pack.Lines(Sha(3))), Bytes(Lines(3))) << at;
    EXPECT_EQ(pack.KnownFile(Version(8)), Sha(8)) << at;
    pack.KeepLines(Sha(2), Lines(2));
    EXPECT_EQ(Bytes(Pack().Lines(Sha(2))), Bytes(Lines(2))) << at;
  }
  std::string changed = bytes;
  changed[bytes.size() - 40] =
      static_cast<char>(changed[bytes.size() - 40] ^ 0x01);
  testing::WriteFile(path_, changed);
  EXPECT_FALSE(Pack().KnownFile(Version(8)));
  EXPECT_EQ(Pack().KnownFile(Version(7)), Sha(7));
}

TEST_F(OcrPackTest, WhatIsNoPackIsWrittenAnew) {
  std::mt19937 random(13);
  std::string noise(4096, '\0');
  for (char& c : noise) c = static_cast<char>(random());
  for (const std::string& bytes :
       {std::string(), std::string("cncert-ocrpack1"),
        std::string("cncert-ocrpack2\n") + std::string(100, '\0'),
        std::string("cncert-ocrpack1\n") + noise, noise}) {
    testing::WriteFile(path_, bytes);
    EXPECT_FALSE(Pack().KnownFile(Version(2)));
    EXPECT_FALSE(Pack().Lines(Sha(1)));
    Pack().RememberFile(Version(2), Sha(1));
    Pack().KeepLines(Sha(1), Lines(1));
    const OcrPack pack = Pack();
    EXPECT_EQ(pack.KnownFile(Version(2)), Sha(1));
    EXPECT_EQ(Bytes(pack.Lines(Sha(1))), Bytes(Lines(1)));
    EXPECT_EQ(pack.counts().file_bytes, 16 + pack.counts().live_bytes);
  }
  // A directory where the pack would be: nothing kept, nothing broken.
  std::filesystem::remove(path_);
  std::filesystem::create_directory(path_);
  Pack().RememberFile(Version(2), Sha(1));
  EXPECT_FALSE(Pack().KnownFile(Version(2)));
}

TEST_F(OcrPackTest, ReplacedRecordsAreCompactedAway) {
  const OcrPack early = Pack();
  early.RememberFile(Version(1), Sha(1));
  const OcrPack pack = Pack();
  // 20,000 records of ten files: 2 MB, of which 1 KB lives.
  for (int n = 0; n < 20000; ++n) {
    pack.RememberFile(Version(100 + n % 10, n), Sha(n));
  }
  const OcrPack::Counts counts = pack.counts();
  EXPECT_EQ(counts.files, 11u);
  // Dead records up to the threshold, and the one the last replaced.
  EXPECT_LE(counts.file_bytes, 16 + counts.live_bytes + (256u << 10) + 104);
  const OcrPack next = Pack();
  for (int n = 19990; n < 20000; ++n) {
    EXPECT_EQ(next.KnownFile(Version(100 + n % 10, n)), Sha(n));
  }
  EXPECT_EQ(next.KnownFile(Version(1)), Sha(1));
  // A process that read the pack before a compaction reads the new file
  // once it misses.
  EXPECT_EQ(early.KnownFile(Version(109, 19999)), Sha(19999));
  early.RememberFile(Version(2), Sha(2));
  EXPECT_EQ(Pack().KnownFile(Version(2)), Sha(2));
  EXPECT_EQ(Pack().KnownFile(Version(109, 19999)), Sha(19999));
}

// Lines whose record is about `bytes` long.
ImageLines LongLines(int n, std::size_t bytes) {
  ImageText text;
  auto& line = text.blocks.emplace_back().lines.emplace_back();
  line.words.push_back({std::to_string(n) + std::string(bytes, 'x'), 90, {}});
  return PrepareImageLines(text);
}

TEST_F(OcrPackTest, ACompactionListsTheLinesAndAStartReadsTheList) {
  // 3 MB of lines: compacted as it grows, each time the records after the
  // list outgrow it.
  {
    const OcrPack pack = Pack();
    pack.RememberFile(Version(2), Sha(1));
    for (int n = 0; n < 300; ++n) pack.KeepLines(Sha(n), LongLines(n, 10000));
  }
  const OcrPack pack = Pack();
  const OcrPack::Counts counts = pack.counts();
  EXPECT_EQ(counts.lines, 300u);
  EXPECT_GT(counts.listed, 100u);
  EXPECT_EQ(counts.file_bytes, 16 + counts.live_bytes);
  for (int n = 0; n < 300; ++n) {
    ASSERT_EQ(Bytes(pack.Lines(Sha(n))), Bytes(LongLines(n, 10000))) << n;
  }
  EXPECT_EQ(pack.KnownFile(Version(2)), Sha(1));
  // A listed record's header broken: that record alone is lost (read one
  // by one, the records after it would be too).
  const std::string bytes = testing::ReadFile(path_);
  const std::size_t list = 16 + 16 + 7 * 8 + 32;
  const std::size_t first = list + 16 + 16 + counts.listed * 48;
  const std::size_t second =
      first + 16 + 40 + ImageLinesToBytes(LongLines(0, 10000)).size();
  std::string changed = bytes;
  changed[second] = 'x';
  testing::WriteFile(path_, changed);
  const OcrPack broken = Pack();
  EXPECT_EQ(broken.counts().listed, counts.listed);
  EXPECT_EQ(Bytes(broken.Lines(Sha(0))), Bytes(LongLines(0, 10000)));
  EXPECT_FALSE(broken.Lines(Sha(1)));
  for (int n = 2; n < 300; ++n) {
    ASSERT_EQ(Bytes(broken.Lines(Sha(n))), Bytes(LongLines(n, 10000))) << n;
  }
  // Another build reads the same records one by one, without the list:
  // its own lines after it, the file records before it.
  testing::WriteFile(path_, bytes);
  const OcrPack other(path_, "prepare2");
  EXPECT_EQ(other.KnownFile(Version(2)), Sha(1));
  EXPECT_EQ(other.counts().listed, 0u);
  EXPECT_FALSE(other.Lines(Sha(0)));
  // A list broken anywhere is not taken: its records are read instead
  // (and listed anew).
  for (const std::size_t at :
       {list + 16, list + 16 + 8, list + 16 + 16 + 40, first - 1}) {
    changed = bytes;
    changed[at] = static_cast<char>(changed[at] ^ 0x40);
    testing::WriteFile(path_, changed);
    const OcrPack read = Pack();
    for (int n = 0; n < 300; n += 37) {
      EXPECT_EQ(Bytes(read.Lines(Sha(n))), Bytes(LongLines(n, 10000))) << at;
    }
  }
}

TEST_F(OcrPackTest, WritersAtOnceLoseNothing) {
  // Each writer has the file open on its own (as processes do, each with
  // its own lock) and appends its own files and lines, and replaces a few
  // shared ones often enough to make the file be compacted meanwhile.
  constexpr int kWriters = 4;
  constexpr int kEach = 3000;
  std::vector<std::thread> writers;
  writers.reserve(kWriters);
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([this, w] {
      const OcrPack pack = Pack();
      for (int n = 0; n < kEach; ++n) {
        if (n % 3 == 0) {
          pack.RememberFile(Version(10000 * (w + 1) + n), Sha(n));
        } else if (n % 50 == 1) {
          pack.KeepLines(Sha(10000 * (w + 1) + n), Lines(n));
        } else {
          pack.RememberFile(Version(n % 5, w * kEach + n), Sha(100000 + n));
        }
      }
    });
  }
  for (auto& writer : writers) writer.join();
  const OcrPack pack = Pack();
  for (int w = 0; w < kWriters; ++w) {
    for (int n = 0; n < kEach; ++n) {
      if (n % 3 == 0) {
        EXPECT_EQ(pack.KnownFile(Version(10000 * (w + 1) + n)), Sha(n))
            << w << " " << n;
      } else if (n % 50 == 1) {
        EXPECT_EQ(Bytes(pack.Lines(Sha(10000 * (w + 1) + n))), Bytes(Lines(n)))
            << w << " " << n;
      }
    }
  }
  const OcrPack::Counts counts = pack.counts();
  EXPECT_EQ(counts.files, kWriters * kEach / 3 + 5);
  // Compacted meanwhile: 8,000 replaced records (830 KB) are not all
  // there, only up to as many bytes as live (and one record).
  const std::uint64_t dead = counts.file_bytes - 16 - counts.live_bytes;
  EXPECT_LE(dead, std::max<std::uint64_t>(256u << 10, counts.live_bytes) + 104);
}

}  // namespace
}  // namespace cncert
