// The archive directory: the durable store of bulletins, one file each.
// Scanning parses every file once per version (size, mtime, inode) and keeps
// the results, so that a reload only parses what changed.
#ifndef CNCERT_EXPORTER_ARCHIVE_ARCHIVE_H_
#define CNCERT_EXPORTER_ARCHIVE_ARCHIVE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "exporter/archive/packed_text.h"
#include "exporter/base/status.h"
#include "parsers/bulletin.h"
#include "parsers/images.h"
#include "parsers/rules.h"

namespace cncert {

struct FileStamp {
  unsigned long long device = 0;
  unsigned long long inode = 0;
  long long size = 0;
  long long mtime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

struct ArchiveFile {
  std::string name;  // file name within the archive directory
  FileStamp stamp;
  std::shared_ptr<const Bulletin> bulletin;  // ok() or failed with a reason
  // The image readers' generation when it was parsed with images pending:
  // parsed again once newer results exist.
  std::optional<std::uint64_t> pending_images;
  // The bulletin's text, which only provenance reads: kept packed, and
  // bulletin->text left empty.
  PackedText text;

  // The bulletin with its text, for provenance (MatchedText, SentenceAround,
  // ImageLine): a copy, made for the page or answer that needs it.
  std::shared_ptr<const Bulletin> WithText() const;
};

// Reads the images of the archive's bulletins (OCR, its cache, fetching).
class ImageReaders {
 public:
  virtual ~ImageReaders() = default;
  // The reader for the images of the bulletin at `path`.
  virtual std::unique_ptr<ImageReader> ForFile(const std::string& path) = 0;
  // Grows whenever results of pending images arrive.
  virtual std::uint64_t generation() const = 0;
  // The OCR confidence (0–100) a figure needs to be served.
  virtual double min_confidence() const = 0;
  // Called by each scan before it parses: image files changed until now are
  // seen by its parses. `bulletins_changed`: a bulletin is new or not what
  // it was (a directory above the images may have been replaced).
  virtual void StartScan(bool /*bulletins_changed*/) {}
  // After StartScan(): whether an image the bulletin at `path` read (or
  // failed to read) is no longer the file it was (`uses`: as its parse
  // left them).
  virtual bool ImagesChanged(const std::string& /*path*/,
                             const std::vector<ImageUse>& /*uses*/) {
    return false;
  }
};

// When a bulletin lies in time: the end of its period, or its publication.
enum class TimestampSource { kPeriodEnd, kPublished };

// Unix seconds at which `b` is placed in history (00:00 China time of the
// chosen day), falling back to the other date; nullopt when it has neither.
std::optional<long long> BulletinTimestamp(const Bulletin& b,
                                           TimestampSource source);

// The identity under which two files hold the same bulletin; empty if the
// bulletin cannot be identified (it then counts on its own).
std::string BulletinKey(const Bulletin& b);

// Why a bulletin that parsed is not served.
enum class HoldBack { kNoFigures, kTruncated, kFuture };
std::string_view HoldBackName(HoldBack reason);  // "no_figures", …

// Holds pointers into its own `files`: movable, not copyable.
struct ArchiveView {
  ArchiveView() = default;
  ArchiveView(ArchiveView&&) = default;
  ArchiveView& operator=(ArchiveView&&) = default;
  ArchiveView(const ArchiveView&) = delete;
  ArchiveView& operator=(const ArchiveView&) = delete;

  std::vector<ArchiveFile> files;  // every file, by name
  // Distinct, placeable bulletins, oldest first; newest is back().
  std::vector<const ArchiveFile*> bulletins;
  std::vector<const ArchiveFile*> failed;      // settled failures
  std::vector<const ArchiveFile*> duplicates;  // same bulletin, less complete
  std::vector<const ArchiveFile*> unplaced;    // no date to place them
  // Bulletins that are never served, not even as the newest: they state no
  // figure, are cut off, or are dated in the future. With the reason.
  std::vector<std::pair<const ArchiveFile*, HoldBack>> held_back;
  std::vector<std::string> pending;  // changed too recently to judge
  std::size_t parsed = 0;  // files this scan parsed; the rest came cached
};

class Archive {
 public:
  explicit Archive(std::string directory,
                   std::shared_ptr<ImageReaders> images = nullptr)
      : directory_(std::move(directory)), images_(std::move(images)) {}

  const std::string& directory() const { return directory_; }

  // A file that fails to parse while it still changes is given at most this
  // many times `settle` to be written before it counts as failed: a file
  // whose time lies in the future is not pending forever.
  static constexpr int kMaxPendingSettles = 15;

  // Which files a scan parses: those that changed, or all (new rules).
  enum class Reparse { kChanged, kAll };

  // Reads the directory. Files that fail and were modified less than `settle`
  // ago are reported as pending (still being written), not as failed.
  // Fails only if the directory itself cannot be read.
  using Progress = std::function<void(std::size_t done, std::size_t total)>;
  Status Scan(const RuleSet& rules, Reparse reparse,
              std::chrono::milliseconds settle, ArchiveView* view,
              const Progress& progress = nullptr);

  // Orders and deduplicates what Scan() found into `view`.
  static void Organize(ArchiveView* view, TimestampSource source);

  static constexpr std::size_t kMaxFileBytes = 32u << 20;

 private:
  // A file of the directory as Scan() found it; `file` is set once parsed
  // or taken from the cache.
  struct Entry {
    std::string name;
    FileStamp stamp;
    bool has_source_record = false;  // ".NAME.source.json" was there
    std::optional<ArchiveFile> file;
  };
  void ParseAll(const RuleSet& rules, std::vector<Entry>* entries,
                const std::vector<std::size_t>& indices, std::size_t done,
                std::size_t total, const Progress& progress);
  ArchiveFile Parse(const Entry& entry, const RuleSet& rules);

  std::string directory_;
  std::shared_ptr<ImageReaders> images_;
  std::map<std::string, ArchiveFile> cache_;  // by name
  // When each pending file (by name, version) was first seen failing.
  std::map<std::string,
           std::pair<FileStamp, std::chrono::steady_clock::time_point>>
      first_failed_;
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_ARCHIVE_ARCHIVE_H_
