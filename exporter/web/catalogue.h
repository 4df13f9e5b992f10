// The bulletin's own names for its sections and figures, for pages that
// people read: 网站安全情况 rather than `website`, 境内被篡改网站数量 beside
// cncert_defaced_websites.
#ifndef CNCERT_EXPORTER_WEB_CATALOGUE_H_
#define CNCERT_EXPORTER_WEB_CATALOGUE_H_

#include <string_view>

namespace cncert {

// The heading of a rules section ("" for an unknown one).
std::string_view SectionTitle(std::string_view section);

// The Chinese name of a series, by its key (SeriesKey); "" when unknown.
std::string_view FigureName(std::string_view series_key);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_WEB_CATALOGUE_H_
