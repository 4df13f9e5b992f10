#include "exporter/ocr/ocr_pack.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <vector>

namespace cncert {

namespace {

// Fields are in the machine's order: a pack read by another kind of
// machine has no records it can take, and is written anew.
constexpr std::string_view kPackHeader = "cncert-ocrpack1\n";
constexpr std::uint32_t kMagic = 0x4b50434e;  // "NCPK"
constexpr std::uint32_t kFileRecord = 1;
constexpr std::uint32_t kLinesRecord = 2;
// Where each lines record of the region after it lies: written by a
// compaction, so that a start-up reads the list instead of every record.
constexpr std::uint32_t kListRecord = 3;

struct RecordHeader {
  std::uint32_t magic;
  std::uint32_t kind;
  std::uint32_t length;  // of the body that follows
  std::uint32_t check;   // Checksum() of the body
};
static_assert(sizeof(RecordHeader) == 16);
constexpr std::size_t kHeaderBytes = sizeof(RecordHeader);

// The body of a file record: its version's seven fields, then the hash.
constexpr std::size_t kFileBodyBytes = 7 * 8 + 32;
// A lines record's body begins with the image's hash and the preparation.
constexpr std::size_t kLinesKeyBytes = 32 + 8;
// Room for reading a lines record kept between reads: most hold an image's
// few kilobytes of text and words.
constexpr std::size_t kKeptRoom = 64u << 10;
// Replaced records are left in place until they are this many bytes and
// more than the live ones.
constexpr std::uint64_t kDeadBytesToCompact = 256u << 10;
// Records after the list are read one by one; once they are this many
// bytes and more than the listed ones, a compaction lists them too.
constexpr std::uint64_t kUnlistedBytesToCompact = 1u << 20;

// A list's body: the preparation, the end of the region it lists, then
// one entry per lines record.
struct ListEntry {
  Sha256Digest sha;
  std::uint64_t offset;
  std::uint32_t length;
  std::uint32_t zero;
};
static_assert(sizeof(ListEntry) == 48);
constexpr std::size_t kListHeadBytes = 8 + 8;

// XXH3, of which 32 bits are kept: a start-up checks every image's lines,
// and it runs several times faster than a CRC-32.
std::uint32_t Checksum(std::string_view bytes) {
  return static_cast<std::uint32_t>(XXH3_64bits(bytes.data(), bytes.size()));
}

template <typename T>
void Put(const T& value, std::string& out) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

template <typename T>
T Get(std::string_view bytes, std::size_t at) {
  T value;
  std::memcpy(&value, bytes.data() + at, sizeof value);
  return value;
}

std::string Record(std::uint32_t kind, std::string_view body) {
  std::string out;
  out.reserve(kHeaderBytes + body.size());
  Put(RecordHeader{kMagic, kind, static_cast<std::uint32_t>(body.size()),
                   Checksum(body)},
      out);
  out.append(body);
  return out;
}

std::string FileBody(const FileVersion& v, const Sha256Digest& sha) {
  std::string body;
  body.reserve(kFileBodyBytes);
  Put(v.device, body);
  Put(v.inode, body);
  Put(v.size, body);
  Put(v.modified_seconds, body);
  Put(v.modified_nanoseconds, body);
  Put(v.changed_seconds, body);
  Put(v.changed_nanoseconds, body);
  body.append(reinterpret_cast<const char*>(sha.data()), sha.size());
  return body;
}

// Exactly `n` bytes at `offset`, or false.
bool ReadAt(int fd, std::uint64_t offset, char* out, std::size_t n) {
  while (n > 0) {
    const ssize_t got = ::pread(fd, out, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    out += got;
    n -= static_cast<std::size_t>(got);
    offset += static_cast<std::uint64_t>(got);
  }
  return true;
}

bool WriteAt(int fd, std::uint64_t offset, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t put =
        ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(put));
    offset += static_cast<std::uint64_t>(put);
  }
  return true;
}

bool SameFile(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// Whether `fd` is still the file at `path` (not replaced by a compaction).
bool IsCurrent(int fd, const std::string& path) {
  struct stat open_file {};
  struct stat named {};
  return ::fstat(fd, &open_file) == 0 && ::stat(path.c_str(), &named) == 0 &&
         SameFile(open_file, named);
}

// A name for the new file of a compaction that no other writer takes.
std::string TemporaryName(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  return path + ".tmp." + std::to_string(::getpid()) + "." +
         std::to_string(counter++);
}

}  // namespace

OcrPack::OcrPack(std::string path, std::string_view preparation)
    : path_(std::move(path)), preparation_{} {
  std::copy_n(preparation.begin(),
              std::min(preparation.size(), preparation_.size()),
              preparation_.begin());
}

OcrPack::~OcrPack() { Close(); }

void OcrPack::Close() const {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  scanned_ = 0;
  file_bytes_ = 0;
  broken_tail_ = false;
  live_bytes_ = 0;
  records_ = 0;
  files_.Clear();
  lines_.Clear();
  list_bytes_ = 0;
  listed_end_ = 0;
  listed_ = 0;
}

bool OcrPack::Open(bool create) const {
  if (fd_ >= 0) return true;
  constexpr int kFlags = O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;
  int fd =
      ::open(path_.c_str(), O_RDWR | kFlags | (create ? O_CREAT : 0), 0644);
  writable_ = fd >= 0;
  // A cache that cannot be written (its permissions, a read-only mount) is
  // still read.
  if (fd < 0 && (errno == EACCES || errno == EPERM || errno == EROFS)) {
    fd = ::open(path_.c_str(), O_RDONLY | kFlags);
  }
  if (fd < 0) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return false;
  }
  fd_ = fd;
  Scan();
  return true;
}

void OcrPack::Scan() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return;
  const auto size = static_cast<std::uint64_t>(st.st_size);
  file_bytes_ = size;
  // Read again from where the records ended: without the flock, what
  // seemed torn may have been a record being appended.
  broken_tail_ = false;
  if (scanned_ == 0) {
    if (size == 0) return;
    std::string header(kPackHeader.size(), '\0');
    if (size < header.size() || !ReadAt(fd_, 0, header.data(), header.size()) ||
        header != kPackHeader) {
      broken_tail_ = true;
      return;
    }
    scanned_ = header.size();
  }
  // Records are read in large pieces: most are a few KB, and only their
  // keys are taken (a lines record is read again when its lines are).
  constexpr std::size_t kPiece = 256u << 10;
  std::string piece;
  std::uint64_t piece_at = 0;
  const auto have = [&](std::uint64_t at, std::size_t n) {
    if (at >= piece_at && at + n <= piece_at + piece.size()) return true;
    piece.resize(static_cast<std::size_t>(
        std::min<std::uint64_t>(std::max(kPiece, n), size - at)));
    piece_at = at;
    return piece.size() >= n && ReadAt(fd_, at, piece.data(), piece.size());
  };
  std::uint64_t pos = scanned_;
  while (pos < size && records_ < kMaxRecords) {
    if (size - pos < kHeaderBytes || !have(pos, kHeaderBytes)) break;
    const auto header = Get<RecordHeader>(piece, pos - piece_at);
    const std::uint64_t end = pos + kHeaderBytes + header.length;
    if (header.magic == kMagic && header.kind == kListRecord && end <= size &&
        header.length >= kListHeadBytes &&
        header.length <= kListHeadBytes + kMaxRecords * sizeof(ListEntry)) {
      pos = have(pos + kHeaderBytes, header.length)
                ? TakeList(pos,
                           std::string_view(piece).substr(
                               pos + kHeaderBytes - piece_at, header.length),
                           header.check, size)
                : end;
      continue;
    }
    const bool file = header.kind == kFileRecord;
    const bool lines = header.kind == kLinesRecord;
    if (header.magic != kMagic || !(file || lines) || end > size ||
        (file && header.length != kFileBodyBytes) ||
        (lines && (header.length < kLinesKeyBytes ||
                   header.length > kMaxRecordBytes + kLinesKeyBytes))) {
      break;
    }
    const std::size_t key = file ? kFileBodyBytes : kLinesKeyBytes;
    if (!have(pos + kHeaderBytes, key)) break;
    Take(header.kind, pos, header.length,
         std::string_view(piece).substr(pos + kHeaderBytes - piece_at, key),
         header.check, true);
    pos = end;
  }
  if (pos != scanned_) Settle();
  scanned_ = pos;
  broken_tail_ = pos < size && records_ < kMaxRecords;
}

void OcrPack::Take(std::uint32_t kind, std::uint64_t offset,
                   std::uint32_t length, std::string_view key,
                   std::uint32_t check, bool reading) const {
  ++records_;
  if (kind == kFileRecord) {
    if (Checksum(key) != check) return;  // dead: the next compaction drops it
    const FileKey file{Get<std::uint64_t>(key, 0), Get<std::uint64_t>(key, 8)};
    KnownVersion known{};
    known.version = {file.first,
                     file.second,
                     Get<std::int64_t>(key, 16),
                     Get<std::int64_t>(key, 24),
                     Get<std::int64_t>(key, 32),
                     Get<std::int64_t>(key, 40),
                     Get<std::int64_t>(key, 48)};
    std::memcpy(known.sha.data(), key.data() + 56, known.sha.size());
    if (reading) {
      files_.Add(file, known);
    } else if (!files_.Put(file, known)) {
      live_bytes_ += kHeaderBytes + kFileBodyBytes;
    }
    return;
  }
  if (std::memcmp(key.data() + 32, preparation_.data(), 8) != 0) return;
  Sha256Digest sha;
  std::memcpy(sha.data(), key.data(), sha.size());
  if (reading) {
    lines_.Add(sha, {offset, length});
    return;
  }
  if (const auto replaced = lines_.Put(sha, {offset, length})) {
    live_bytes_ -= kHeaderBytes + replaced->length;
  }
  live_bytes_ += kHeaderBytes + length;
}

std::uint64_t OcrPack::TakeList(std::uint64_t offset, std::string_view body,
                                std::uint32_t check, std::uint64_t size) const {
  const std::uint64_t end = offset + kHeaderBytes + body.size();
  const auto listed_end = Get<std::uint64_t>(body, 8);
  // Another build's list, or a broken one: its region is read record by
  // record (what the list would have told, the records tell too).
  if (Checksum(body) != check ||
      std::memcmp(body.data(), preparation_.data(), 8) != 0 ||
      (body.size() - kListHeadBytes) % sizeof(ListEntry) != 0 ||
      listed_end < end || listed_end > size) {
    return end;
  }
  for (std::size_t at = kListHeadBytes; at < body.size();
       at += sizeof(ListEntry)) {
    const auto entry = Get<ListEntry>(body, at);
    // Each is checked again when its lines are read.
    if (entry.offset >= end && entry.length >= kLinesKeyBytes &&
        entry.length <= kMaxRecordBytes + kLinesKeyBytes &&
        entry.offset <= listed_end &&
        kHeaderBytes + entry.length <= listed_end - entry.offset) {
      lines_.Add(entry.sha, {entry.offset, entry.length});
      ++records_;
      ++listed_;
    }
  }
  list_bytes_ = kHeaderBytes + body.size();
  listed_end_ = listed_end;
  return listed_end;
}

void OcrPack::Settle() const {
  files_.Fit();
  lines_.Fit();
  live_bytes_ = list_bytes_ + files_.size() * (kHeaderBytes + kFileBodyBytes);
  for (const auto& [sha, kept] : lines_.entries()) {
    live_bytes_ += kHeaderBytes + kept.length;
  }
}

void OcrPack::OpenForReading() const {
  if (fd_ >= 0 || !Open(false) || !writable_ || !NeedsCompaction()) return;
  // A torn tail, or a file mostly of replaced records: written anew once.
  if (!LockCurrent()) return;
  if (NeedsCompaction()) CompactLocked();
  ::flock(fd_, LOCK_UN);
}

void OcrPack::Refresh() const {
  if (fd_ >= 0 && !IsCurrent(fd_, path_)) Close();
  if (fd_ < 0) {
    OpenForReading();
  } else {
    Scan();
  }
}

bool OcrPack::NeedsCompaction() const {
  if (broken_tail_) return true;
  const std::uint64_t used = kPackHeader.size() + live_bytes_;
  const std::uint64_t dead = file_bytes_ > used ? file_bytes_ - used : 0;
  const std::uint64_t unlisted =
      file_bytes_ - std::min(file_bytes_, listed_end_);
  return (dead > kDeadBytesToCompact && dead > live_bytes_) ||
         (unlisted > kUnlistedBytesToCompact && unlisted > listed_end_);
}

bool OcrPack::LockCurrent() const {
  for (int attempt = 0; attempt < 8; ++attempt) {
    if (fd_ < 0 && !Open(true)) return false;
    if (!writable_) return false;
    if (::flock(fd_, LOCK_EX) != 0) return false;
    if (IsCurrent(fd_, path_)) {
      Scan();  // what others appended
      return true;
    }
    // Compacted by another process meanwhile: its file is the one to use.
    Close();
  }
  return false;
}

bool OcrPack::CompactLocked() const {
  const std::string temporary = TemporaryName(path_);
  const int fd =
      ::open(temporary.c_str(),
             O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return false;
  // Locked before it takes the name: a process that opens it then waits
  // until this one has appended what it came to.
  if (::flock(fd, LOCK_EX) != 0) {
    ::close(fd);
    ::unlink(temporary.c_str());
    return false;
  }
  // The lines records that are whole, in the order they lie.
  std::vector<std::pair<Sha256Digest, KeptLines>> whole;
  std::string record;
  for (const auto& [sha, kept] : lines_.entries()) {
    if (ReadLinesRecord(sha, kept, record)) whole.emplace_back(sha, kept);
  }
  std::sort(whole.begin(), whole.end(), [](const auto& a, const auto& b) {
    return a.second.offset < b.second.offset;
  });
  // The file records, the list, then the lines it lists.
  const std::uint64_t list_at =
      kPackHeader.size() + files_.size() * (kHeaderBytes + kFileBodyBytes);
  const std::uint64_t list_bytes =
      kHeaderBytes + kListHeadBytes + whole.size() * sizeof(ListEntry);
  RecordTable<Sha256Digest, KeptLines> moved;
  std::string list(reinterpret_cast<const char*>(preparation_.data()),
                   preparation_.size());
  Put(std::uint64_t{0}, list);  // the listed region's end, set below
  std::uint64_t at = list_at + list_bytes;
  for (const auto& [sha, kept] : whole) {
    Put(ListEntry{sha, at, kept.length, 0}, list);
    moved.Add(sha, {at, kept.length});
    at += kHeaderBytes + kept.length;
  }
  std::memcpy(list.data() + 8, &at, sizeof at);

  std::string out(kPackHeader);
  std::uint64_t written = 0;
  bool ok = true;
  const auto flush = [&](bool all) {
    if (ok && (all || out.size() >= (1u << 20))) {
      ok = WriteAt(fd, written, out);
      written += out.size();
      out.clear();
    }
  };
  for (const auto& [key, known] : files_.entries()) {
    out += Record(kFileRecord, FileBody(known.version, known.sha));
    flush(false);
  }
  out += Record(kListRecord, list);
  for (const auto& [sha, kept] : whole) {
    record.resize(kHeaderBytes + kept.length);
    // Read again, as checked: what changed meanwhile is read as broken.
    ok = ok && ReadAt(fd_, kept.offset, record.data(), record.size());
    out += record;
    flush(false);
  }
  flush(true);
  if (!ok || written != at || ::rename(temporary.c_str(), path_.c_str()) != 0) {
    ::close(fd);
    ::unlink(temporary.c_str());
    return false;
  }
  // The old file's lock goes with it: a process waiting for it finds the
  // name taken by this file and opens it.
  ::close(fd_);
  fd_ = fd;
  moved.Fit();
  lines_ = std::move(moved);
  list_bytes_ = list_bytes;
  listed_end_ = at;
  listed_ = whole.size();
  Settle();
  records_ = files_.size() + lines_.size();
  scanned_ = file_bytes_ = written;
  broken_tail_ = false;
  return true;
}

bool OcrPack::Append(std::uint32_t kind, const std::string& body) const {
  if (!LockCurrent()) return false;
  bool ok = !NeedsCompaction() || CompactLocked();
  if (ok && file_bytes_ == 0) {
    ok = WriteAt(fd_, 0, kPackHeader);
    if (ok) scanned_ = file_bytes_ = kPackHeader.size();
  }
  const std::uint64_t at = file_bytes_;
  ok = ok && scanned_ == at && records_ < kMaxRecords;
  if (ok) {
    const std::string record = Record(kind, body);
    ok = WriteAt(fd_, at, record);
    if (ok) {
      scanned_ = file_bytes_ = at + record.size();
      const auto header = Get<RecordHeader>(record, 0);
      Take(kind, at, header.length,
           std::string_view(body).substr(
               0, kind == kFileRecord ? kFileBodyBytes : kLinesKeyBytes),
           header.check, false);
    } else if (::ftruncate(fd_, static_cast<off_t>(at)) != 0) {
      broken_tail_ = true;  // compacted by the next append
    }
  }
  ::flock(fd_, LOCK_UN);
  return ok;
}

std::optional<Sha256Digest> OcrPack::KnownFile(
    const FileVersion& version) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const FileKey key{version.device, version.inode};
  OpenForReading();
  for (int look = 0; look < 2; ++look) {
    if (look == 1) Refresh();
    const KnownVersion* known = files_.Find(key);
    if (known && known->version == version) return known->sha;
  }
  return std::nullopt;
}

bool OcrPack::RememberFile(const FileVersion& version,
                           const Sha256Digest& sha) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const KnownVersion* known = files_.Find({version.device, version.inode});
  if (known && known->version == version && known->sha == sha) return true;
  return Append(kFileRecord, FileBody(version, sha));
}

bool OcrPack::ReadLinesRecord(const Sha256Digest& sha, const KeptLines& kept,
                              std::string& record) const {
  record.resize(kHeaderBytes + kept.length);
  if (!ReadAt(fd_, kept.offset, record.data(), record.size())) return false;
  const auto header = Get<RecordHeader>(record, 0);
  const std::string_view body = std::string_view(record).substr(kHeaderBytes);
  // Of this image and this preparation (a list may say otherwise).
  return header.magic == kMagic && header.kind == kLinesRecord &&
         header.length == kept.length && header.check == Checksum(body) &&
         std::memcmp(body.data(), sha.data(), sha.size()) == 0 &&
         std::memcmp(body.data() + 32, preparation_.data(), 8) == 0;
}

std::optional<ImageLines> OcrPack::Lines(const Sha256Digest& sha) const {
  std::lock_guard<std::mutex> lock(mutex_);
  OpenForReading();
  const KeptLines* kept = lines_.Find(sha);
  if (!kept) {
    Refresh();
    kept = lines_.Find(sha);
    if (!kept) return std::nullopt;
  }
  const bool whole = ReadLinesRecord(sha, *kept, record_);
  std::optional<ImageLines> lines;
  if (whole) {
    lines = ImageLinesFromBytes(
        std::string_view(record_).substr(kHeaderBytes + kLinesKeyBytes));
  }
  // A record larger than most is not held on to.
  if (record_.capacity() > kKeptRoom) std::string().swap(record_);
  if (lines) return lines;
  // Broken: not read again, and dropped by the next compaction.
  live_bytes_ -= kHeaderBytes + kept->length;
  lines_.Erase(sha);
  return std::nullopt;
}

bool OcrPack::KeepLines(const Sha256Digest& sha,
                        const ImageLines& lines) const {
  std::string body(reinterpret_cast<const char*>(sha.data()), sha.size());
  body.append(reinterpret_cast<const char*>(preparation_.data()),
              preparation_.size());
  body += ImageLinesToBytes(lines);
  if (body.size() > kMaxRecordBytes + kLinesKeyBytes) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  return Append(kLinesRecord, body);
}

OcrPack::Counts OcrPack::counts() const {
  std::lock_guard<std::mutex> lock(mutex_);
  OpenForReading();
  return {files_.size(), lines_.size(), live_bytes_, file_bytes_, listed_};
}

}  // namespace cncert
