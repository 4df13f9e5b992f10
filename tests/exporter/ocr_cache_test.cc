// The OCR cache's entries, MessagePack and (as earlier builds wrote them)
// JSON: read
// back as they were written, and a broken or hostile entry read as no entry.
// The reader parses as it goes; it is held against a reading through a whole
// tree, on entries cut and garbled.
#include "exporter/ocr/ocr_cache.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "exporter/base/digest.h"
#include "exporter/base/files.h"
#include "exporter/ocr/ocr_engine.h"
#include "exporter/ocr/ocr_pack.h"
#include "parsers/image_lines.h"
#include "parsers/utf8.h"

namespace cncert {
namespace {

const std::string kVersion = "tesseract-5-chi_sim-test";

// The entry read through a whole tree: what the cache did before it parsed
// as it went. nullopt where a top-level name is given twice (the tree keeps
// the last, the reader refuses), a value has the wrong type, a string is not
// UTF-8, or a number is beyond a float's range.
std::optional<OcrResult> FromTree(const nlohmann::json& j, bool twice);

std::optional<OcrResult> ThroughTree(std::string_view json) {
  std::set<std::string> top;
  bool twice = false;
  const auto j = nlohmann::json::parse(
      json,
      [&](int depth, nlohmann::json::parse_event_t event,
          nlohmann::json& parsed) {
        if (event == nlohmann::json::parse_event_t::key && depth == 1) {
          twice = twice || !top.insert(parsed.get<std::string>()).second;
        }
        return true;
      },
      false);
  return FromTree(j, twice);
}

// MessagePack's tree; a name given twice is not told (no garbling here
// makes one).
std::optional<OcrResult> ThroughPackedTree(std::string_view bytes) {
  return FromTree(nlohmann::json::from_msgpack(bytes, true, false), false);
}

bool IsText(const nlohmann::json& j) {
  return j.is_string() && utf8::IsValid(j.get<std::string>());
}

std::optional<OcrResult> FromTree(const nlohmann::json& j, bool twice) {
  if (twice || !j.is_object()) return std::nullopt;
  for (const char* name : {"version", "failure", "error"}) {
    if (j.contains(name) && !IsText(j[name])) return std::nullopt;
  }
  if (j.value("version", "") != kVersion) return std::nullopt;
  OcrResult r;
  const std::string failure = j.value("failure", "");
  for (const ImageFailure f : kAllImageFailures) {
    if (ImageFailureName(f) == failure) r.failure = f;
  }
  if (!failure.empty() && r.failure == ImageFailure::kNone) return std::nullopt;
  r.error = j.value("error", "");
  if (!j.contains("blocks") || !j["blocks"].is_array()) return std::nullopt;
  for (const auto& b : j["blocks"]) {
    if (!b.is_array()) return std::nullopt;
    OcrBlock block;
    for (const auto& l : b) {
      if (!l.is_array()) return std::nullopt;
      OcrLine line;
      for (const auto& w : l) {
        if (!w.is_array() || w.size() != 3 || !IsText(w[0]) ||
            !w[1].is_number() || !w[2].is_array()) {
          return std::nullopt;
        }
        OcrWord word{w[0].get<std::string>(), w[1].get<float>(), {}};
        if (!std::isfinite(word.confidence)) return std::nullopt;
        for (const auto& s : w[2]) {
          if (!s.is_number() || !std::isfinite(s.get<float>())) {
            return std::nullopt;
          }
          word.symbols.push_back(s.get<float>());
        }
        line.words.push_back(std::move(word));
      }
      block.lines.push_back(std::move(line));
    }
    r.text.blocks.push_back(std::move(block));
  }
  return r;
}

std::string Written(const std::optional<OcrResult>& r) {
  return r ? OcrResultToJson(*r, kVersion) : "nothing";
}

OcrResult Random(std::mt19937& random) {
  static const std::vector<std::string> kWords = {
      "本周", "境内", "3534", "个", ";", "91.6%", "CNCERT", "", "\"q\"", "\\"};
  auto pick = [&random](int n) {
    return std::uniform_int_distribution<int>(0, n)(random);
  };
  OcrResult r;
  for (int b = pick(3); b > 0; --b) {
    OcrBlock block;
    for (int l = pick(3); l > 0; --l) {
      OcrLine line;
      for (int w = pick(4); w > 0; --w) {
        OcrWord word;
        word.text = kWords[pick(static_cast<int>(kWords.size()) - 1)];
        word.confidence = std::uniform_real_distribution<float>(0, 100)(random);
        if (pick(4) == 0) word.confidence = static_cast<float>(pick(100));
        for (int s = pick(3); s > 0; --s) {
          word.symbols.push_back(
              std::uniform_real_distribution<float>(0, 100)(random));
        }
        line.words.push_back(std::move(word));
      }
      block.lines.push_back(std::move(line));
    }
    r.text.blocks.push_back(std::move(block));
  }
  if (pick(5) == 0) {
    r.failure = ImageFailure::kTruncated;
    r.error = "cut short";
  }
  return r;
}

void ExpectSameFloats(const OcrResult& r, const OcrResult& read) {
  for (std::size_t b = 0; b < r.text.blocks.size(); ++b) {
    for (std::size_t l = 0; l < r.text.blocks[b].lines.size(); ++l) {
      const auto& words = r.text.blocks[b].lines[l].words;
      const auto& back = read.text.blocks[b].lines[l].words;
      for (std::size_t w = 0; w < words.size(); ++w) {
        EXPECT_EQ(back[w].confidence, words[w].confidence);
        EXPECT_EQ(back[w].symbols, words[w].symbols);
      }
    }
  }
}

TEST(OcrCacheTest, AnEntryReadsBackAsWritten) {
  std::mt19937 random(7);
  for (int i = 0; i < 2000; ++i) {
    const OcrResult r = Random(random);
    const std::string json = OcrResultToJson(r, kVersion);
    const auto read = OcrResultFromJson(json, kVersion);
    ASSERT_TRUE(read) << json;
    EXPECT_EQ(Written(read), json);
    EXPECT_EQ(read->failure, r.failure);
    // Confidences come back as the same floats, not merely close ones.
    ExpectSameFloats(r, *read);
    const auto unpacked =
        OcrResultFromMessagePack(OcrResultToMessagePack(r, kVersion), kVersion);
    ASSERT_TRUE(unpacked) << json;
    EXPECT_EQ(Written(unpacked), json);
    ExpectSameFloats(r, *unpacked);
  }
}

TEST(OcrCacheTest, MessagePackHoldsConfidencesAsFloats) {
  OcrResult r;
  r.text.blocks.push_back(
      {{{{{"673", 90.8175277709961F, {98.68821716308594F}}}}}});
  const std::string packed = OcrResultToMessagePack(r, kVersion);
  // Four bytes each after their mark (0xca), not a decimal's sixteen digits.
  EXPECT_EQ(std::count(packed.begin(), packed.end(), '\xca'), 2);
  EXPECT_LT(packed.size(), OcrResultToJson(r, kVersion).size());
}

// Text that is not UTF-8 is written as JSON writes it, and read as no entry.
TEST(OcrCacheTest, TextThatIsNotUtf8) {
  OcrResult r;
  r.text.blocks.push_back(
      {{{{{"67\xff"
           "3",
           90,
           {}}}}}});
  const std::string packed = OcrResultToMessagePack(r, kVersion);
  const auto read = OcrResultFromMessagePack(packed, kVersion);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->text.blocks[0].lines[0].words[0].text, "67\uFFFD3");
  nlohmann::json tree = nlohmann::json::from_msgpack(packed);
  tree["blocks"][0][0][0][0] =
      "67\xff"
      "3";
  std::string written;
  nlohmann::json::to_msgpack(tree, written);
  EXPECT_FALSE(OcrResultFromMessagePack(written, kVersion));
}

// What only a hostile file holds: values nested deeper than any entry, and
// lengths far beyond the file's.
TEST(OcrCacheTest, HostileMessagePackIsNoEntry) {
  const std::string good = OcrResultToMessagePack(OcrResult{}, kVersion);
  ASSERT_TRUE(OcrResultFromMessagePack(good, kVersion));
  // {"x": [[[[…]]]] a million deep, …}: a passed-over name's value.
  std::string deep = "\x85\xa1x" + std::string(1000000, '\x91') + "\xc0";
  deep += good.substr(1);  // the four names of an entry
  EXPECT_FALSE(OcrResultFromMessagePack(deep, kVersion));
  // An array of 2^32 - 1 blocks, a string of 2^32 - 1 bytes.
  const std::string huge = "\xff\xff\xff\xff";
  EXPECT_FALSE(
      OcrResultFromMessagePack("\x81\xa6"
                               "blocks\xdd" +
                                   huge + std::string(16, '\x90'),
                               kVersion));
  EXPECT_FALSE(
      OcrResultFromMessagePack("\x81\xa7"
                               "version\xdb" +
                                   huge + "v",
                               kVersion));
  EXPECT_FALSE(OcrResultFromMessagePack("", kVersion));
  EXPECT_FALSE(OcrResultFromMessagePack(good + std::string(1, '\0'), kVersion));
  EXPECT_FALSE(
      OcrResultFromMessagePack(good.substr(0, good.size() - 1), kVersion));
}

TEST(OcrCacheTest, BrokenEntriesAreNoEntries) {
  const std::string word = R"([[[["本周",95.5,[99.0,98]]]]])";
  const auto read = [](const std::string& json) {
    return OcrResultFromJson(json, kVersion).has_value();
  };
  const std::string good = R"({"blocks":)" + word +
                           R"(,"error":"","failure":"","version":")" +
                           kVersion + R"("})";
  EXPECT_TRUE(read(good));
  // Another engine's entry.
  EXPECT_FALSE(read(R"({"blocks":[],"version":"tesseract-4"})"));
  EXPECT_FALSE(read(R"({"blocks":[]})"));
  // A version that is no string, once a crash.
  EXPECT_FALSE(read(R"({"blocks":[],"version":5})"));
  EXPECT_FALSE(read(R"({"blocks":[],"version":["x"]})"));
  EXPECT_FALSE(read(R"({"version":")" + kVersion + R"("})"));  // no blocks
  EXPECT_FALSE(read(good + " x"));
  EXPECT_FALSE(read(good.substr(0, good.size() - 5)));
  EXPECT_FALSE(read(R"({"blocks":[[[["w",1]]]],"version":")" + kVersion +
                    R"("})"));  // a word without its symbols
  EXPECT_FALSE(
      read(R"({"blocks":[[[["w",1,[],2]]]],"version":")" + kVersion + R"("})"));
  EXPECT_FALSE(read(R"({"blocks":[[{}]],"version":")" + kVersion + R"("})"));
  EXPECT_FALSE(
      read(R"({"blocks":[],"blocks":[],"version":")" + kVersion + R"("})"));
  EXPECT_FALSE(read(R"({"blocks":[],"failure":"melted","version":")" +
                    kVersion + R"("})"));
  // A confidence no float holds (found by the fuzzer: it read as infinity
  // and was written back as null).
  EXPECT_FALSE(read(R"({"blocks":[[[["w",1e99,[]]]]],"version":")" + kVersion +
                    R"("})"));
  EXPECT_FALSE(read(R"({"blocks":[[[["w",1,[1e999]]]]],"version":")" +
                    kVersion + R"("})"));
  // Names it does not know are passed over, whatever they hold.
  const auto other = OcrResultFromJson(
      R"({"note":{"a":[1,{"b":null}],"blocks":2},"blocks":)" + word +
          R"(,"more":[[true]],"version":")" + kVersion + R"("})",
      kVersion);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->text.blocks[0].lines[0].words[0].text, "本周");
  EXPECT_EQ(other->text.blocks[0].lines[0].words[0].symbols,
            (std::vector<float>{99.0F, 98.0F}));
  const auto failed = OcrResultFromJson(
      R"({"blocks":[],"error":"cut","failure":"truncated","version":")" +
          kVersion + R"("})",
      kVersion);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->failure, ImageFailure::kTruncated);
  EXPECT_EQ(failed->error, "cut");
}

// Entries cut short and garbled byte by byte read as the tree reads them.
TEST(OcrCacheTest, GarbledEntriesReadAsThroughATree) {
  std::mt19937 random(11);
  const std::string alphabet = "[]{},:\"0159.-eatrunl \\x";
  int agreed = 0;
  int read = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string json = OcrResultToJson(Random(random), kVersion);
    for (int edits = 1 + static_cast<int>(random() % 3); edits > 0; --edits) {
      const std::size_t at = random() % (json.size() + 1);
      switch (random() % 3) {
        case 0:
          json.insert(at, 1, alphabet[random() % alphabet.size()]);
          break;
        case 1:
          if (at < json.size()) json.erase(at, 1);
          break;
        default:
          if (at < json.size()) json[at] = alphabet[random() % alphabet.size()];
      }
    }
    const auto parsed = OcrResultFromJson(json, kVersion);
    ASSERT_EQ(Written(parsed), Written(ThroughTree(json))) << json;
    ++agreed;
    read += parsed.has_value();
  }
  EXPECT_EQ(agreed, 20000);
  // Not all broken: some garbling leaves a valid entry.
  EXPECT_GT(read, 100);
}

// MessagePack entries cut short and garbled byte by byte read as the tree
// reads them.
TEST(OcrCacheTest, GarbledMessagePackReadsAsThroughATree) {
  std::mt19937 random(13);
  int read = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string packed = OcrResultToMessagePack(Random(random), kVersion);
    for (int edits = 1 + static_cast<int>(random() % 3); edits > 0; --edits) {
      const std::size_t at = random() % (packed.size() + 1);
      const char byte = static_cast<char>(random() % 256);
      switch (random() % 3) {
        case 0:
          packed.insert(at, 1, byte);
          break;
        case 1:
          if (at < packed.size()) packed.erase(at, 1);
          break;
        default:
          if (at < packed.size()) packed[at] = byte;
      }
    }
    const auto parsed = OcrResultFromMessagePack(packed, kVersion);
    ASSERT_EQ(Written(parsed), Written(ThroughPackedTree(packed))) << i;
    read += parsed.has_value();
  }
  EXPECT_GT(read, 100);
}

// An entry written by an earlier build, in JSON, is read, and kept in
// today's form.
// Entries are read with one call into a buffer of 32 KiB: those that fill it
// (and one byte either side) and larger ones read whole, as written.
TEST(OcrCacheTest, EntriesOfEverySizeReadBackFromDisk) {
  const std::string dir = ::testing::TempDir() + "/ocr_cache_sizes";
  std::filesystem::remove_all(dir);
  const auto with_text = [](std::size_t length) {
    OcrResult r;
    r.text.blocks.push_back({{{{{std::string(length, 'a'), 90.0F, {}}}}}});
    return r;
  };
  // MessagePack's header of a string of 256 to 65,535 bytes has one length.
  const std::size_t base =
      OcrResultToMessagePack(with_text(1000), kVersion).size() - 1000;
  constexpr std::size_t kBuffer = 32u << 10;
  int n = 0;
  for (const std::size_t size : {std::size_t{1300}, kBuffer - 1, kBuffer,
                                 kBuffer + 1, std::size_t{60000}}) {
    const OcrResult r = with_text(size - base);
    ASSERT_EQ(OcrResultToMessagePack(r, kVersion).size(), size);
    const std::string sha(64, static_cast<char>('a' + n++));
    OcrCache(dir, kVersion).Store(sha, r);
    const auto read = OcrCache(dir, kVersion).Load(sha);
    ASSERT_TRUE(read) << size;
    EXPECT_EQ(OcrResultToJson(*read, kVersion), OcrResultToJson(r, kVersion))
        << size;
  }
  // A record of an image file, read the same way.
  const FileVersion version{1, 2, 3, 4, 5, 6, 7};
  const OcrCache cache(dir, kVersion);
  EXPECT_EQ(cache.KnownFile(version), "");
  cache.RememberFile(version, std::string(64, 'f'));
  EXPECT_EQ(OcrCache(dir, kVersion).KnownFile(version), std::string(64, 'f'));
  FileVersion changed = version;
  changed.size = 4;
  EXPECT_EQ(OcrCache(dir, kVersion).KnownFile(changed), "");
  std::filesystem::remove_all(dir);
}

TEST(OcrCacheTest, AnEarlierBuildsJsonEntryIsReadAndRewritten) {
  const std::string dir = ::testing::TempDir() + "/ocr_cache_legacy";
  std::filesystem::remove_all(dir);
  const std::string sha(64, 'a');
  OcrResult r;
  r.text.blocks.push_back({{{{{"本周", 95.5F, {99.0F, 98.0F}}}}}});
  const OcrCache cache(dir, kVersion);
  cache.Store(sha, r);
  // The entry as an earlier build left it: the same name, in JSON.
  std::string entry;
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    if (f.path().extension() == ".msgpack") entry = f.path();
  }
  ASSERT_FALSE(entry.empty());
  const std::string json = entry.substr(0, entry.size() - 7) + "json";
  std::filesystem::rename(entry, json);
  ASSERT_TRUE(WriteFileAtomically(json, OcrResultToJson(r, kVersion)).ok());

  const auto read = OcrCache(dir, kVersion).Load(sha);
  ASSERT_TRUE(read);
  EXPECT_EQ(OcrResultToJson(*read, kVersion), OcrResultToJson(r, kVersion));
  EXPECT_TRUE(std::filesystem::exists(entry));
  EXPECT_FALSE(std::filesystem::exists(json));
  const auto again = OcrCache(dir, kVersion).Load(sha);
  ASSERT_TRUE(again);
  EXPECT_EQ(OcrResultToJson(*again, kVersion), OcrResultToJson(r, kVersion));
  // Of another engine's version: not read.
  EXPECT_FALSE(OcrCache(dir, "tesseract-4").Load(sha));
  std::filesystem::remove_all(dir);
}

// The entry's file of the given extension in `dir`, or "".
std::string EntryFile(const std::string& dir, const std::string& extension) {
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    if (f.path().extension() == extension) return f.path();
  }
  return "";
}

OcrResult TwoBlocks() {
  OcrResult r;
  r.text.blocks.push_back({{{{{"本周,CNCERT共处理", 95.5F, {}}}}}});
  r.text.blocks.push_back({{{{{"177起", 90.0F, {99, 98, 60, 80}}}}}});
  return r;
}

TEST(OcrCacheTest, KeptLinesAreReadInPlaceOfTheResult) {
  const std::string dir = ::testing::TempDir() + "/ocr_cache_lines";
  std::filesystem::remove_all(dir);
  const std::string sha(64, 'b');
  const OcrResult r = TwoBlocks();
  const std::string prepared = ImageLinesToBytes(PrepareImageLines(r.text));
  OcrCache(dir, kVersion).Store(sha, r);
  // Without the result, a new process reads the lines alone, from the pack.
  const std::string packed = EntryFile(dir, ".msgpack");
  ASSERT_FALSE(packed.empty());
  ASSERT_TRUE(std::filesystem::exists(dir + "/pack"));
  std::filesystem::remove(packed);
  const auto lines = OcrCache(dir, kVersion).LoadLines(sha);
  ASSERT_TRUE(lines);
  EXPECT_EQ(ImageLinesToBytes(*lines), prepared);
  EXPECT_EQ(lines->named_issue, "");
  // Nor are they read under another engine's version.
  EXPECT_FALSE(OcrCache(dir, "tesseract-4").LoadLines(sha));
  std::filesystem::remove_all(dir);
}

TEST(OcrCacheTest, BrokenOrForeignLinesArePreparedAgainFromTheResult) {
  const std::string dir = ::testing::TempDir() + "/ocr_cache_lines_again";
  std::filesystem::remove_all(dir);
  const std::string sha(64, 'c');
  const OcrResult r = TwoBlocks();
  OcrResult other = TwoBlocks();
  other.text.blocks.pop_back();
  const std::string prepared = ImageLinesToBytes(PrepareImageLines(r.text));
  const std::string pack = dir + "/pack";
  for (int round = 0; round < 3; ++round) {
    std::filesystem::remove_all(dir);
    OcrCache(dir, kVersion).Store(sha, r);
    const std::string packed = EntryFile(dir, ".msgpack");
    const std::string legacy =
        packed.substr(0, packed.size() - std::string("msgpack").size()) +
        "lines";
    if (round == 0) {
      // Only lines kept by another build (another preparation), in the
      // pack and (as builds before it kept them) beside the result.
      std::filesystem::remove(pack);
      ASSERT_TRUE(WriteFileAtomically(legacy, "cncert-ocr-lines\n").ok());
      OcrPack(pack, "another")
          .KeepLines(*Sha256FromHex(sha), PrepareImageLines(other.text));
    } else {
      // A pack broken at its end, or all through.
      const std::string bytes =
          ReadFileCapped(pack, 1 << 20, FileOrigin::kArchive).bytes;
      ASSERT_GT(bytes.size(), 100u);
      ASSERT_TRUE(WriteFileAtomically(
                      pack, round == 1 ? bytes.substr(0, bytes.size() - 1)
                                       : std::string(bytes.size(), 'x'))
                      .ok());
    }
    const auto lines = OcrCache(dir, kVersion).LoadLines(sha);
    ASSERT_TRUE(lines) << round;
    EXPECT_EQ(ImageLinesToBytes(*lines), prepared) << round;
    EXPECT_FALSE(std::filesystem::exists(legacy)) << round;
    // And kept again as this build prepares them: read without the result.
    std::filesystem::remove(EntryFile(dir, ".msgpack"));
    const auto again = OcrCache(dir, kVersion).LoadLines(sha);
    ASSERT_TRUE(again) << round;
    EXPECT_EQ(ImageLinesToBytes(*again), prepared) << round;
  }
  std::filesystem::remove_all(dir);
}

TEST(OcrCacheTest, AFailureHasNoLines) {
  const std::string dir = ::testing::TempDir() + "/ocr_cache_failure_lines";
  std::filesystem::remove_all(dir);
  const std::string sha(64, 'd');
  OcrResult failed;
  failed.failure = ImageFailure::kFormat;
  failed.error = "not an image";
  OcrCache(dir, kVersion).Store(sha, failed);
  EXPECT_FALSE(OcrCache(dir, kVersion).LoadLines(sha));
  EXPECT_FALSE(std::filesystem::exists(dir + "/pack"));
  const auto read = OcrCache(dir, kVersion).Load(sha);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->failure, ImageFailure::kFormat);
  std::filesystem::remove_all(dir);
}

TEST(OcrCacheTest, AFileRememberedBeforeThePackIsKeptInIt) {
  const std::string dir = ::testing::TempDir() + "/ocr_cache_files_record";
  std::filesystem::remove_all(dir);
  const FileVersion version{1, 2, 3, 4, 5, 6, 7};
  const std::string sha(64, 'e');
  // As builds before the pack wrote it: files/<device>-<inode>.
  std::filesystem::create_directories(dir + "/files");
  ASSERT_TRUE(WriteFileAtomically(dir + "/files/1-2",
                                  "cncert-ocr-file 1\n3 4 5 6 7\n" + sha + "\n")
                  .ok());
  EXPECT_EQ(OcrCache(dir, kVersion).KnownFile(version), sha);
  // Kept in the pack, and the file of its own gone.
  EXPECT_FALSE(std::filesystem::exists(dir + "/files"));
  EXPECT_EQ(OcrCache(dir, kVersion).KnownFile(version), sha);
  FileVersion changed = version;
  changed.changed_nanoseconds = 8;
  EXPECT_EQ(OcrCache(dir, kVersion).KnownFile(changed), "");
  std::filesystem::remove_all(dir);
}

TEST(OcrCacheTest, WithoutADirectoryLinesArePreparedFromTheHeldResult) {
  const OcrCache cache("", kVersion);
  const std::string sha(64, 'e');
  EXPECT_FALSE(cache.LoadLines(sha));
  OcrResult r = TwoBlocks();
  cache.Store(sha, r);
  const auto lines = cache.LoadLines(sha);
  ASSERT_TRUE(lines);
  EXPECT_EQ(ImageLinesToBytes(*lines),
            ImageLinesToBytes(PrepareImageLines(r.text)));
  EXPECT_EQ(cache.LoadLines(sha), lines);  // held, not prepared again
  // A new result for the image replaces what was held of the old.
  r.text.blocks.pop_back();
  cache.Store(sha, r);
  EXPECT_EQ(ImageLinesToBytes(*cache.LoadLines(sha)),
            ImageLinesToBytes(PrepareImageLines(r.text)));
}

// The language data's part of every key: a new build must name the data as
// the one before did (its first MiB and its size), or every cached image
// would be read again. Read in pieces now, held against the whole read.
TEST(OcrCacheTest, TheLanguageDataIsNamedByItsFirstMibAndItsSize) {
  const std::string dir = ::testing::TempDir() + "/ocr_language_data";
  std::filesystem::create_directories(dir);
  std::mt19937 random(7);
  for (const std::size_t size : {0u, 1000u, 65537u, 1u << 20, 3u << 19}) {
    std::string bytes(size, '\0');
    for (char& c : bytes) c = static_cast<char>(random());
    const std::string path = dir + "/chi_sim.traineddata";
    ASSERT_TRUE(WriteFileAtomically(path, bytes).ok());
    const std::string head = bytes.substr(0, 1u << 20);
    EXPECT_EQ(LanguageDataDigest(path),
              Sha256Hex(head + std::to_string(size)).substr(0, 12))
        << size;
  }
  EXPECT_EQ(LanguageDataDigest(dir + "/missing"),
            Sha256Hex("-1").substr(0, 12));
  std::filesystem::remove_all(dir);

  Sha256 pieces;
  pieces.Update("网络安全");
  pieces.Update("");
  pieces.Update("信息与动态周报");
  EXPECT_EQ(pieces.Hex(), Sha256Hex("网络安全信息与动态周报"));
  // FIPS 180-2's examples: the digest is SHA-256's own.
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(DigestTest, AKeptDigestGivesBackItsHex) {
  const std::string hex = Sha256Hex("abc");
  const auto digest = Sha256FromHex(hex);
  ASSERT_TRUE(digest.has_value());
  EXPECT_EQ((*digest)[0], 0xba);
  EXPECT_EQ((*digest)[31], 0xad);
  EXPECT_EQ(Sha256DigestHex(*digest), hex);
  // What Sha256Hex() never writes is not taken: its hex would not come back
  // the same.
  std::string upper = hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  EXPECT_FALSE(Sha256FromHex(upper).has_value());
  EXPECT_FALSE(Sha256FromHex(hex.substr(1)).has_value());
  EXPECT_FALSE(Sha256FromHex(hex + "0").has_value());
  EXPECT_FALSE(Sha256FromHex(std::string(64, 'g')).has_value());
  EXPECT_FALSE(Sha256FromHex("").has_value());
}

}  // namespace
}  // namespace cncert
