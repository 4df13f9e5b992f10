#include "exporter/cli/image_flags.h"

#include <cstdlib>
#include <filesystem>

namespace cncert {

void AddImageFlags(CLI::App* cmd, ImageFlags* flags, bool with_cache) {
  cmd->add_option("--ocr", flags->ocr,
                  "Read the figures that bulletins carry in images (OCR)")
      ->capture_default_str();
  if (with_cache) {
    cmd->add_option("--ocr.cache", flags->cache_dir,
                    "Directory for OCR results ('' keeps none) [default: "
                    "~/.cache/cncert_exporter/ocr]");
  }
  cmd->add_option("--ocr.min-confidence", flags->min_confidence,
                  "OCR confidence (0-100) a figure's words need to be served")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
  cmd->add_option("--ocr.memory-budget", flags->memory_budget,
                  "Memory that reading one image may take (e.g. 192MiB); "
                  "an image that needs more fails with reason 'resources'")
      ->capture_default_str()
      ->transform(CLI::AsSizeValue(false));
  AddImageFetchFlags(cmd, flags);
}

void AddImageFetchFlags(CLI::App* cmd, ImageFlags* flags) {
  cmd->add_flag("--images.fetch", flags->fetch,
                "Download the remote images that bulletins reference");
  cmd->add_option("--images.allowed-host", flags->allowed_hosts,
                  "Host remote images may come from (repeatable) [default: "
                  "mmbiz.qpic.cn]");
  cmd->add_option("--images.max-bytes", flags->max_bytes,
                  "Largest image read or downloaded, in bytes")
      ->capture_default_str();
  cmd->add_flag("--images.allow-private-addresses", flags->allow_private,
                "Allow image hosts on loopback or private addresses");
}

std::string DefaultOcrCacheDir() {
  std::filesystem::path base;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    base = xdg;
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    base = std::filesystem::path(home) / ".cache";
  } else {
    return "";
  }
  // Made by the cache with its first result: a parse of text alone, most
  // of them, makes nothing and looks for nothing on disk.
  return (base / "cncert_exporter" / "ocr").string();
}

}  // namespace cncert
