// Traditional characters that occur in the bulletin's vocabulary. A rewrite was
// seen converted to Traditional; the rules are written in Simplified.
#include <algorithm>
#include <array>
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
    "織织組组協协議议約约會会員员領领導导務务門门戶户臺台雜杂";

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

}  // namespace

char32_t ToSimplified(char32_t cp) {
  if (cp < 0x4E00) return cp;
  static const auto* const kTable =
      new std::vector<std::pair<char32_t, char32_t>>(BuildTable());
  const auto it = std::lower_bound(
      kTable->begin(), kTable->end(), std::make_pair(cp, char32_t{0}));
  return it != kTable->end() && it->first == cp ? it->second : cp;
}

}  // namespace cncert
