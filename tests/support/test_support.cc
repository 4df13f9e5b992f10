#include "tests/support/test_support.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
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

CommandResult RunExporter(const std::vector<std::string>& args) {
  CommandResult result;
  const std::string dir = MakeTempDir();
  const std::string out_path = dir + "/out";
  const std::string err_path = dir + "/err";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> argv_storage{CNCERT_EXPORTER_BINARY};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) ==
      0) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.status =
        WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  posix_spawn_file_actions_destroy(&actions);
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  std::filesystem::remove_all(dir);
  return result;
}

}  // namespace cncert::testing
