#include "exporter/ocr/ocr_service.h"

#include <xxhash.h>

#include <chrono>
#include <type_traits>

#include "exporter/base/files.h"
#include "exporter/base/log.h"
#include "exporter/fetch/http_get.h"
#include "exporter/version.h"
#include "parsers/image_lines.h"

namespace cncert {

HttpLimits ImageOptions::DefaultImageHttpLimits() {
  HttpLimits limits;
  limits.timeout = std::chrono::seconds(30);
  limits.max_bytes = 20u << 20;
  limits.max_redirects = 3;
  limits.user_agent = std::string("cncert_exporter/") + kVersion;
  limits.allowed_hosts = {"mmbiz.qpic.cn"};
  limits.refuse_private_addresses = true;
  return limits;
}

namespace {

// The reader of one bulletin's images.
class FileImages : public ImageReader {
 public:
  FileImages(OcrService& service, std::string dir)
      : service_(service), dir_(std::move(dir)) {}
  ImageLookup Read(const ImageRef& ref) const override {
    return service_.Lookup(dir_, ref);
  }

 private:
  OcrService& service_;
  std::string dir_;
};

std::string Directory(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

std::unique_ptr<OcrService> OcrService::Create(std::string root,
                                               std::string cache_dir,
                                               ImageOptions options, Mode mode,
                                               SelfMetrics* metrics,
                                               std::string* error) {
  auto engine = OcrEngine::Create(error);
  if (!engine) return nullptr;
  return std::unique_ptr<OcrService>(
      new OcrService(std::move(root), std::move(cache_dir), std::move(options),
                     mode, metrics, std::move(engine)));
}

OcrService::OcrService(std::string root, std::string cache_dir,
                       ImageOptions options, Mode mode, SelfMetrics* metrics,
                       std::unique_ptr<OcrEngine> engine)
    : root_(std::move(root)),
      options_(std::move(options)),
      mode_(mode),
      metrics_(metrics),
      engine_(std::move(engine)),
      cache_(std::move(cache_dir), engine_->version()) {}

OcrService::~OcrService() { Stop(); }

std::unique_ptr<ImageReader> OcrService::ForFile(const std::string& path) {
  return std::make_unique<FileImages>(*this, Directory(path));
}

void OcrService::Start(std::function<void()> on_results) {
  on_results_ = std::move(on_results);
  worker_ = std::thread([this] { Work(); });
}

void OcrService::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

std::size_t OcrService::backlog() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

std::optional<Sha256Digest> OcrService::KnownHash(
    const std::string& bulletin_dir, const std::string& src,
    const std::string& key) {
  const bool remote = IsRemoteImage(src);
  if (remote && !options_.fetch_remote) return std::nullopt;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = hashes_.find(HashOf(key));
    if (it != hashes_.end()) {
      if (!Unchanged(key, it->second)) return std::nullopt;
      return it->second.hash;
    }
  }
  // Not seen by this process. A remote image: the store's file that names
  // it; a local one: perhaps seen by an earlier process.
  std::string path;
  if (remote) {
    path = ImageStore(root_).LinkPath(ImageStore::Url(src));
  } else {
    LocalImagePath resolved = ResolveLocalImage(root_, bulletin_dir, src);
    if (!resolved.error.empty()) return std::nullopt;
    path = std::move(resolved.path);
  }
  // Taken before reading the name: a change meanwhile shows next time.
  const auto version = FileVersion::OfPath(path);
  if (!version) return std::nullopt;
  // Not a name the cache gave: asked for each time.
  const std::optional<Sha256Digest> hash =
      Sha256FromHex(remote ? ImageStore(root_).StoredHash(ImageStore::Url(src))
                           : cache_.KnownFile(*version));
  if (!hash) return std::nullopt;
  std::lock_guard<std::mutex> lock(mutex_);
  Remember(key, path, *version, *hash);
  return hash;
}

void OcrService::Remember(const std::string& key, const std::string& path,
                          const FileVersion& version,
                          const Sha256Digest& digest) {
  if (hashes_.size() >= kMaxKnownHashes) hashes_.clear();
  KnownFile& known = hashes_[HashOf(key)];
  known = {nullptr, HashOf(version), digest, std::nullopt};
  if (KnownPath(key, known) != path) {
    known.path = std::make_unique<const std::string>(path);
  }
}

OcrService::Hash128 OcrService::HashOf(const std::string& key) {
  const XXH128_hash_t hash = XXH3_128bits(key.data(), key.size());
  return {hash.low64, hash.high64};
}

OcrService::Hash128 OcrService::HashOf(const FileVersion& version) {
  static_assert(std::has_unique_object_representations_v<FileVersion>,
                "no padding: its bytes are its fields");
  const XXH128_hash_t hash = XXH3_128bits(&version, sizeof version);
  return {hash.low64, hash.high64};
}

std::string OcrService::KnownPath(const std::string& key,
                                  const KnownFile& known) {
  if (known.path) return *known.path;
  std::string path = key;
  if (const auto separator = path.rfind('\n'); separator != std::string::npos) {
    path[separator] = '/';
  }
  return path;
}

bool OcrService::Unchanged(const std::string& key, KnownFile& known) {
  if (known.checked && image_dirs_.Unchanged(*known.checked)) return true;
  const std::string path = KnownPath(key, known);
  // Watched before the check: a change after it is an event.
  const std::string dir = WatchableDirectory(path);
  const auto mark = dir.empty() ? std::nullopt : image_dirs_.Watch(dir);
  const std::optional<FileVersion> now = FileVersion::OfPath(path);
  if (!now || HashOf(*now) != known.version) return false;
  known.checked = mark;
  return true;
}

bool OcrService::ImagesChanged(const std::string& path,
                               const std::vector<ImageUse>& uses) {
  const std::string dir = Directory(path);
  std::lock_guard<std::mutex> lock(mutex_);
  for (const ImageUse& use : uses) {
    if (use.status != ImageStatus::kRead &&
        use.status != ImageStatus::kFailed) {
      continue;
    }
    const std::string key = dir + "\n" + use.src;
    // Could not be downloaded or read: asked for again in time.
    if (const auto failed = failed_.find(key);
        failed != failed_.end() && RetryDue(failed->second)) {
      return true;
    }
    // Read (or failed in OCR) from a file of a known version. Not known
    // (forgotten, or read by another process): seen at a restart.
    if (const auto it = hashes_.find(HashOf(key)); it != hashes_.end()) {
      if (!Unchanged(key, it->second)) return true;
      continue;
    }
    // Not read at all (missing, refused): read again once the file differs,
    // as when a bulletin's Markdown file arrives before its images.
    const auto missing = unread_files_.find(key);
    if (missing != unread_files_.end() &&
        FileVersion::OfPath(missing->second.path) != missing->second.version) {
      unread_files_.erase(missing);
      failed_.erase(key);
      return true;
    }
  }
  return false;
}

bool OcrService::RetryDue(const FailedImage& failed) const {
  return std::chrono::steady_clock::now() - failed.at >=
         options_.retry_failed_after;
}

void OcrService::RememberUnread(const std::string& bulletin_dir,
                                const std::string& src,
                                const std::string& key) {
  LocalImagePath resolved = ResolveLocalImage(root_, bulletin_dir, src);
  if (!resolved.error.empty()) return;  // never to be read
  std::optional<FileVersion> version = FileVersion::OfPath(resolved.path);
  std::lock_guard<std::mutex> lock(mutex_);
  hashes_.erase(HashOf(key));  // what was read there before is gone
  if (unread_files_.size() >= kMaxKnownHashes) unread_files_.clear();
  unread_files_[key] = {std::move(resolved.path), version};
}

void OcrService::StartScan(bool bulletins_changed) {
  std::lock_guard<std::mutex> lock(mutex_);
  image_dirs_.Refresh();
  const auto now = std::chrono::steady_clock::now();
  if (bulletins_changed || now - images_checked_ >= kCheckImagesAgainAfter) {
    image_dirs_.Forget();
    images_checked_ = now;
  }
}

std::string OcrService::WatchableDirectory(const std::string& path) const {
  if (!path.starts_with(root_ + "/")) return "";
  const std::string_view below =
      std::string_view(path).substr(root_.size() + 1);
  const auto slash = below.find('/');
  if (slash == std::string_view::npos) return root_;
  if (below.find('/', slash + 1) != std::string_view::npos) return "";
  return path.substr(0, root_.size() + 1 + slash);
}

void OcrService::RememberHash(const Job& job, const ImageBytes& image,
                              const std::string& hash) {
  if (image.path.empty() || !image.version) return;  // remote: the store
  cache_.RememberFile(*image.version, hash);
  const std::string key = job.bulletin_dir + "\n" + job.src;
  const std::optional<Sha256Digest> digest = Sha256FromHex(hash);
  std::lock_guard<std::mutex> lock(mutex_);
  unread_files_.erase(key);
  if (digest) Remember(key, image.path, *image.version, *digest);
}

ImageBytes OcrService::Bytes(const Job& job, bool may_fetch) {
  if (!IsRemoteImage(job.src)) {
    return ReadLocalImage(root_, job.bulletin_dir, job.src,
                          options_.limits.max_bytes);
  }
  const std::string url = ImageStore::Url(job.src);
  if (!options_.fetch_remote) {
    return {"",
            ImageFailure::kNotFetched,
            "remote image; fetching images is off (--images.fetch)",
            "",
            {}};
  }
  const ImageStore store(root_);
  if (auto stored = store.Stored(url, options_.limits.max_bytes)) {
    return {std::move(*stored), {}, "", "", {}};
  }
  if (!may_fetch) return {"", ImageFailure::kNone, "", "", {}};  // not yet
  const FetchResult r = HttpGet(url, options_.http);
  if (!r.ok || r.not_modified) {
    return {"",
            ImageFailure::kFetch,
            std::string(FetchFailureName(r.reason)) + ": " + r.message,
            "",
            {}};
  }
  if (const Status s = store.Put(url, r.body); !s.ok()) {
    log::Warn("cannot store a fetched image", {{"err", s.message()}});
  }
  return {r.body, {}, "", "", {}};
}

OcrResult OcrService::ReadNow(const std::string& bytes,
                              const std::string& hash) {
  const auto start = std::chrono::steady_clock::now();
  OcrResult result;
  {
    std::lock_guard<std::mutex> lock(engine_mutex_);
    result = engine_->Read(bytes, options_.limits);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (metrics_) {
    if (result.failure == ImageFailure::kNone) {
      metrics_->ImageRead(seconds);
    } else {
      metrics_->ImageFailed(ImageFailureName(result.failure));
    }
  }
  // A budget is the process's, not the image's: a larger one (or less
  // pressure from the rest of the service) may read it.
  if (result.failure != ImageFailure::kResources) cache_.Store(hash, result);
  return result;
}

ImageLookup OcrService::Lookup(const std::string& bulletin_dir,
                               const ImageRef& ref) {
  if (metrics_) metrics_->ImageSeen();
  const std::string key = bulletin_dir + "\n" + ref.src;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (const auto failed = failed_.find(key); failed != failed_.end()) {
      if (!RetryDue(failed->second)) {
        return {ImageStatus::kFailed, nullptr, failed->second.reason, "",
                nullptr};
      }
      failed_.erase(failed);  // asked for again below
    }
  }
  // A cache hit reads no image: a stored remote image is named by its hash,
  // a local one's hash is kept per version of the file.
  // The lines name the image to the parser: no key.
  if (const auto known = KnownHash(bulletin_dir, ref.src, key)) {
    if (auto lines = cache_.LoadLines(*known)) {
      if (metrics_) metrics_->OcrCacheHit();
      return {ImageStatus::kRead, nullptr, "", "", std::move(lines)};
    }
  }
  const Job job{bulletin_dir, ref.src};
  const bool inline_mode = mode_ == Mode::kInline;
  if (inline_mode && progress_) progress_(ref.src);
  ImageBytes image = Bytes(job, inline_mode);
  if (image.failure == ImageFailure::kNotFetched) {
    return {ImageStatus::kUnread, nullptr, image.error, "", nullptr};
  }
  if (image.failure != ImageFailure::kNone) {
    if (metrics_) metrics_->ImageFailed(ImageFailureName(image.failure));
    if (!IsRemoteImage(ref.src)) RememberUnread(bulletin_dir, ref.src, key);
    return {ImageStatus::kFailed, nullptr,
            std::string(ImageFailureName(image.failure)) + ": " + image.error,
            "", nullptr};
  }
  std::shared_ptr<const OcrResult> result;
  std::string hash;
  if (!image.bytes.empty()) {
    hash = Sha256Hex(image.bytes);
    RememberHash(job, image, hash);
    if (auto lines = cache_.LoadLines(hash)) {
      if (metrics_) metrics_->OcrCacheHit();
      return {ImageStatus::kRead, nullptr, "", hash, std::move(lines)};
    }
    result = cache_.Load(hash);  // a failure, kept
    if (result && metrics_) metrics_->OcrCacheHit();
  }
  if (!result) {
    if (!inline_mode) {
      Enqueue(job);
      return {ImageStatus::kPending, nullptr, "queued for OCR", "", nullptr};
    }
    result = std::make_shared<const OcrResult>(ReadNow(image.bytes, hash));
  }
  if (result->failure != ImageFailure::kNone) {
    return {
        ImageStatus::kFailed, nullptr,
        std::string(ImageFailureName(result->failure)) + ": " + result->error,
        "", nullptr};
  }
  // As the cache prepared and holds them, unless it could keep nothing.
  std::shared_ptr<const ImageLines> lines = cache_.LoadLines(hash);
  if (!lines) {
    lines = std::make_shared<const ImageLines>(PrepareImageLines(result->text));
  }
  return {ImageStatus::kRead, nullptr, "", hash, std::move(lines)};
}

void OcrService::Enqueue(Job job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!queued_.insert(job.bulletin_dir + "\n" + job.src).second) return;
    queue_.push_back(std::move(job));
    if (metrics_) metrics_->OcrBacklog(queue_.size());
  }
  cv_.notify_all();
}

void OcrService::Work() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (queue_.empty()) {
        // Idle: give the models' memory back until the next image.
        lock.unlock();
        {
          std::lock_guard<std::mutex> engine_lock(engine_mutex_);
          engine_->Unload();
        }
        lock.lock();
      }
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    const ImageBytes image = Bytes(job, true);
    if (image.failure == ImageFailure::kNone && !image.bytes.empty()) {
      const std::string hash = Sha256Hex(image.bytes);
      RememberHash(job, image, hash);
      if (!cache_.Load(hash)) ReadNow(image.bytes, hash);
    } else if (metrics_) {
      metrics_->ImageFailed(ImageFailureName(image.failure));
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const std::string key = job.bulletin_dir + "\n" + job.src;
      queued_.erase(key);
      // Not asked for again until options_.retry_failed_after: the
      // bulletin would wait for it forever.
      if (image.failure != ImageFailure::kNone || image.bytes.empty()) {
        failed_[key] = {image.failure == ImageFailure::kNone
                            ? "fetch: nothing arrived"
                            : std::string(ImageFailureName(image.failure)) +
                                  ": " + image.error,
                        std::chrono::steady_clock::now()};
      }
      if (metrics_) metrics_->OcrBacklog(queue_.size());
    }
    ++generation_;
    // Results show as they arrive; the watcher's debounce merges bursts.
    if (on_results_) on_results_();
  }
}

}  // namespace cncert
