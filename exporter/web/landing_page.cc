#include "exporter/web/landing_page.h"

#include "exporter/metrics/exposition.h"
#include "exporter/version.h"
#include "parsers/strings.h"

namespace cncert {

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RenderLandingPage(const Snapshot* snapshot,
                              const std::string& telemetry_path) {
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>CNCERT Exporter</title>"
      "<style>body{font-family:sans-serif;margin:2em;max-width:60em}"
      "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em "
      ".6em;"
      "text-align:left}code{background:#f4f4f4}</style></head><body>\n"
      "<h1>CNCERT Exporter</h1>\n<p>Prometheus exporter for CNCERT's weekly "
      "bulletins "
      "(网络安全信息与动态周报), version " +
      std::string(kVersion) + ".</p>\n<ul>\n<li><a href=\"" +
      HtmlEscape(telemetry_path) +
      "\">Metrics</a></li>\n"
      "<li><a href=\"api/v1/bulletins/latest\">Newest bulletin (JSON, with "
      "provenance)</a></li>\n"
      "<li><a href=\"api/v1/bulletins\">All bulletins (JSON)</a></li>\n"
      "<li><a href=\"-/healthy\">Health</a> · <a "
      "href=\"-/ready\">Readiness</a></li>\n</ul>\n";
  const ArchiveFile* newest = snapshot ? snapshot->Newest() : nullptr;
  if (!newest) {
    html += "<p><strong>No bulletin loaded yet.</strong></p>\n";
  } else {
    const Bulletin& b = *newest->bulletin;
    const Identity& id = b.identity;
    html += "<h2>Newest bulletin</h2>\n<p>";
    // Only web links: a bulletin's "url: javascript:…" must not become one.
    const std::string scheme = LowerAscii(id.url.substr(0, 8));
    if (scheme.starts_with("http://") || scheme.starts_with("https://")) {
      html += "<a href=\"" + HtmlEscape(id.url) + "\">" + HtmlEscape(id.title) +
              "</a>";
    } else {
      html += HtmlEscape(id.title);
    }
    html += "<br>issue " + HtmlEscape(id.IssueLabel());
    if (id.period_start && id.period_end) {
      html += ", period " + FormatDate(*id.period_start) + " to " +
              FormatDate(*id.period_end);
    }
    if (id.published) html += ", published " + FormatDate(*id.published);
    html += "<br>file <code>" + HtmlEscape(newest->name) + "</code></p>\n";
    html += "<table><tr><th>Figure</th><th>Value</th><th>Stated as</th></tr>\n";
    for (const Value& v : b.values) {
      html += "<tr><td><code>" + HtmlEscape(SeriesKey(v.metric, v.labels)) +
              "</code></td><td>" + FormatSampleValue(v.value) + "</td><td>" +
              HtmlEscape(v.provenance.match) + "</td></tr>\n";
    }
    html += "</table>\n";
    if (!b.warnings.empty()) {
      html += "<h3>Warnings</h3><ul>\n";
      for (const auto& w : b.warnings)
        html += "<li>" + HtmlEscape(w) + "</li>\n";
      html += "</ul>\n";
    }
    html += "<p>" + std::to_string(snapshot->view.bulletins.size()) +
            " bulletins, " + std::to_string(snapshot->view.failed.size()) +
            " failed files.</p>\n";
  }
  html += "</body></html>\n";
  return html;
}

}  // namespace cncert
