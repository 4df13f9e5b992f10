#include "tests/support/test_support.h"

#include <crypt.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "parsers/parser.h"
#include "parsers/rules.h"

extern char** environ;

namespace cncert::testing {

std::string SourcePath(const std::string& relative) {
  return std::string(CNCERT_SOURCE_DIR) + "/" + relative;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

std::string MakeTempDir() {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / "cncert_test_XXXXXX").string();
  const char* dir = ::mkdtemp(tmpl.data());
  EXPECT_NE(dir, nullptr);
  return tmpl;
}

Bulletin Parse(const std::string& bytes) {
  return ParseBulletin(bytes, *DefaultRules());
}

std::string MiniBulletin(const std::string& heading, const std::string& body) {
  return "网络安全信息与动态周报2020年第2期(1月6日-1月12日)\n\n" + heading +
         "\n\n" + body + "\n";
}

std::string Bcrypt(const std::string& password) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  EXPECT_NE(crypt_gensalt_rn("$2y$", 5, nullptr, 0, salt, sizeof salt),
            nullptr);
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  return crypt_r(password.c_str(), salt, data.get());
}

}  // namespace cncert::testing
