// libFuzzer target for the OCR cache's pack (exporter/ocr/ocr_pack.h),
// which `serve` reads from the archive: any bytes in the file are read as
// records or as none; whatever lines they give are lines the parser can
// rely on; and a file record and lines kept on top of any bytes read back
// as kept, in this process and in the next.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

#include "exporter/ocr/ocr_pack.h"
#include "parsers/image_lines.h"

namespace {

const std::string& Path() {
  static const std::string path =
      (std::filesystem::temp_directory_path() /
       ("cncert_ocr_pack_fuzz." + std::to_string(::getpid())))
          .string();
  return path;
}

// What the input might name: the bytes after each record's header.
template <typename T>
T At(std::string_view bytes, std::size_t at) {
  T value{};
  if (at + sizeof value <= bytes.size()) {
    std::memcpy(&value, bytes.data() + at, sizeof value);
  }
  return value;
}

const cncert::ImageLines& Kept() {
  static const cncert::ImageLines lines = [] {
    cncert::ImageText text;
    text.blocks.push_back({{{{{"本周,CNCERT共处理", 95, {}}}}}});
    return cncert::PrepareImageLines(text);
  }();
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  {
    std::FILE* f = std::fopen(Path().c_str(), "wb");
    if (!f) return 0;
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  }
  const cncert::Sha256Digest kept_sha = {0xa5, 1, 2, 3};
  const cncert::FileVersion kept_file{7, 7, 7, 7, 7, 7, 7};
  {
    const cncert::OcrPack pack(Path(), "fuzzprep");
    const std::string magic = "NCPK";
    for (std::size_t at = bytes.find(magic); at != std::string_view::npos;
         at = bytes.find(magic, at + 1)) {
      const auto sha = At<cncert::Sha256Digest>(bytes, at + 16);
      if (const auto lines = pack.Lines(sha)) {
        // As the parser relies on them (the reader checked them whole).
        if (cncert::ImageLinesToBytes(*lines).empty()) __builtin_trap();
      }
      const cncert::FileVersion version{
          At<std::uint64_t>(bytes, at + 16), At<std::uint64_t>(bytes, at + 24),
          At<std::int64_t>(bytes, at + 32),  At<std::int64_t>(bytes, at + 40),
          At<std::int64_t>(bytes, at + 48),  At<std::int64_t>(bytes, at + 56),
          At<std::int64_t>(bytes, at + 64)};
      (void)pack.KnownFile(version);
    }
    if (!pack.RememberFile(kept_file, kept_sha) ||
        !pack.KeepLines(kept_sha, Kept())) {
      __builtin_trap();
    }
    (void)pack.counts();
  }
  const cncert::OcrPack next(Path(), "fuzzprep");
  const auto lines = next.Lines(kept_sha);
  if (!lines ||
      cncert::ImageLinesToBytes(*lines) != cncert::ImageLinesToBytes(Kept())) {
    __builtin_trap();
  }
  if (next.KnownFile(kept_file) != kept_sha) __builtin_trap();
  std::filesystem::remove(Path());
  return 0;
}
