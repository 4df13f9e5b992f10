#include "parsers/plugin.h"

#include <dlfcn.h>
#include <unistd.h>

#include <map>
#include <mutex>
#include <string_view>

namespace cncert {

namespace {

std::string PluginDir() {
  std::string exe(4096, '\0');
  const ssize_t n = ::readlink("/proc/self/exe", exe.data(), exe.size());
  if (n <= 0 || static_cast<std::size_t>(n) >= exe.size()) return "";
  exe.resize(static_cast<std::size_t>(n));
  const std::string dir = exe.substr(0, exe.rfind('/'));
  constexpr std::string_view kDir = "/lib/cncert_exporter";
  if (dir.ends_with(kDir)) return dir + "/";
  return dir + "/.." + std::string(kDir) + "/";
}

}  // namespace

std::string PluginPath(const char* file) {
  static const std::string dir = PluginDir();
  return dir + file;
}

void* PluginSymbol(const char* file, const char* symbol, std::string* error) {
  static std::mutex mutex;
  static std::map<std::string, void*> handles;  // never closed
  const std::lock_guard<std::mutex> lock(mutex);
  void*& handle = handles[file];
  if (handle == nullptr) {
    const std::string path = PluginPath(file);
    handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = ::dlerror();  // names the path
      *error = why != nullptr ? why : path + ": cannot be loaded";
      return nullptr;
    }
  }
  void* found = ::dlsym(handle, symbol);
  if (found == nullptr) {
    *error = std::string(file) + " has no " + symbol + " (another version?)";
  }
  return found;
}

}  // namespace cncert
