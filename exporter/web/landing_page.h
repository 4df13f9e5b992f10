// The HTML page at "/": what this exporter is, the newest bulletin with its
// key figures, and links, as exporter-toolkit's landing page.
#ifndef CNCERT_EXPORTER_WEB_LANDING_PAGE_H_
#define CNCERT_EXPORTER_WEB_LANDING_PAGE_H_

#include <string>

#include "exporter/core/snapshot.h"

namespace cncert {

std::string RenderLandingPage(const Snapshot* snapshot,
                              const std::string& telemetry_path);

std::string HtmlEscape(std::string_view text);

}  // namespace cncert

#endif  // CNCERT_EXPORTER_WEB_LANDING_PAGE_H_
