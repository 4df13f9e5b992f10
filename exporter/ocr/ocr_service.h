// Reads the images of the archive's bulletins: local files beside the
// bulletin, or remote ones fetched (opt-in) into the archive's
// .cncert-images/, content-addressed. Results are cached in .cncert-ocr/.
//
// Inline (the parse command): a missing result is read at once. In the
// background (serve): a missing result is queued for a worker thread and the
// image reported pending; the worker calls back as results arrive, and the
// next reload parses the waiting bulletins again. OCR never runs on the
// scrape path or in a reload.
#ifndef CNCERT_EXPORTER_OCR_OCR_SERVICE_H_
#define CNCERT_EXPORTER_OCR_OCR_SERVICE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "exporter/archive/archive.h"
#include "exporter/base/digest.h"
#include "exporter/base/directory_changes.h"
#include "exporter/fetch/fetch_config.h"
#include "exporter/fetch/image_store.h"
#include "exporter/metrics/self_metrics.h"
#include "exporter/ocr/image_files.h"
#include "exporter/ocr/ocr_cache.h"
#include "exporter/ocr/ocr_engine.h"

namespace cncert {

struct ImageOptions {
  bool fetch_remote = false;  // --images.fetch
  // Remote images: these hosts only, with these limits; loopback and private
  // addresses refused unless allowed.
  HttpLimits http = DefaultImageHttpLimits();
  OcrLimits limits;
  // In the background (serve): an image that could not be downloaded or
  // read is asked for again this long after (--images.retry-after), by the
  // first scan or parse that meets it then.
  std::chrono::milliseconds retry_failed_after = std::chrono::hours(1);

  static HttpLimits DefaultImageHttpLimits();
};

class OcrService : public ImageReaders {
 public:
  enum class Mode { kInline, kBackground };

  // `root`: the archive (or, for parse, the bulletin's directory), where
  // .cncert-images/ lives; `cache_dir`: where results are kept ("" none).
  // Null with a message when Tesseract cannot start.
  static std::unique_ptr<OcrService> Create(std::string root,
                                            std::string cache_dir,
                                            ImageOptions options, Mode mode,
                                            SelfMetrics* metrics,
                                            std::string* error);
  ~OcrService() override;

  std::unique_ptr<ImageReader> ForFile(const std::string& path) override;
  std::uint64_t generation() const override { return generation_.load(); }
  double min_confidence() const override { return min_confidence_; }
  void StartScan(bool bulletins_changed) override;
  bool ImagesChanged(const std::string& path,
                     const std::vector<ImageUse>& uses) override;
  void set_min_confidence(double c) { min_confidence_ = c; }
  // Counts into the exporter's self-metrics (set before the first lookup).
  void set_metrics(SelfMetrics* metrics) { metrics_ = metrics; }

  // Background: starts the worker; `on_results` is called (from the worker)
  // after results arrive.
  void Start(std::function<void()> on_results);
  void Stop();
  std::size_t backlog() const;
  // Inline: called before each image that must be read now.
  void SetProgress(std::function<void(const std::string& src)> progress) {
    progress_ = std::move(progress);
  }

  // One image of a bulletin at `bulletin_dir`.
  ImageLookup Lookup(const std::string& bulletin_dir, const ImageRef& ref);

 private:
  struct Job {
    std::string bulletin_dir;
    std::string src;
  };
  OcrService(std::string root, std::string cache_dir, ImageOptions options,
             Mode mode, SelfMetrics* metrics,
             std::unique_ptr<OcrEngine> engine);
  // Bytes of the image: local, or remote from the store (fetching it now
  // when `may_fetch`).
  ImageBytes Bytes(const Job& job, bool may_fetch);
  // The hash of image `src` known without reading it; `key` is its
  // bulletin dir + "\n" + src.
  std::optional<Sha256Digest> KnownHash(const std::string& bulletin_dir,
                                        const std::string& src,
                                        const std::string& key);
  // After reading `image` of `job`, hashed to `hash`.
  void RememberHash(const Job& job, const ImageBytes& image,
                    const std::string& hash);
  OcrResult ReadNow(const std::string& bytes, const std::string& hash);
  void Work();
  void Enqueue(Job job);

  // Images: bulletin dir + src → (the file that tells the hash: a local
  // image itself, the store's name of a remote one; its version; the hash).
  // Keyed by a 128-bit hash of the key, and the file's version kept as
  // one: the key, a string on the heap, and the version were half of the
  // table (an entry per image), and whoever asks holds the key. Equal
  // hashes of different keys or versions are not to be met (2^-128).
  struct Hash128 {
    std::uint64_t low = 0;
    std::uint64_t high = 0;
    friend bool operator==(const Hash128&, const Hash128&) = default;
    friend bool operator<(const Hash128& a, const Hash128& b) {
      return a.high != b.high ? a.high < b.high : a.low < b.low;
    }
  };
  static Hash128 HashOf(const std::string& key);
  static Hash128 HashOf(const FileVersion& version);
  struct KnownFile {
    // None where it is the key's, bulletin dir "/" src (all local images):
    // KnownPath().
    std::unique_ptr<const std::string> path;
    Hash128 version;
    Sha256Digest hash;
    // Its directory when the version was last checked while watched: until
    // that directory changes, no check is needed.
    std::optional<DirectoryChanges::Mark> checked;
  };
  // A local image that could not be read (missing, a symlink, too large):
  // what its path held then, so that a change reads it again.
  struct UnreadFile {
    std::string path;
    std::optional<FileVersion> version;  // none: nothing was there
  };
  void RememberUnread(const std::string& bulletin_dir, const std::string& src,
                      const std::string& key);
  // Whether `known`'s file is still at its version: told by the watch on
  // its directory, else checked (and watched from then on). Under mutex_.
  bool Unchanged(const std::string& key, KnownFile& known);
  // Remembers `hash` for `key`, read from `path` at `version`. Under mutex_.
  void Remember(const std::string& key, const std::string& path,
                const FileVersion& version, const Sha256Digest& digest);
  static std::string KnownPath(const std::string& key, const KnownFile& known);
  // Where a change to `path` is seen by watching its directory: the root
  // or a directory in it (a bulletin's "_files"); "" for deeper files, whose
  // ancestors might be replaced unseen.
  std::string WatchableDirectory(const std::string& path) const;
  static constexpr std::size_t kMaxKnownHashes = 65536;
  std::map<Hash128, KnownFile> hashes_;             // under mutex_
  std::map<std::string, UnreadFile> unread_files_;  // the same key; mutex_
  DirectoryChanges image_dirs_;                     // under mutex_
  // What inotify cannot see (a file changed through a hard link in another
  // directory) is seen by the first scan this long after.
  static constexpr std::chrono::minutes kCheckImagesAgainAfter{5};
  std::chrono::steady_clock::time_point images_checked_;  // under mutex_
  std::string root_;
  ImageOptions options_;
  Mode mode_;
  SelfMetrics* metrics_;
  std::mutex engine_mutex_;
  std::unique_ptr<OcrEngine> engine_;
  OcrCache cache_;
  std::function<void(const std::string&)> progress_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  std::set<std::string> queued_;  // bulletin_dir + src
  // What the worker could not download or read, and when: the same key.
  struct FailedImage {
    std::string reason;
    std::chrono::steady_clock::time_point at;
  };
  // Whether `failed` is old enough to be tried again. Under mutex_.
  bool RetryDue(const FailedImage& failed) const;
  std::map<std::string, FailedImage> failed_;
  bool stopping_ = false;
  std::function<void()> on_results_;
  std::atomic<std::uint64_t> generation_{0};
  double min_confidence_ = 60;
  std::thread worker_;
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_OCR_OCR_SERVICE_H_
