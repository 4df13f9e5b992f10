#include "parsers/plugin.h"

#include <dlfcn.h>
#include <unistd.h>

#include <map>
#include <mutex>

namespace cncert {

namespace {

std::string PluginDir() {
  std::string exe(4096, '\0');
  const ssize_t n = ::readlink("/proc/self/exe", exe.data(), exe.size());
  if (n <= 0 || static_cast<std::size_t>(n) >= exe.size()) return "";
  exe.resize(static_cast<std::size_t>(n));
  return exe.substr(0, exe.rfind('/')) + "/../lib/cncert_exporter/";
}

}  // namespace

void* PluginSymbol(const char* file, const char* symbol, std::string* error) {
  static std::mutex mutex;
  static std::map<std::string, void*> handles;  // never closed
  const std::lock_guard<std::mutex> lock(mutex);
  void*& handle = handles[file];
  if (handle == nullptr) {
    static const std::string dir = PluginDir();
    const std::string path = dir + file;
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
