// Brings the remote images of a fetched article into the archive's image
// store as soon as the article is stored, so that OCR finds them there (and
// an archive fetched today still has them when the host has dropped them).
#ifndef CNCERT_EXPORTER_FETCH_IMAGE_FETCH_H_
#define CNCERT_EXPORTER_FETCH_IMAGE_FETCH_H_

#include <memory>
#include <string>
#include <vector>

#include "exporter/fetch/history_walk.h"
#include "exporter/fetch/image_store.h"
#include "exporter/fetch/polite_client.h"
#include "parsers/rules.h"

namespace cncert {

class ImageFetch {
 public:
  // `limits`: the image hosts and caps (--images.*); `politeness` as for
  // pages.
  ImageFetch(const std::string& archive_dir, HttpLimits limits,
             const Politeness& politeness,
             std::shared_ptr<const RuleSet> rules);

  // The images of archive file `file` that may hold figures and are not
  // stored yet; failures are appended. Returns how many were stored.
  int Bring(const std::string& file, std::vector<WalkFailure>* failures);

  int images() const { return images_; }

 private:
  std::string dir_;
  ImageStore store_;
  PoliteClient client_;
  std::shared_ptr<const RuleSet> rules_;
  int images_ = 0;
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_FETCH_IMAGE_FETCH_H_
