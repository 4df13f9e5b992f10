// In serve, a remote image that could not be downloaded is not asked for at
// every parse, nor only after a restart: it is tried again once
// --images.retry-after has passed, and the bulletin is then parsed again.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "exporter/base/digest.h"
#include "exporter/ocr/ocr_cache.h"
#include "exporter/ocr/ocr_service.h"
#include "parsers/image_lines.h"
#include "tests/support/test_support.h"

namespace cncert {
namespace {

using std::chrono::milliseconds;

class OcrRetryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir();
    site_.Get("/1.png",
              [this](const httplib::Request&, httplib::Response& res) {
                ++requests_;
                if (!serving_) {
                  res.status = 404;
                  return;
                }
                res.set_content(kBytes, "image/png");
              });
    port_ = site_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    listener_ = std::thread([this] { site_.listen_after_bind(); });
    // Its results are in the cache: once the bytes arrive, nothing is read.
    std::string error;
    const auto engine = OcrEngine::Create(&error);
    ASSERT_TRUE(engine) << error;
    OcrResult known;
    known.text.blocks.push_back({{{{{"本周", 95, {}}}}}});
    OcrCache(dir_ + "/cache", engine->version())
        .Store(Sha256Hex(kBytes), known);
  }
  void TearDown() override {
    if (service_) service_->Stop();
    service_.reset();
    site_.stop();
    listener_.join();
    std::filesystem::remove_all(dir_);
  }

  void Start(milliseconds retry_after) {
    ImageOptions options;
    options.fetch_remote = true;
    options.http.allowed_hosts = {"127.0.0.1"};
    options.http.refuse_private_addresses = false;
    options.retry_failed_after = retry_after;
    std::string error;
    service_ =
        OcrService::Create(dir_, dir_ + "/cache", options,
                           OcrService::Mode::kBackground, nullptr, &error);
    ASSERT_TRUE(service_) << error;
    service_->Start([] {});
  }
  std::string Src() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/1.png";
  }
  ImageLookup Lookup() { return service_->Lookup(dir_, ImageRef{Src(), ""}); }
  // Until the worker has done the image it was given.
  void AwaitWorker(std::uint64_t generation) const {
    for (int i = 0; i < 1000 && service_->generation() == generation; ++i) {
      std::this_thread::sleep_for(milliseconds(10));
    }
    ASSERT_GT(service_->generation(), generation);
  }
  bool ImagesChanged(ImageStatus status) {
    ImageUse use;
    use.src = Src();
    use.status = status;
    return service_->ImagesChanged(dir_ + "/bulletin.md", {use});
  }

  static constexpr const char* kBytes = "not decoded: its results are cached";
  std::string dir_;
  httplib::Server site_;
  std::thread listener_;
  int port_ = 0;
  std::atomic<bool> serving_{false};
  std::atomic<int> requests_{0};
  std::unique_ptr<OcrService> service_;
};

TEST_F(OcrRetryTest, AnImageThatFailedIsNotAskedForAgainTooSoon) {
  Start(std::chrono::hours(1));
  std::uint64_t generation = service_->generation();
  EXPECT_EQ(Lookup().status, ImageStatus::kPending);
  AwaitWorker(generation);
  const ImageLookup failed = Lookup();
  EXPECT_EQ(failed.status, ImageStatus::kFailed);
  EXPECT_NE(failed.reason.find("fetch"), std::string::npos) << failed.reason;
  const int requests = requests_;
  serving_ = true;
  // Parsed again meanwhile, the bulletin finds the failure, not the site.
  EXPECT_EQ(Lookup().status, ImageStatus::kFailed);
  EXPECT_FALSE(ImagesChanged(ImageStatus::kFailed));
  EXPECT_EQ(requests_, requests);
}

TEST_F(OcrRetryTest, AnImageThatFailedIsTriedAgainOnceItsTimeHasCome) {
  Start(milliseconds(200));
  std::uint64_t generation = service_->generation();
  EXPECT_EQ(Lookup().status, ImageStatus::kPending);
  AwaitWorker(generation);
  EXPECT_EQ(Lookup().status, ImageStatus::kFailed);
  EXPECT_FALSE(ImagesChanged(ImageStatus::kFailed));
  serving_ = true;
  std::this_thread::sleep_for(milliseconds(300));
  // A scan parses the bulletin again, whose parse asks for the image.
  EXPECT_TRUE(ImagesChanged(ImageStatus::kFailed));
  generation = service_->generation();
  EXPECT_EQ(Lookup().status, ImageStatus::kPending);
  AwaitWorker(generation);
  const ImageLookup read = Lookup();
  ASSERT_EQ(read.status, ImageStatus::kRead) << read.reason;
  ASSERT_NE(read.lines, nullptr);
  EXPECT_EQ(read.lines->text, "本周\n" + std::string(kHardBreak) + "\n");
  EXPECT_FALSE(ImagesChanged(ImageStatus::kRead));
}

}  // namespace
}  // namespace cncert
