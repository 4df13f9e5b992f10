// The closed set of value transforms the rules may name.
#ifndef CNCERT_PARSERS_TRANSFORMS_H_
#define CNCERT_PARSERS_TRANSFORMS_H_

#include <optional>
#include <string>
#include <string_view>

namespace cncert {

// "14.5万" → 145000, "1,234" → 1234, "112万个" → 1120000, "三十" → 30,
// "1.2亿" → 120000000. Trailing unit words (个, 起, 台) are ignored. Decimal
// scaling is done on the digits so that "59.7" scales to exactly 0.597.
std::optional<double> ParseChineseNumber(std::string_view text);

// "1.6%" or "1.6" → 0.016; nothing outside 0–100 %.
std::optional<double> ParsePercent(std::string_view text);

// Sign of a week-over-week change word: +1 (上升, 增长, 增加…), -1 (下降,
// 减少, 下跌, 降幅…), 0 (持平); nullopt when the word says no direction.
std::optional<int> ChangeDirection(std::string_view word);

}  // namespace cncert

#endif  // CNCERT_PARSERS_TRANSFORMS_H_
