// Traditional → Simplified. A rewrite was seen converted to Traditional; the
// rules are written in Simplified. OpenCC converts whole texts; the small table
// of common Traditional characters below tells cheaply whether a text needs it
// (most bulletins do not), and stands in if OpenCC's data cannot be loaded.
#include <dlfcn.h>
#include <opencc/opencc.h>

#include <algorithm>
#include <array>
#include <bitset>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

#include "parsers/normalize.h"
#include "parsers/utf8.h"

namespace cncert {

namespace {

constexpr std::string_view kPairs =
    "網网絡络個个與与態态勢势評评價价體体內内數数為为務务殭僵屍尸蟲虫馬马"
    "機机遠远處处協协調调應应載载鏈链擊击門门後后頁页約约萬万億亿較较週周"
    "環环長长減减議议統统計计稱称註注冊册於于過过訪访問问業业報报漏漏險险"
    "總总發发現现監监測测惡恶意意碼码傳传播播動动帶带頂顶級级域域紹绍屬属"
    "點点這这們们對对際际國国戶户實实時时經经濟济將将產产嚴严護护權权據据"
    "並并類类僅仅聯联兒儿條条響响區区號号說说讀读佔占種种開开關关歷历來来"
    "節节範范圍围規规劃划擬拟預预還还進进選选錯错達达備备須须積积極极據据"
    "軟软硬硬體体據据庫库資资訊讯構构觀观點点證证書书據据維维護护異异常常"
    "鬆松緊紧嚴严標标準准齊齐獲获貨货販贩廣广東东亞亚歐欧美美線线纜缆網网"
    "頻频寬宽帳账號号單单雙双級级屆届層层圖图區区後后續续擴扩張张縮缩減减"
    "補补丁丁升升級级審审計计權权限限隱隐私私竊窃盜盗騙骗詐诈釣钓魚鱼僞伪"
    "偽伪冒冒殺杀毒毒藥药樣样樓楼電电腦脑網网頁页伺伺服服器器雲云端端終终"
    "點点據据處处構构營营運运維维商商應应用用驗验證证碼码壞坏損损災灾難难"
    "織织組组協协議议約约會会員员領领導导務务門门戶户臺台雜杂"
    "間间佈布顯显題题頭头熱热針针飛飞別别無无項项錄录係系簡简幾几讓让認认識识"
    "談谈驅驱彈弹歸归確确擁拥兩两麼么寫写術术礎础設设穩稳週周";

std::vector<std::pair<char32_t, char32_t>> BuildTable() {
  std::vector<std::pair<char32_t, char32_t>> table;
  std::size_t pos = 0;
  while (pos < kPairs.size()) {
    const char32_t traditional = utf8::Next(kPairs, pos);
    const char32_t simplified = utf8::Next(kPairs, pos);
    if (traditional != simplified) table.emplace_back(traditional, simplified);
  }
  std::sort(table.begin(), table.end());
  table.erase(std::unique(table.begin(), table.end(),
                          [](const auto& a, const auto& b) {
                            return a.first == b.first;
                          }),
              table.end());
  return table;
}

const std::vector<std::pair<char32_t, char32_t>>& Table() {
  static const auto* const table =
      new std::vector<std::pair<char32_t, char32_t>>(BuildTable());
  return *table;
}

// OpenCC's converter and the calls that use it.
struct OpenCc {
  opencc_t converter = nullptr;
  decltype(&opencc_convert_utf8) convert = nullptr;
  decltype(&opencc_convert_utf8_free) free = nullptr;
};

// Where OpenCC's library gives `name`.
template <typename Function>
Function Symbol(void* library, const char* name) {
  // dlsym's answer for a function is the function's address.
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
  return reinterpret_cast<Function>(::dlsym(library, name));
}

// OpenCC, opened once; null when its library or data files are missing.
// Its library is loaded here, when a text first needs it, not with the
// program: loading it (and marisa's, which it needs) took about a
// millisecond of every start of every command, for the few bulletins in
// Traditional.
const OpenCc* OpenCcConverter() {
  static const OpenCc* const cc = []() -> const OpenCc* {
    void* library = ::dlopen(CNCERT_OPENCC_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) return nullptr;  // never closed
    const auto open = Symbol<decltype(&opencc_open)>(library, "opencc_open");
    OpenCc loaded;
    loaded.convert =
        Symbol<decltype(&opencc_convert_utf8)>(library, "opencc_convert_utf8");
    loaded.free = Symbol<decltype(&opencc_convert_utf8_free)>(
        library, "opencc_convert_utf8_free");
    if (open == nullptr || loaded.convert == nullptr || loaded.free == nullptr)
      return nullptr;
    loaded.converter = open(OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP);
    // OpenCC reports failure as (opencc_t)-1.
    // NOLINTNEXTLINE(performance-no-int-to-ptr)
    const auto failed = reinterpret_cast<opencc_t>(-1);
    if (loaded.converter == failed) return nullptr;
    return new OpenCc(loaded);
  }();
  return cc;
}

}  // namespace

char32_t ToSimplified(char32_t cp) {
  if (cp < 0x4E00) return cp;
  const auto& table = Table();
  const auto it = std::lower_bound(table.begin(), table.end(),
                                   std::make_pair(cp, char32_t{0}));
  return it != table.end() && it->first == cp ? it->second : cp;
}

// One bit each, for a fast scan.
const std::bitset<0x10000>& TraditionalMarkers() {
  static const auto* const bits = [] {
    auto* b = new std::bitset<0x10000>();
    for (const auto& [traditional, simplified] : Table()) {
      if (traditional < 0x10000) b->set(traditional);
    }
    return b;
  }();
  return *bits;
}

bool LooksTraditional(std::string_view utf8_text) {
  int markers = 0;
  std::size_t pos = 0;
  while (pos < utf8_text.size() && markers < kTraditionalTrace) {
    // Only 3-byte sequences (U+0800..U+FFFF) can be Han characters of the
    // table.
    if (static_cast<unsigned char>(utf8_text[pos]) < 0xE0) {
      ++pos;
      continue;
    }
    if (IsTraditionalMarker(utf8::Next(utf8_text, pos))) ++markers;
  }
  return markers >= kTraditionalTrace;
}

std::string TraditionalToSimplified(std::string_view utf8_text) {
  if (!LooksTraditional(utf8_text)) return std::string(utf8_text);
  // OpenCC reads a sequence's length from its first byte and runs past the
  // end of a text cut inside one (heap overflow seen by fuzzing, OpenCC
  // 1.1.6): it is handed valid UTF-8 only.
  const OpenCc* cc = utf8::IsValid(utf8_text) ? OpenCcConverter() : nullptr;
  if (cc != nullptr) {
    static std::mutex mutex;  // OpenCC does not promise thread safety
    std::lock_guard<std::mutex> lock(mutex);
    const std::string input(utf8_text);
    if (char* converted =
            cc->convert(cc->converter, input.data(), input.size())) {
      std::string out(converted);
      cc->free(converted);
      return out;
    }
  }
  std::string out;
  out.reserve(utf8_text.size());
  std::size_t pos = 0;
  while (pos < utf8_text.size())
    utf8::Append(out, ToSimplified(utf8::Next(utf8_text, pos)));
  return out;
}

}  // namespace cncert
