// The archive: scanning with its parse cache, source records, ordering and
// deduplication.
#include "exporter/archive/archive.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "exporter/archive/source_record.h"
#include "parsers/parser.h"
#include "tests/support/synthetic_archive.h"
#include "tests/support/test_support.h"

namespace cncert {
namespace {

using testing::MakeTempDir;
using testing::WriteFile;

constexpr auto kNoSettle = std::chrono::milliseconds(0);

class ArchiveTest : public ::testing::Test {
 protected:
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::vector<testing::SyntheticWeek> Weeks(int n) {
    return testing::MakeSyntheticWeeks(
        Date{std::chrono::year(2024), std::chrono::July, std::chrono::day(1)},
        27, n);
  }
  std::string dir_ = MakeTempDir();
};

TEST_F(ArchiveTest, OrdersBulletinsByPeriodAndReportsFailures) {
  const auto weeks = Weeks(3);
  testing::WriteSyntheticArchive(dir_, weeks);
  WriteFile(dir_ + "/broken.md", "");
  WriteFile(dir_ + "/.hidden.md", "ignored");
  Archive archive(dir_);
  ArchiveView view;
  ASSERT_TRUE(
      archive.Scan(*DefaultRules(), Archive::Reparse::kAll, kNoSettle, &view)
          .ok());
  Archive::Organize(&view, TimestampSource::kPeriodEnd);
  ASSERT_EQ(view.bulletins.size(), 3u);
  EXPECT_EQ(view.bulletins.front()->bulletin->identity.issue, 27);
  EXPECT_EQ(view.bulletins.back()->bulletin->identity.issue, 29);
  ASSERT_EQ(view.failed.size(), 1u);
  EXPECT_EQ(view.failed[0]->name, "broken.md");
  EXPECT_EQ(view.failed[0]->bulletin->failure, Failure::kEmpty);
}

TEST_F(ArchiveTest, UnchangedFilesAreNotParsedAgain) {
  testing::WriteSyntheticArchive(dir_, Weeks(2));
  Archive archive(dir_);
  ArchiveView first;
  ASSERT_TRUE(
      archive.Scan(*DefaultRules(), Archive::Reparse::kAll, kNoSettle, &first)
          .ok());
  ArchiveView second;
  ASSERT_TRUE(
      archive
          .Scan(*DefaultRules(), Archive::Reparse::kChanged, kNoSettle, &second)
          .ok());
  ASSERT_EQ(first.files.size(), second.files.size());
  EXPECT_EQ(first.parsed, first.files.size());
  EXPECT_EQ(second.parsed, 0U);
  for (std::size_t i = 0; i < first.files.size(); ++i) {
    // The same parse result, shared, not a new one.
    EXPECT_EQ(first.files[i].bulletin.get(), second.files[i].bulletin.get());
  }
  ArchiveView third;
  ASSERT_TRUE(
      archive.Scan(*DefaultRules(), Archive::Reparse::kAll, kNoSettle, &third)
          .ok());
  EXPECT_NE(first.files[0].bulletin.get(), third.files[0].bulletin.get());
  EXPECT_EQ(third.parsed, first.files.size());

  // One file added: that file alone is parsed.
  testing::WriteSyntheticArchive(dir_, {Weeks(3).back()});
  ArchiveView fourth;
  ASSERT_TRUE(
      archive
          .Scan(*DefaultRules(), Archive::Reparse::kChanged, kNoSettle, &fourth)
          .ok());
  EXPECT_EQ(fourth.files.size(), first.files.size() + 1);
  EXPECT_EQ(fourth.parsed, 1U);
}

TEST_F(ArchiveTest, AMissingDirectoryIsAnError) {
  Archive archive(dir_ + "/nope");
  ArchiveView view;
  const Status s =
      archive.Scan(*DefaultRules(), Archive::Reparse::kAll, kNoSettle, &view);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), ::testing::HasSubstr("cannot read archive"));
}

TEST_F(ArchiveTest, SourceRecordFillsWhatTheBulletinDoesNotState) {
  // A cert.org.cn title states no period: the report page's date places it.
  const std::string text =
      "网络安全信息与动态周报-2026年第12期\n\n本周网络安全基本态势\n\n"
      "本周，互联网网络安全态势整体评价为良。\n";
  const SourceRecord record{
      "https://www.cert.org.cn/x.pdf", "index", "",
      Date{std::chrono::year(2026), std::chrono::April, std::chrono::day(3)}};
  ASSERT_TRUE(StoreWithSource(dir_, "fetched.txt", text, record).ok());
  Archive archive(dir_);
  ArchiveView view;
  ASSERT_TRUE(
      archive.Scan(*DefaultRules(), Archive::Reparse::kAll, kNoSettle, &view)
          .ok());
  ASSERT_EQ(view.files.size(), 1u);  // the hidden record is not a bulletin
  const Identity& id = view.files[0].bulletin->identity;
  EXPECT_EQ(id.url, "https://www.cert.org.cn/x.pdf");
  ASSERT_TRUE(id.published);
  EXPECT_EQ(FormatDate(*id.published), "2026-04-03");
  const auto back = SourceRecord::FromJson(record.ToJson());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->url, record.url);
  EXPECT_EQ(back->published, record.published);
}

TEST_F(ArchiveTest, TheMoreCompleteCopyOfABulletinWins) {
  const auto weeks = Weeks(1);
  WriteFile(dir_ + "/full.md", weeks[0].content);
  // The same issue, with the figures cut away.
  const std::string partial =
      weeks[0].content.substr(0, weeks[0].content.find("本周网络病毒活动情况"));
  WriteFile(dir_ + "/partial.md", partial);
  Archive archive(dir_);
  ArchiveView view;
  ASSERT_TRUE(
      archive.Scan(*DefaultRules(), Archive::Reparse::kAll, kNoSettle, &view)
          .ok());
  Archive::Organize(&view, TimestampSource::kPeriodEnd);
  ASSERT_EQ(view.bulletins.size(), 1u);
  EXPECT_EQ(view.bulletins[0]->name, "full.md");
  ASSERT_EQ(view.duplicates.size(), 1u);
  EXPECT_EQ(view.duplicates[0]->name, "partial.md");
}

// Provenance reads the text, which the archive keeps packed: each value's
// sentence comes back as a parse of the file gives it.
TEST_F(ArchiveTest, TheTextIsKeptPackedAndGivenBackWhole) {
  const auto weeks = Weeks(1);
  WriteFile(dir_ + "/week.md", weeks[0].content);
  Archive archive(dir_);
  ArchiveView view;
  ASSERT_TRUE(
      archive.Scan(*DefaultRules(), Archive::Reparse::kAll, kNoSettle, &view)
          .ok());
  ASSERT_EQ(view.files.size(), 1u);
  const ArchiveFile& file = view.files[0];
  const Bulletin parsed = ParseBulletin(weeks[0].content, *DefaultRules());
  ASSERT_FALSE(parsed.values.empty());
  EXPECT_TRUE(file.bulletin->text.empty());
  EXPECT_LT(file.text.packed_size(), parsed.text.size() * 3 / 4);
  const auto whole = file.WithText();
  EXPECT_EQ(whole->text, parsed.text);
  ASSERT_EQ(whole->values.size(), parsed.values.size());
  for (std::size_t i = 0; i < parsed.values.size(); ++i) {
    EXPECT_EQ(SentenceAround(*whole, whole->values[i].provenance),
              SentenceAround(parsed, parsed.values[i].provenance));
  }
  // The bulletin the archive serves is not touched.
  EXPECT_TRUE(file.bulletin->text.empty());
}

}  // namespace
}  // namespace cncert
