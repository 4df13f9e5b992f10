// An image read before is known by its file's version: a cache hit reads
// and hashes no image bytes again, and a changed file is read again.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "exporter/base/digest.h"
#include "exporter/ocr/ocr_cache.h"
#include "exporter/ocr/ocr_service.h"
#include "tests/support/test_support.h"

namespace cncert {
namespace {

TEST(OcrMemoTest, ACachedImageIsNotReadAgainUntilItsFileChanges) {
  const std::string dir = testing::MakeTempDir();
  const std::string image = dir + "/1.png";
  // Not an image at all: if it were read and recognised, it would fail.
  const std::string bytes(4096, 'a');
  testing::WriteFile(image, bytes);
  std::string error;
  const auto engine = OcrEngine::Create(&error);
  ASSERT_TRUE(engine) << error;
  OcrResult known;
  known.text.blocks.push_back({{{{{"本周", 95, {}}}}}});
  OcrCache(dir + "/cache", engine->version()).Store(Sha256Hex(bytes), known);
  auto service = OcrService::Create(dir, dir + "/cache", ImageOptions{},
                                    OcrService::Mode::kInline, nullptr, &error);
  ASSERT_TRUE(service) << error;

  auto lookup = [&] {
    std::vector<std::shared_ptr<const ImageText>> held;
    const ImageLookup found =
        service->Lookup(dir, ImageRef{"1.png", ""}, &held);
    return found.status == ImageStatus::kRead && found.text &&
                   !found.text->blocks.empty()
               ? found.text->blocks[0].lines[0].words[0].text
               : "status " + std::to_string(static_cast<int>(found.status)) +
                     ": " + found.reason;
  };
  EXPECT_EQ(lookup(), "本周");
  // Other bytes, same size, same modification time: taken for the same
  // file, so its bytes are not read (a read would miss the cache and fail).
  struct stat st {};
  ASSERT_EQ(::stat(image.c_str(), &st), 0);
  testing::WriteFile(image, std::string(4096, 'b'));
  const timespec times[2] = {st.st_atim, st.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, image.c_str(), times, 0), 0);
  EXPECT_EQ(lookup(), "本周");
  // A new modification time: read again, not in the cache, not an image.
  const timespec later[2] = {st.st_atim, {st.st_mtim.tv_sec + 10, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, image.c_str(), later, 0), 0);
  EXPECT_NE(lookup(), "本周");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cncert
