#include "exporter/fetch/image_fetch.h"

#include "exporter/base/files.h"
#include "parsers/parser.h"

namespace cncert {

ImageFetch::ImageFetch(const std::string& archive_dir, HttpLimits limits,
                       const Politeness& politeness,
                       std::shared_ptr<const RuleSet> rules)
    : dir_(archive_dir),
      store_(archive_dir),
      client_(std::move(limits), politeness),
      rules_(std::move(rules)) {}

int ImageFetch::Bring(const std::string& file,
                      std::vector<WalkFailure>* failures) {
  const FileContent content =
      ReadFileCapped(dir_ + "/" + file, 32u << 20, FileOrigin::kArchive);
  if (!content.error.empty()) return 0;
  const Bulletin b = ParseBulletin(content.bytes, *rules_);
  int stored = 0;
  for (const auto& image : b.images) {
    // Only images that may hold figures: not covers, avatars, QR codes or
    // what follows the bulletin's sections.
    if (image.status != ImageStatus::kUnread) continue;
    const std::string url = ImageStore::Url(image.src);
    if (!url.starts_with("http://") && !url.starts_with("https://")) continue;
    if (!store_.StoredHash(url).empty()) continue;
    const FetchResult r = client_.Get(url);
    if (r.ok && !r.not_modified && store_.Put(url, r.body).ok()) {
      ++stored;
      continue;
    }
    failures->push_back({url,
                         "image_" + std::string(FetchFailureName(r.reason)),
                         r.ok ? "cannot store it" : r.message});
  }
  images_ += stored;
  return stored;
}

}  // namespace cncert
