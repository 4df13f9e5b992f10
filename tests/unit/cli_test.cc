// The real binary: `parse` and `check-rules` as a user runs them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/test_support.h"

namespace cncert {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::RunExporter;
using testing::SourcePath;

TEST(CliTest, ParseJsonFollowsTheContract) {
  const auto r = RunExporter({"parse", "--output", "json",
                              SourcePath("tests/golden/seed_wechat_2024.md")});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto out = nlohmann::json::parse(r.out);
  ASSERT_TRUE(out.is_array());
  ASSERT_EQ(out.size(), 1u);
  const auto& f = out[0];
  EXPECT_EQ(f["ok"], true);
  EXPECT_EQ(f["bulletin"]["kind"], "cncert_weekly");
  EXPECT_EQ(f["bulletin"]["issue"], 29);
  EXPECT_EQ(f["values"]["cncert_incidents_handled"], 177);
  EXPECT_TRUE(f["values"]["cncert_incidents_handled"].is_number_integer());
  EXPECT_EQ(f["errors"], nlohmann::json::array());
  EXPECT_FALSE(f.contains("provenance"));
}

TEST(CliTest, BadFilesFailClearlyAndTheRestGoOn) {
  const auto r = RunExporter({"parse", SourcePath("tests/bad/empty.txt"),
                              SourcePath("tests/golden/full_layout_2018.txt"),
                              "/nonexistent/bulletin.md", SourcePath("tests")});
  EXPECT_EQ(r.status, 1);
  const auto out = nlohmann::json::parse(r.out);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0]["ok"], false);
  EXPECT_EQ(out[0]["errors"][0], "empty file");
  EXPECT_EQ(out[1]["ok"], true);
  EXPECT_EQ(out[1]["values"]["cncert_cnvd_vulnerabilities"], 298);
  EXPECT_EQ(out[2]["errors"][0], "cannot open: No such file or directory");
  EXPECT_EQ(out[3]["errors"][0], "not a regular file");
}

TEST(CliTest, HugeFileIsRefusedBeforeReading) {
  const std::string dir = testing::MakeTempDir();
  const std::string path = dir + "/huge.md";
  testing::WriteFile(path, "");
  ASSERT_EQ(::truncate(path.c_str(), 100 << 20), 0);
  const auto r = RunExporter({"parse", path});
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.out, HasSubstr("file too large: 104857600 bytes"));
  std::filesystem::remove_all(dir);
}

TEST(CliTest, TextOutputShowsProvenance) {
  const auto r = RunExporter({"parse", "--output", "text",
                              SourcePath("tests/golden/seed_wechat_2024.md")});
  ASSERT_EQ(r.status, 0);
  EXPECT_THAT(r.out, HasSubstr("cncert_incidents_handled = 177"));
  EXPECT_THAT(r.out, HasSubstr("from \"共处理网络安全事件177起\" (rule "
                               "cncert_incidents_handled/1, section incident"));
  EXPECT_THAT(r.out, HasSubstr("in: 本周,CNCERT协调"));
}

TEST(CliTest, ProvenanceFlagAddsSpans) {
  const auto r = RunExporter({"parse", "--provenance",
                              SourcePath("tests/golden/seed_wechat_2024.md")});
  const auto out = nlohmann::json::parse(r.out);
  const auto& p = out[0]["provenance"]["cncert_incidents_handled"];
  EXPECT_EQ(p["match"], "共处理网络安全事件177起");
  EXPECT_EQ(p["section"], "incident");
  EXPECT_EQ(p["span"].size(), 2u);
}

TEST(CliTest, UserRulesReplaceTheDefaults) {
  const auto r = RunExporter({"parse", "--rules",
                              SourcePath("tests/rules/minimal.good.yml"),
                              SourcePath("tests/golden/full_layout_2018.txt")});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out[0]["values"].size(), 1u);
}

TEST(CliTest, BadRulesStopParseWithTheReasons) {
  const auto r = RunExporter(
      {"parse", "--rules", SourcePath("tests/rules/unknown_transform.bad.yml"),
       SourcePath("tests/golden/full_layout_2018.txt")});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown transform 'percentage'"));
}

TEST(CliTest, CheckRulesReportsEveryFile) {
  const auto r =
      RunExporter({"check-rules", SourcePath("tests/rules/minimal.good.yml"),
                   SourcePath("tests/rules/missing_fields.bad.yml")});
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.out, HasSubstr("minimal.good.yml: OK (2 sections, 1 rules)"));
  EXPECT_THAT(r.out, HasSubstr("missing_fields.bad.yml: FAILED (4 problems)"));
  EXPECT_THAT(r.err,
              HasSubstr("missing_fields.bad.yml:10: rule has no 'metric'"));
}

TEST(CliTest, PrintedDefaultRulesPassCheckRules) {
  const auto printed = RunExporter({"check-rules", "--print-default"});
  ASSERT_EQ(printed.status, 0);
  const std::string dir = testing::MakeTempDir();
  testing::WriteFile(dir + "/rules.yaml", printed.out);
  const auto r = RunExporter({"check-rules", dir + "/rules.yaml"});
  EXPECT_EQ(r.status, 0) << r.err;
  std::filesystem::remove_all(dir);
}

TEST(CliTest, ABinaryWithoutItsReadersSaysWhereItLookedAndReadsText) {
  // The readers live in ../lib/cncert_exporter from the binary: copied
  // alone, it reads text and names what is missing for a PDF.
  const std::string dir = testing::MakeTempDir();
  std::filesystem::create_directory(dir + "/bin");
  std::filesystem::copy_file(CNCERT_EXPORTER_BINARY, dir + "/bin/e");
  const testing::Output out =
      testing::RunCommand({dir + "/bin/e", "parse", "--output", "json",
                           SourcePath("tests/fixtures/pdf/cncert-2026-10.pdf"),
                           SourcePath("tests/golden/full_layout_2018.txt")});
  std::filesystem::remove_all(dir);
  EXPECT_EQ(out.status, 1) << out.text;  // a file failed
  EXPECT_THAT(out.text,
              HasSubstr("no PDF reader: " + dir +
                        "/bin/../lib/cncert_exporter/cncert_pdf_reader.so: "
                        "cannot open shared object file"));
  EXPECT_THAT(out.text, HasSubstr("\"cncert_security_posture_rating\": 3"));
}

TEST(CliTest, TheFrontLoadsTheCLibraryAlone) {
  // `parse` of text starts without the libraries of serving, fetching, TLS
  // and OCR (they took two thirds of its start-up), and with the C++
  // runtime, RE2, gumbo and yaml-cpp in itself: only the C library is
  // loaded with it. Sanitizer builds keep the shared C++ runtime.
  const testing::Output out =
      testing::RunCommand({"readelf", "--dynamic", CNCERT_EXPORTER_BINARY});
  ASSERT_EQ(out.status, 0) << out.text;
  std::vector<std::string> needed;
  std::istringstream lines(out.text);
  for (std::string line; std::getline(lines, line);) {
    const auto open = line.find("(NEEDED)") == std::string::npos
                          ? std::string::npos
                          : line.find('[');
    if (open != std::string::npos) {
      needed.push_back(line.substr(open + 1, line.find(']') - open - 1));
    }
  }
  ASSERT_THAT(needed, ::testing::Contains(HasSubstr("libc.so")));
  for (const std::string& library : needed) {
#if defined(__SANITIZE_ADDRESS__)
    EXPECT_THAT(library,
                Not(AnyOf(HasSubstr("httplib"), HasSubstr("libssl"),
                          HasSubstr("libcrypto"), HasSubstr("prometheus"),
                          HasSubstr("libcrypt."), HasSubstr("tesseract"),
                          HasSubstr("poppler"), HasSubstr("opencc"))));
#else
    EXPECT_THAT(library, AnyOf(HasSubstr("libc.so"), HasSubstr("libm.so"),
                               HasSubstr("ld-linux")));
#endif
  }
}

TEST(CliTest, TheFrontReadsPdfsAsTheWholeExporterDoes) {
  // The front's C++ runtime is its own, the PDF reader's the system's:
  // they meet in C types alone (parsers/plugin.h), a good PDF's text and a
  // damaged one's error alike.
  const std::string dir = testing::MakeTempDir();
  const std::string pdf = SourcePath("tests/fixtures/pdf/cncert-2026-12.pdf");
  std::string bytes = testing::ReadFile(pdf);
  testing::WriteFile(dir + "/cut.pdf", bytes.substr(0, bytes.size() / 2));
  for (const std::string& file : {pdf, dir + "/cut.pdf"}) {
    const testing::Output front = testing::RunCommand(
        {CNCERT_EXPORTER_BINARY, "parse", "--output", "json", file});
    const testing::Output whole = testing::RunCommand(
        {CNCERT_WHOLE_EXPORTER_BINARY, "parse", "--output", "json", file});
    EXPECT_EQ(front.status, whole.status) << file;
    EXPECT_EQ(front.text, whole.text) << file;
  }
  const testing::Output good = testing::RunCommand(
      {CNCERT_EXPORTER_BINARY, "parse", "--output", "json", pdf});
  EXPECT_EQ(good.status, 0) << good.text;
  EXPECT_THAT(good.text, HasSubstr("\"format\": \"pdf\""));
  EXPECT_THAT(good.text, HasSubstr("\"cncert_security_posture_rating\": 3"));
  std::filesystem::remove_all(dir);
}

TEST(CliTest, EveryOtherCommandIsTheWholeExportersAsBefore) {
  const auto help = RunExporter({"--help"});
  EXPECT_EQ(help.status, 0) << help.err;
  for (const char* command :
       {"parse", "check-rules", "serve", "backfill", "fetch"}) {
    EXPECT_THAT(help.out, HasSubstr(command));
  }
  const auto version = RunExporter({"--version"});
  EXPECT_EQ(version.status, 0);
  EXPECT_THAT(version.out, HasSubstr("cncert_exporter "));
  const auto parse_help = RunExporter({"parse", "--help"});
  EXPECT_EQ(parse_help.status, 0);
  EXPECT_THAT(parse_help.out, HasSubstr("--provenance"));
  const auto check = RunExporter(
      {"check-rules", SourcePath("parsers/rules/cncert_weekly.yaml")});
  EXPECT_EQ(check.status, 0) << check.err;
}

TEST(CliTest, AFrontCopiedAloneSaysWhereItLookedForTheWholeExporter) {
  const std::string dir = testing::MakeTempDir();
  std::filesystem::create_directory(dir + "/bin");
  std::filesystem::copy_file(CNCERT_EXPORTER_BINARY, dir + "/bin/e");
  const testing::Output out = testing::RunCommand(
      {dir + "/bin/e", "serve", "--web.listen-address", "127.0.0.1:0"});
  std::filesystem::remove_all(dir);
  EXPECT_EQ(out.status, 1) << out.text;
  EXPECT_THAT(
      out.text,
      HasSubstr("cannot run the whole exporter, " + dir +
                "/bin/../lib/cncert_exporter/cncert_exporter_whole: No such "
                "file or directory"));
}

TEST(CliTest, AFrontThatCannotHandImagesOverParsesEveryFileItself) {
  // The front stops parsing at the first file that references images, as
  // the whole exporter parses them all again; when it cannot be run, the
  // files left are parsed here after all, without their images.
  const std::string dir = testing::MakeTempDir();
  std::filesystem::create_directory(dir + "/bin");
  std::filesystem::copy_file(CNCERT_EXPORTER_BINARY, dir + "/bin/e");
  const testing::Output out = testing::RunCommand(
      {dir + "/bin/e", "parse", SourcePath("tests/golden/seed_wechat_2024.md"),
       SourcePath("tests/golden/full_layout_2018.txt"),
       SourcePath("tests/golden/seed_wechat_2024.md")});
  std::filesystem::remove_all(dir);
  EXPECT_EQ(out.status, 0) << out.text;
  EXPECT_THAT(out.text, HasSubstr("cannot run the whole exporter"));
  const std::size_t json = out.text.find("[\n");
  ASSERT_NE(json, std::string::npos) << out.text;
  const auto parsed = nlohmann::json::parse(
      out.text.substr(json, out.text.rfind(']') + 1 - json));
  ASSERT_EQ(parsed.size(), 3u);
  EXPECT_EQ(parsed[0]["values"]["cncert_incidents_handled"], 177);
  EXPECT_EQ(parsed[1]["values"]["cncert_cnvd_vulnerabilities"], 298);
  EXPECT_EQ(parsed[2]["values"]["cncert_incidents_handled"], 177);
  EXPECT_FALSE(parsed[2]["images"].empty());
}

TEST(CliTest, AFrontHandingImagesOverPrintsWhatTheWholeExporterPrints) {
  // The front prints each file once it is parsed. At the first that
  // references images the whole exporter takes over and goes on from
  // there: nothing printed twice or left out, the failure before counted.
  const std::vector<std::string> files{
      SourcePath("tests/golden/full_layout_2018.txt"),
      SourcePath("tests/bad/binary.bin"),
      SourcePath("tests/golden/seed_wechat_2024.md"),
      SourcePath("tests/golden/erratum_2017.txt")};
  for (const std::string output : {"json", "text"}) {
    std::vector<std::string> args{"parse", "--output", output};
    args.insert(args.end(), files.begin(), files.end());
    std::vector<std::string> whole{CNCERT_WHOLE_EXPORTER_BINARY};
    whole.insert(whole.end(), args.begin(), args.end());
    const auto from_front = RunExporter(args);
    const auto from_whole = testing::RunBinary(whole);
    EXPECT_EQ(from_front.status, 1) << output << from_front.err;
    EXPECT_EQ(from_whole.status, 1) << output << from_whole.err;
    EXPECT_EQ(from_front.out, from_whole.out) << output;
    if (output == "json") {
      const auto parsed = nlohmann::json::parse(from_front.out);
      ASSERT_EQ(parsed.size(), 4u);
      EXPECT_EQ(parsed[0]["values"]["cncert_cnvd_vulnerabilities"], 298);
      EXPECT_EQ(parsed[1]["ok"], false);
      EXPECT_EQ(parsed[2]["values"]["cncert_incidents_handled"], 177);
      EXPECT_EQ(parsed[3]["ok"], true);
    } else {
      EXPECT_THAT(from_front.out, HasSubstr(files[1] + ": FAILED\n"));
      EXPECT_EQ(from_front.out.find(files[0] + ": ok"),
                from_front.out.rfind(files[0] + ": ok"));
    }
  }
}

// The OCR cache's default directory is made with its first result: a
// parse of text alone leaves nothing behind in the user's home.
TEST(CliTest, AParseOfTextMakesNoCacheDirectory) {
  const std::string home = testing::MakeTempDir();
  const auto r =
      testing::RunBinary({"/usr/bin/env", "XDG_CACHE_HOME=" + home + "/cache",
                          CNCERT_EXPORTER_BINARY, "parse",
                          SourcePath("tests/golden/full_layout_2018.txt")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_FALSE(std::filesystem::exists(home + "/cache"));
  std::filesystem::remove_all(home);
}

TEST(CliTest, UnknownOutputFormatIsAUsageError) {
  const auto r = RunExporter({"parse", "--output", "xml", "x"});
  EXPECT_NE(r.status, 0);
  EXPECT_THAT(r.err, HasSubstr("xml"));
}

}  // namespace
}  // namespace cncert
