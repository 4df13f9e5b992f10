#include "exporter/archive/archive.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>
#include <tuple>

#include "exporter/archive/source_record.h"
#include "exporter/base/files.h"
#include "exporter/base/parallel.h"
#include "parsers/parser.h"

namespace cncert {

namespace {

// Editors' and fetchers' temporary files are not bulletins (yet).
bool IsIgnoredName(const std::string& name) {
  return name.empty() || name[0] == '.' || name.ends_with("~") ||
         name.ends_with(".tmp") || name.ends_with(".part") ||
         name.ends_with(".swp") || name.ends_with(".crdownload");
}

std::shared_ptr<Bulletin> ParseFile(const std::string& path,
                                    const RuleSet& rules,
                                    const ImageReader* images,
                                    double min_ocr_confidence,
                                    bool has_source_record) {
  auto bulletin = std::make_shared<Bulletin>();
  const FileContent file =
      ReadFileCapped(path, Archive::kMaxFileBytes, FileOrigin::kArchive);
  if (!file.error.empty()) {
    bulletin->errors.push_back(file.error);
    bulletin->failure = file.failure;
    return bulletin;
  }
  ParseOptions options;
  options.max_bytes = Archive::kMaxFileBytes;
  options.images = images;
  options.min_ocr_confidence = min_ocr_confidence;
  *bulletin = ParseBulletin(file.bytes, rules, options);
  if (has_source_record) MergeSourceRecord(path, *bulletin);
  // Kept for as long as the file is unchanged: no room to grow. (The text
  // is packed apart: ArchiveFile::text.)
  bulletin->values.shrink_to_fit();
  bulletin->warnings.shrink_to_fit();
  bulletin->images.shrink_to_fit();
  bulletin->image_lines.shrink_to_fit();
  bulletin->image_kept.shrink_to_fit();
  return bulletin;
}

int FormatRank(const std::string& format) {
  if (format == "pdf") return 3;  // the only channel with every figure
  if (format == "html") return 2;
  if (format == "markdown") return 1;
  return 0;
}

// More figures first, then fewer warnings, then the richer format.
bool MoreComplete(const ArchiveFile& a, const ArchiveFile& b) {
  const Bulletin& x = *a.bulletin;
  const Bulletin& y = *b.bulletin;
  return std::make_tuple(x.values.size(), -static_cast<long>(x.warnings.size()),
                         FormatRank(x.format), b.name) >
         std::make_tuple(y.values.size(), -static_cast<long>(y.warnings.size()),
                         FormatRank(y.format), a.name);
}

}  // namespace

std::optional<long long> BulletinTimestamp(const Bulletin& b,
                                           TimestampSource source) {
  const Identity& id = b.identity;
  const auto& first =
      source == TimestampSource::kPeriodEnd ? id.period_end : id.published;
  const auto& second =
      source == TimestampSource::kPeriodEnd ? id.published : id.period_end;
  if (first) return DateToUnixSeconds(*first);
  if (second) return DateToUnixSeconds(*second);
  return std::nullopt;
}

std::string BulletinKey(const Bulletin& b) {
  const Identity& id = b.identity;
  if (id.year && id.issue) {
    return id.kind + "/" + std::to_string(*id.year) + "-" +
           std::to_string(*id.issue);
  }
  if (id.period_start && id.period_end) {
    return id.kind + "/" + FormatDate(*id.period_start) + "/" +
           FormatDate(*id.period_end);
  }
  return "";
}

Status Archive::Scan(const RuleSet& rules, Reparse reparse,
                     std::chrono::milliseconds settle, ArchiveView* view,
                     const Progress& progress) {
  DIR* dir = ::opendir(directory_.c_str());
  if (dir == nullptr) {
    return Status::Error("cannot read archive directory " + directory_ + ": " +
                         std::strerror(errno));
  }
  std::vector<std::string> names;
  // The source records there are: most files have none, and trying to open
  // one for each would cost a failing system call a file.
  std::set<std::string, std::less<>> records;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    // A directory (an image bulletin's "_files") needs no lstat to be passed
    // over; a file system that does not tell the type gets one below.
    if (entry->d_type == DT_DIR) continue;
    if (!IsIgnoredName(name)) {
      names.push_back(name);
    } else if (name.starts_with('.') && name.ends_with(kRecordSuffix)) {
      records.insert(name);
    }
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());

  // What each name is now: a cached result, or a file to parse.
  std::vector<Entry> entries;
  entries.reserve(names.size());
  std::vector<std::size_t> to_parse;
  bool bulletins_changed = false;
  for (const auto& name : names) {
    const std::string path = directory_ + "/" + name;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) continue;  // vanished meanwhile
    if (S_ISDIR(st.st_mode)) continue;
    const FileStamp stamp{
        static_cast<unsigned long long>(st.st_dev),
        static_cast<unsigned long long>(st.st_ino),
        static_cast<long long>(st.st_size),
        static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL +
            st.st_mtim.tv_nsec};
    const auto cached = cache_.find(name);
    const bool images_arrived =
        cached != cache_.end() && cached->second.pending_images && images_ &&
        images_->generation() > *cached->second.pending_images;
    Entry entry{name, stamp, records.contains(SourceRecordName(name)),
                std::nullopt};
    bulletins_changed = bulletins_changed || cached == cache_.end() ||
                        cached->second.stamp != stamp;
    if (reparse == Reparse::kChanged && cached != cache_.end() &&
        cached->second.stamp == stamp && !images_arrived) {
      entry.file = cached->second;
    } else {
      to_parse.push_back(entries.size());
    }
    entries.push_back(std::move(entry));
  }
  if (images_) {
    images_->StartScan(bulletins_changed);
    // A bulletin is also what its images say: one replaced in place, or
    // one that was missing and is there now (its Markdown file untouched),
    // is read again.
    for (std::size_t i = 0; i < entries.size(); ++i) {
      Entry& entry = entries[i];
      if (!entry.file) continue;
      const auto& uses = entry.file->bulletin->images;
      const bool tried_images =
          std::any_of(uses.begin(), uses.end(), [](const ImageUse& use) {
            return use.status == ImageStatus::kRead ||
                   use.status == ImageStatus::kFailed;
          });
      if (tried_images &&
          images_->ImagesChanged(directory_ + "/" + entry.name, uses)) {
        entry.file.reset();
        to_parse.push_back(i);
      }
    }
  }
  ParseAll(rules, &entries, to_parse, names.size() - to_parse.size(),
           names.size(), progress);

  const auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::map<std::string, ArchiveFile> next;
  std::set<std::string> still_pending;
  const auto steady_now = std::chrono::steady_clock::now();
  *view = ArchiveView{};
  view->parsed = to_parse.size();
  for (auto& entry : entries) {
    const std::string& name = entry.name;
    const FileStamp& stamp = entry.stamp;
    // Failing while it is being written: parsed again once it settles, for
    // at most kMaxPending (an mtime in the future counts as "now").
    const bool recent =
        now_ns - stamp.mtime_ns <
        std::chrono::duration_cast<std::chrono::nanoseconds>(settle).count();
    if (!entry.file->bulletin->ok() && recent) {
      auto [it, inserted] = first_failed_.try_emplace(name, stamp, steady_now);
      if (!inserted && !(it->second.first == stamp)) {
        it->second = {stamp, steady_now};
      }
      if (steady_now - it->second.second < settle * kMaxPendingSettles) {
        view->pending.push_back(name);
        still_pending.insert(name);
        continue;  // not cached: parsed again once it settles
      }
    }
    next.emplace(name, std::move(*entry.file));
  }
  if (progress) progress(names.size(), names.size());
  std::erase_if(first_failed_, [&still_pending](const auto& entry) {
    return !still_pending.contains(entry.first);
  });
  cache_ = std::move(next);
  for (const auto& [name, file] : cache_) view->files.push_back(file);
  return Status::Ok();
}

void Archive::ParseAll(const RuleSet& rules, std::vector<Entry>* entries,
                       const std::vector<std::size_t>& indices,
                       std::size_t done, std::size_t total,
                       const Progress& progress) {
  if (progress) progress(done, total);
  // Files parse independently: the first load of a large archive (and a
  // reload with new rules) uses the cores it has.
  std::mutex progress_mutex;
  ParallelFor(indices.size(), kMaxParseThreads, kFilesPerThread,
              [&](std::size_t i) {
                Entry& entry = (*entries)[indices[i]];
                entry.file = Parse(entry, rules);
                if (progress) {
                  std::lock_guard<std::mutex> lock(progress_mutex);
                  progress(++done, total);
                }
              });
  PackedText::ReleaseThreadState();  // the helpers' went with them
}

ArchiveFile Archive::Parse(const Entry& entry, const RuleSet& rules) {
  const std::string& name = entry.name;
  const std::string path = directory_ + "/" + name;
  // The generation before parsing: results that arrive meanwhile count as
  // new.
  const std::uint64_t generation = images_ ? images_->generation() : 0;
  std::unique_ptr<ImageReader> reader =
      images_ ? images_->ForFile(path) : nullptr;
  std::shared_ptr<Bulletin> bulletin = ParseFile(
      path, rules, reader.get(),
      images_ ? images_->min_confidence() : ParseOptions{}.min_ocr_confidence,
      entry.has_source_record);
  // Provenance is offsets into the text: it stays, packed. (Packed later,
  // off the path to ready, the freed texts stayed resident: holes between
  // what the parse keeps.)
  PackedText text(bulletin->text);
  std::string().swap(bulletin->text);  // its memory too
  ArchiveFile file{name, entry.stamp, std::move(bulletin), std::nullopt,
                   std::move(text)};
  for (const ImageUse& use : file.bulletin->images) {
    if (use.status == ImageStatus::kPending) file.pending_images = generation;
  }
  return file;
}

std::shared_ptr<const Bulletin> ArchiveFile::WithText() const {
  if (!bulletin || text.empty()) return bulletin;
  auto whole = std::make_shared<Bulletin>(*bulletin);
  whole->text = text.Unpack();
  return whole;
}

std::string_view HoldBackName(HoldBack reason) {
  switch (reason) {
    case HoldBack::kNoFigures:
      return "no_figures";
    case HoldBack::kTruncated:
      return "truncated";
    case HoldBack::kFuture:
      return "future";
  }
  return "";
}

namespace {

// Why a bulletin that parsed must not be served, if it must not.
std::optional<HoldBack> ShouldHoldBack(const Bulletin& b) {
  if (b.values.empty()) return HoldBack::kNoFigures;
  if (b.truncated) return HoldBack::kTruncated;
  // Bulletins come out days after their week; a date beyond tomorrow (in
  // China) is a typo or a forgery.
  const auto tomorrow = std::chrono::floor<std::chrono::days>(
      std::chrono::system_clock::now() + std::chrono::hours(8 + 24));
  for (const auto& date : {b.identity.period_end, b.identity.published}) {
    if (date && std::chrono::sys_days(*date) > tomorrow) {
      return HoldBack::kFuture;
    }
  }
  return std::nullopt;
}

}  // namespace

void Archive::Organize(ArchiveView* view, TimestampSource source) {
  std::map<std::string, const ArchiveFile*> best;  // by bulletin key
  std::vector<const ArchiveFile*> candidates;
  for (const auto& file : view->files) {
    if (!file.bulletin->ok()) {
      view->failed.push_back(&file);
      continue;
    }
    if (const auto reason = ShouldHoldBack(*file.bulletin)) {
      view->held_back.emplace_back(&file, *reason);
      continue;
    }
    if (!BulletinTimestamp(*file.bulletin, source)) {
      view->unplaced.push_back(&file);
      continue;
    }
    const std::string key = BulletinKey(*file.bulletin);
    if (key.empty()) {
      candidates.push_back(&file);
      continue;
    }
    auto [it, inserted] = best.emplace(key, &file);
    if (inserted) continue;
    if (MoreComplete(file, *it->second)) {
      view->duplicates.push_back(it->second);
      it->second = &file;
    } else {
      view->duplicates.push_back(&file);
    }
  }
  for (const auto& [key, file] : best) candidates.push_back(file);
  // Newest last: by time, then issue, then publication date, then name.
  auto order = [source](const ArchiveFile* a, const ArchiveFile* b) {
    const Identity& x = a->bulletin->identity;
    const Identity& y = b->bulletin->identity;
    const long long tx = *BulletinTimestamp(*a->bulletin, source);
    const long long ty = *BulletinTimestamp(*b->bulletin, source);
    const auto px = x.published ? DateToUnixSeconds(*x.published) : 0;
    const auto py = y.published ? DateToUnixSeconds(*y.published) : 0;
    return std::make_tuple(tx, x.year.value_or(0), x.issue.value_or(0), px,
                           a->name) < std::make_tuple(ty, y.year.value_or(0),
                                                      y.issue.value_or(0), py,
                                                      b->name);
  };
  std::sort(candidates.begin(), candidates.end(), order);
  // Two bulletins at one instant cannot both be history: keep the more
  // complete.
  std::vector<const ArchiveFile*> placed;
  for (const ArchiveFile* file : candidates) {
    if (!placed.empty() &&
        *BulletinTimestamp(*placed.back()->bulletin, source) ==
            *BulletinTimestamp(*file->bulletin, source)) {
      if (MoreComplete(*file, *placed.back())) {
        view->duplicates.push_back(placed.back());
        placed.back() = file;
      } else {
        view->duplicates.push_back(file);
      }
      continue;
    }
    placed.push_back(file);
  }
  view->bulletins = std::move(placed);
}

}  // namespace cncert
