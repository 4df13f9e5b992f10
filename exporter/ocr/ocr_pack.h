// What a restart looks up for every image, in one file of the OCR cache
// (.cncert-ocr/pack): each image file's version with its SHA-256, and each
// image's prepared lines. Read once when first asked, as a list of where
// each record lies; an image then costs one read of its lines instead of
// opening two files.
//
// Records are appended, never changed: a newer one of the same key
// replaces the older. A compaction writes the file records, then a list of
// where each lines record lies, then those records: a start-up reads the
// list and the records appended since, not every record. Appends and compaction
// hold an exclusive flock on the file, so processes sharing the cache (serve,
// parse, backfill) may write at once. A record another process appended is read
// at the next miss. A torn or broken tail, or a file mostly of replaced
// records, is compacted: the live records are written to a new file renamed
// over the old; a process that still holds the old one sees the new name at its
// next miss. Every record carries a checksum (XXH3); a record that fails
// it is not read. Nothing here is more than a cache: what is lost costs a hash
// or a preparation from the kept result.
#ifndef CNCERT_EXPORTER_OCR_OCR_PACK_H_
#define CNCERT_EXPORTER_OCR_OCR_PACK_H_

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "exporter/base/digest.h"
#include "exporter/ocr/file_version.h"
#include "exporter/ocr/record_table.h"
#include "parsers/image_lines.h"

namespace cncert {

class OcrPack {
 public:
  // Lines are kept under `preparation`: what names the engine and the
  // build that prepared them (OcrCache's lines header). Lines under
  // another are not read, and go at the next compaction.
  OcrPack(std::string path, std::string_view preparation);
  ~OcrPack();
  OcrPack(const OcrPack&) = delete;
  OcrPack& operator=(const OcrPack&) = delete;

  std::optional<Sha256Digest> KnownFile(const FileVersion& version) const;
  // Both: whether the pack holds them now.
  bool RememberFile(const FileVersion& version, const Sha256Digest& sha) const;
  // nullopt: not kept, of another preparation, or broken.
  std::optional<ImageLines> Lines(const Sha256Digest& sha) const;
  bool KeepLines(const Sha256Digest& sha, const ImageLines& lines) const;

  // What the file holds, for tests and benchmarks.
  struct Counts {
    std::size_t files = 0;
    std::size_t lines = 0;
    std::uint64_t live_bytes = 0;
    std::uint64_t file_bytes = 0;
    std::size_t listed = 0;  // lines found through the list
  };
  Counts counts() const;

  static constexpr std::size_t kMaxRecordBytes = 8u << 20;
  // A pack of more records than this is not believed further (a hostile
  // file would otherwise fill memory with its list).
  static constexpr std::size_t kMaxRecords = 1u << 20;

 private:
  using FileKey = std::pair<std::uint64_t, std::uint64_t>;  // device, inode
  struct KnownVersion {
    FileVersion version;
    Sha256Digest sha;
  };
  struct KeptLines {
    std::uint64_t offset;  // of the record
    std::uint32_t length;  // of its body
  };

  // All under mutex_.
  // Opens the file when it exists (`create`: also when it does not), and
  // reads its records; false when there is none.
  bool Open(bool create) const;
  void Close() const;
  // Reads the records from `scanned_` to the file's end; another process's
  // compaction reopens it first.
  void Refresh() const;
  // Open(false), compacting what needs it.
  void OpenForReading() const;
  void Scan() const;
  // Takes the file's flock, on the file the name holds now, and reads what
  // was appended before; false when it cannot be written.
  bool LockCurrent() const;
  // Under the flock: writes the live records to a new file renamed over
  // the old, which replaces fd_ (locked too).
  bool CompactLocked() const;
  bool NeedsCompaction() const;
  // Appends one record under the file's flock; whether it was.
  bool Append(std::uint32_t kind, const std::string& body) const;
  // Takes the record at `offset` into the tables: `key` is the body of a
  // file record (checked against `check` here), or the start of a lines
  // record's (checked when its lines are read). `reading`: one of a file
  // read whole, added unsorted until Settle().
  void Take(std::uint32_t kind, std::uint64_t offset, std::uint32_t length,
            std::string_view key, std::uint32_t check, bool reading) const;
  // Takes the list record at `offset` (its body, `size` the file's): the
  // position to read on from, past what it lists.
  std::uint64_t TakeList(std::uint64_t offset, std::string_view body,
                         std::uint32_t check, std::uint64_t size) const;
  // Reads the record `kept` names into `record`: whether it is a whole
  // lines record of `sha` and of this preparation.
  bool ReadLinesRecord(const Sha256Digest& sha, const KeptLines& kept,
                       std::string& record) const;
  // After reading records: sorts the tables and counts the live bytes.
  void Settle() const;

  std::string path_;
  std::array<std::uint8_t, 8> preparation_;
  mutable std::mutex mutex_;
  mutable int fd_ = -1;
  mutable bool writable_ = false;
  mutable std::uint64_t scanned_ = 0;     // where the records read end
  mutable std::uint64_t file_bytes_ = 0;  // its size when last read
  mutable bool broken_tail_ = false;      // what follows scanned_ is no record
  mutable std::uint64_t live_bytes_ = 0;
  // The list a compaction wrote (ocr_pack.cc), and where what it lists
  // ends; 0 without one.
  mutable std::uint64_t list_bytes_ = 0;
  mutable std::uint64_t listed_end_ = 0;
  mutable std::size_t listed_ = 0;
  mutable std::size_t records_ = 0;
  mutable RecordTable<FileKey, KnownVersion> files_;
  mutable RecordTable<Sha256Digest, KeptLines> lines_;
  // Room that Lines() reads records into: kept, not zeroed again for each
  // (a start-up reads every image's).
  mutable std::string record_;
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_OCR_OCR_PACK_H_
