#include "exporter/web/pages.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "exporter/metrics/exposition.h"
#include "exporter/version.h"
#include "exporter/web/catalogue.h"
#include "parsers/bulletin_json.h"
#include "parsers/strings.h"

namespace cncert {

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
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

namespace {

// Where Home() puts the exporter's live state.
constexpr std::string_view kLiveState = "<!--live-->\n";

std::string TimeOf(double unix_seconds) {
  if (unix_seconds <= 0) return "never";
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

// Two bulletins further apart than this leave a gap between them.
constexpr long long kWeekGap = 8LL * 86400;

std::string Esc(std::string_view s) { return HtmlEscape(s); }

// "1 bulletin", "2 bulletins", "0 bulletins".
std::string Counted(std::size_t n, std::string_view one,
                    std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

bool IsRatio(const std::string& metric) { return metric.ends_with("_ratio"); }

// A value as the bulletin says it: shares in %, ratings as their words.
std::string Shown(const std::string& metric, double v) {
  if (metric == "cncert_security_posture_rating") {
    static const char* words[] = {"?", "优", "良", "中", "差"};
    const int i = static_cast<int>(v);
    return i >= 1 && i <= 4 ? words[i] : FormatNumber(v);
  }
  if (metric == "cncert_cnvd_threat_rating") {
    static const char* words[] = {"?", "低", "中", "高"};
    const int i = static_cast<int>(v);
    return i >= 1 && i <= 3 ? words[i] : FormatNumber(v);
  }
  if (IsRatio(metric)) return Fixed(v * 100, 1) + " %";
  return FormatNumber(v);
}

std::string DateOf(long long t) {
  const std::time_t tt = static_cast<std::time_t>(t + 8LL * 3600);  // UTC+8
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// Only web links: a bulletin's "url: javascript:…" must not become one.
bool IsWebUrl(const std::string& url) {
  const std::string scheme = LowerAscii(url.substr(0, 8));
  return scheme.starts_with("http://") || scheme.starts_with("https://");
}

// The sentence of a value with its figure marked.
std::string Highlighted(const Bulletin& b, const Provenance& p) {
  const std::string_view sentence = SentenceAround(b, p);
  if (sentence.empty()) return "";
  const std::size_t at = sentence.data() - b.text.data();
  if (p.value_end <= p.value_begin || p.value_begin < at ||
      p.value_end > at + sentence.size()) {
    return Esc(sentence);
  }
  const std::size_t from = p.value_begin - at;
  const std::size_t to = p.value_end - at;
  return Esc(sentence.substr(0, from)) + "<mark>" +
         Esc(sentence.substr(from, to - from)) + "</mark>" +
         Esc(sentence.substr(to));
}

// Rating colours: light to dark, readable with black text.
const char* RatingColour(const std::string& metric, double v) {
  const int i = static_cast<int>(v);
  if (metric == "cncert_security_posture_rating") {
    static const char* c[] = {"#ccc", "#2e9e5b", "#8cc56b", "#f0b429",
                              "#d64545"};
    return i >= 1 && i <= 4 ? c[i] : c[0];
  }
  static const char* c[] = {"#ccc", "#8cc56b", "#f0b429", "#d64545"};
  return i >= 1 && i <= 3 ? c[i] : c[0];
}

}  // namespace

std::string Pages::FigureSlug(const std::string& metric, const Labels& labels) {
  std::string slug = metric;
  for (const auto& [name, value] : labels) slug += ":" + value;
  return slug;
}

const std::string& Pages::Icon() {
  static const std::string icon =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\">"
      "<rect width=\"16\" height=\"16\" rx=\"3\" fill=\"#0550ae\"/>"
      "<polyline points=\"2,12 6,7 9,10 14,3\" fill=\"none\" stroke=\"#fff\" "
      "stroke-width=\"2\"/></svg>";
  return icon;
}

const std::string& Pages::Css() {
  static const std::string css =
      ":root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--accent:#0550ae}"
      "*{box-sizing:border-box}"
      "body{font-family:system-ui,\"Noto Sans CJK SC\",\"WenQuanYi Micro "
      "Hei\",sans-serif;color:var(--fg);margin:0 auto;padding:1em;"
      "max-width:72em;line-height:1.45}"
      "header nav a,footer a{margin-right:1em}"
      "a{color:var(--accent)}h1{font-size:1.5em;margin:.3em 0}"
      "h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid "
      "var(--line)}"
      ".wrap{overflow-x:auto;max-width:100%}"
      "table{border-collapse:collapse;width:100%}"
      "th,td{border-bottom:1px solid var(--line);padding:.3em .5em;"
      "text-align:left;vertical-align:top}"
      "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;"
      "white-space:nowrap}"
      "code{font-size:.85em;color:var(--muted);overflow-wrap:anywhere}"
      ".muted{color:var(--muted)}mark{background:#ffe08a;color:inherit}"
      ".up{color:#a40e26}.down{color:#116329}"
      "svg{display:block;max-width:100%;height:auto}"
      ".legend span{display:inline-block;padding:0 .4em;margin-right:.3em;"
      "color:#000}"
      // Phones: lists lose their secondary columns; a figure's row wraps
      // so that its chart sits under its name.
      "@media (max-width:40em){body{padding:.5em}.wide{display:none}"
      "table.figures thead{display:none}"
      "table.figures tr{display:grid;grid-template-columns:1fr auto auto;"
      "border-bottom:1px solid var(--line)}"
      "table.figures td{border:0}"
      "table.figures td.wide{display:block;grid-column:1/-1;padding-top:0}}";
  return css;
}

Pages::Pages(std::shared_ptr<const Snapshot> snapshot,
             std::string telemetry_path)
    : snapshot_(std::move(snapshot)),
      telemetry_path_(std::move(telemetry_path)) {
  const auto now =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  made_at_ = buf;
  if (snapshot_) {
    for (const ArchiveFile* f : snapshot_->view.bulletins) {
      const auto t =
          BulletinTimestamp(*f->bulletin, TimestampSource::kPeriodEnd);
      if (!t) continue;
      by_issue_.emplace(f->bulletin->identity.IssueLabel(), bulletins_.size());
      bulletins_.push_back(f);
      times_.push_back(*t);
      issues_.push_back(f->bulletin->identity.IssueLabel());
    }
    for (const Rule& rule : snapshot_->rules->rules) {
      const std::string key = SeriesKey(rule.metric, rule.labels);
      if (std::any_of(series_.begin(), series_.end(),
                      [&](const Series& s) { return s.key == key; })) {
        continue;
      }
      Series s{key,
               FigureSlug(rule.metric, rule.labels),
               rule.metric,
               rule.section,
               {}};
      for (const ArchiveFile* f : bulletins_) {
        const Value* v = f->bulletin->Find(rule.metric.str(), rule.labels);
        s.values.push_back(v ? std::optional<double>(v->value) : std::nullopt);
      }
      series_.push_back(std::move(s));
    }
  }
  home_ = RenderHome();
  history_json_ = RenderHistoryJson();
}

std::string Pages::Head(const std::string& title) const {
  return "<!DOCTYPE html>\n<html lang=\"zh-Hans\"><head><meta "
         "charset=\"utf-8\"><meta name=\"viewport\" "
         "content=\"width=device-width,initial-scale=1\"><title>" +
         Esc(title) +
         "</title><link rel=\"stylesheet\" href=\"/style.css\"><link "
         "rel=\"icon\" "
         "href=\"/favicon.svg\"></head><body>"
         "\n<header><nav aria-label=\"pages\"><a href=\"/\">Figures</a><a "
         "href=\"/bulletins\">Bulletins</a><a href=\"" +
         Esc(telemetry_path_) +
         "\">Metrics</a><a href=\"/api/v1/bulletins\">JSON</a></nav></header>"
         "\n<main>\n";
}

std::string Pages::BulletinLink(std::size_t i) const {
  return "<a href=\"/bulletins/" + Esc(issues_[i]) + "\">" + Esc(issues_[i]) +
         "</a>";
}

const Pages::Series* Pages::FindSeries(std::string_view slug) const {
  for (const Series& s : series_) {
    if (s.slug == slug) return &s;
  }
  return nullptr;
}

// The history of a series: lines through consecutive weeks, broken where a
// week is missing or states no value; at most one point per pixel column.
std::string Pages::Sparkline(const Series& s, int width, int height,
                             bool axes) const {
  double lo = 0;
  double hi = 0;
  bool any = false;
  for (const auto& v : s.values) {
    if (!v) continue;
    lo = any ? std::min(lo, *v) : *v;
    hi = any ? std::max(hi, *v) : *v;
    any = true;
  }
  const std::string name(FigureName(s.key));
  std::string label = (name.empty() ? s.key : name) + ": ";
  if (!any) {
    return "<span class=\"muted\">no history</span>";
  }
  label += "history of " +
           std::to_string(
               std::count_if(s.values.begin(), s.values.end(),
                             [](const auto& v) { return v.has_value(); })) +
           " weeks, from " + Shown(s.metric, lo) + " to " + Shown(s.metric, hi);
  const int pad = axes ? 4 : 2;
  const int left = axes ? 60 : pad;
  const int bottom = axes ? 18 : pad;
  const long long t0 = times_.front();
  const long long t1 = times_.back();
  auto x = [&](long long t) {
    if (t1 == t0) return static_cast<double>(width + left - pad) / 2;
    return left + static_cast<double>(t - t0) / static_cast<double>(t1 - t0) *
                      (width - left - pad);
  };
  auto y = [&](double v) {
    if (hi == lo) return static_cast<double>(height - bottom + pad) / 2;
    return pad + (hi - v) / (hi - lo) * (height - bottom - pad);
  };
  std::string svg = "<svg viewBox=\"0 0 " + std::to_string(width) + " " +
                    std::to_string(height) + "\" width=\"" +
                    std::to_string(width) + "\" height=\"" +
                    std::to_string(height) + "\" role=\"img\" aria-label=\"" +
                    Esc(label) + "\"><title>" + Esc(label) + "</title>";
  if (axes) {
    svg += "<text x=\"0\" y=\"12\" font-size=\"11\">" +
           Esc(Shown(s.metric, hi)) + "</text><text x=\"0\" y=\"" +
           std::to_string(height - bottom) + "\" font-size=\"11\">" +
           Esc(Shown(s.metric, lo)) + "</text><text x=\"" +
           std::to_string(left) + "\" y=\"" + std::to_string(height - 4) +
           "\" font-size=\"11\">" + DateOf(t0) + "</text><text x=\"" +
           std::to_string(width - pad) + "\" y=\"" +
           std::to_string(height - 4) +
           "\" font-size=\"11\" text-anchor=\"end\">" + DateOf(t1) +
           "</text><line x1=\"" + std::to_string(left) + "\" y1=\"" +
           std::to_string(height - bottom) + "\" x2=\"" +
           std::to_string(width - pad) + "\" y2=\"" +
           std::to_string(height - bottom) + "\" stroke=\"#d0d7de\"/>";
  }
  std::vector<std::pair<double, double>> run;
  auto flush = [&] {
    if (run.size() == 1) {
      svg += "<circle cx=\"" + Fixed(run[0].first, 1) + "\" cy=\"" +
             Fixed(run[0].second, 1) + "\" r=\"1.5\" fill=\"#0550ae\"/>";
    } else if (run.size() > 1) {
      svg +=
          "<polyline fill=\"none\" stroke=\"#0550ae\" stroke-width=\"1.5\" "
          "points=\"";
      for (std::size_t i = 0; i < run.size(); ++i) {
        if (i) svg += ' ';
        svg += Fixed(run[i].first, 1) + "," + Fixed(run[i].second, 1);
      }
      svg += "\"/>";
    }
    run.clear();
  };
  for (std::size_t i = 0; i < s.values.size(); ++i) {
    const bool gap = i > 0 && times_[i] - times_[i - 1] > kWeekGap;
    if (!s.values[i] || gap) flush();
    if (!s.values[i]) continue;
    const double px = x(times_[i]);
    const double py = y(*s.values[i]);
    // One point per pixel column: the latest week of it.
    if (!run.empty() && std::floor(run.back().first) == std::floor(px)) {
      run.back() = {px, py};
    } else {
      run.emplace_back(px, py);
    }
  }
  flush();
  if (s.values.back()) {
    svg += "<circle cx=\"" + Fixed(x(times_.back()), 1) + "\" cy=\"" +
           Fixed(y(*s.values.back()), 1) + "\" r=\"2.5\" fill=\"#0550ae\"/>";
  }
  return svg + "</svg>";
}

// A rating over time: one coloured bar per week (merged per pixel).
std::string Pages::RatingStrip(const Series& s) const {
  constexpr int kWidth = 720;
  constexpr int kHeight = 24;
  constexpr long long kWeek = 7LL * 86400;
  const long long t0 = times_.front();
  // At least a week wide, so that one bulletin is one bar, not all.
  const long long t1 = std::max(times_.back(), t0) + kWeek;
  const std::string name(FigureName(s.key));
  std::string svg =
      "<svg viewBox=\"0 0 " + std::to_string(kWidth) + " " +
      std::to_string(kHeight) + "\" width=\"" + std::to_string(kWidth) +
      "\" height=\"" + std::to_string(kHeight) +
      "\" role=\"img\" aria-label=\"" + Esc(name) + ", " + DateOf(t0) + " – " +
      DateOf(times_.back()) + "\"><title>" + Esc(name) + "</title>";
  const double week = std::max(
      1.0, static_cast<double>(kWeek) / static_cast<double>(t1 - t0) * kWidth);
  int last_column = -1;
  for (std::size_t i = 0; i < s.values.size(); ++i) {
    if (!s.values[i]) continue;
    const double px = static_cast<double>(times_[i] - t0) /
                      static_cast<double>(t1 - t0) * kWidth;
    if (static_cast<int>(px) == last_column) continue;
    last_column = static_cast<int>(px);
    svg += "<rect x=\"" + Fixed(px, 1) + "\" y=\"0\" width=\"" +
           Fixed(week, 1) + "\" height=\"" + std::to_string(kHeight) +
           "\" fill=\"" + RatingColour(s.metric, *s.values[i]) + "\"><title>" +
           issues_[i] + ": " + Shown(s.metric, *s.values[i]) +
           "</title></rect>";
  }
  return svg + "</svg>";
}

std::string Pages::RenderHome() const {
  std::string html = Head("CNCERT 网络安全信息与动态周报 · cncert_exporter");
  html += "<h1>网络安全信息与动态周报</h1>\n";
  if (bulletins_.empty()) {
    html +=
        "<p><strong>No bulletin loaded yet.</strong> Put bulletins into "
        "the archive directory, or let the exporter fetch them.</p>\n";
  } else {
    const std::size_t n = bulletins_.size() - 1;
    const Bulletin& b = *bulletins_[n]->bulletin;
    const Identity& id = b.identity;
    html += "<p>Newest: <a href=\"/bulletins/" + Esc(issues_[n]) + "\">" +
            Esc(id.title.empty() ? issues_[n] : id.title) + "</a>";
    if (id.period_start && id.period_end) {
      html += " · " + FormatDate(*id.period_start) + " – " +
              FormatDate(*id.period_end);
    }
    if (id.published) html += " · published " + FormatDate(*id.published);
    html += " · <code>" + Esc(bulletins_[n]->name) + "</code></p>\n";
    // Ratings over time.
    html += "<h2>评价 · Ratings over time</h2>\n";
    for (const Series& s : series_) {
      if (!s.metric.ends_with("_rating")) continue;
      html += "<p>" + Esc(FigureName(s.key)) + " <code>" + Esc(s.key) +
              "</code></p><div class=\"wrap\">" + RatingStrip(s) + "</div>\n";
    }
    html +=
        "<p class=\"legend muted\">态势 posture: 优 green, 良 light green, "
        "中 amber, 差 red · 威胁 threat: 低 light green, 中 amber, 高 red. "
        "Each bar's title names its week; the bulletin pages list every "
        "value.</p>\n";
    std::string section;
    for (const Series& s : series_) {
      if (s.section != section) {
        if (!section.empty()) html += "</tbody></table></div>\n";
        section = s.section;
        html += "<h2>" + Esc(SectionTitle(section)) +
                " <span "
                "class=\"muted\">· " +
                Esc(section) +
                "</span></h2>\n"
                "<div class=\"wrap\"><table class=\"figures\"><thead><tr>"
                "<th>Figure</th><th class=\"num\">This week</th><th "
                "class=\"num\">Change"
                "</th><th class=\"wide\">History</th></tr></thead><tbody>\n";
      }
      const auto& last = s.values[n];
      // Last week's value, when last week is in the archive.
      const bool adjacent = n > 0 && times_[n] - times_[n - 1] <= kWeekGap &&
                            s.values[n - 1].has_value();
      const double previous = adjacent ? s.values[n - 1].value_or(0) : 0;
      html += "<tr><td><a href=\"/figures/" + Esc(s.slug) + "\">" +
              Esc(FigureName(s.key).empty() ? s.key : FigureName(s.key)) +
              "</a><br><code>" + Esc(s.key) + "</code></td><td class=\"num\">" +
              (last ? Esc(Shown(s.metric, *last)) : "—") +
              "</td><td class=\"num\">";
      if (last && adjacent && !s.metric.ends_with("_rating")) {
        const double delta = *last - previous;
        const std::string sign = delta > 0 ? "+" : delta < 0 ? "−" : "±";
        html +=
            "<span class=\"" +
            std::string(delta > 0   ? "up"
                        : delta < 0 ? "down"
                                    : "") +
            "\">" + sign +
            (IsRatio(s.metric)
                 ? Fixed(std::fabs(delta) * 100, 1) + " pt"
                 : FormatNumber(std::fabs(delta)) +
                       (previous != 0 ? " <span class=\"wide\">(" +
                                            Fixed(std::fabs(delta) /
                                                      std::fabs(previous) * 100,
                                                  1) +
                                            " %)</span>"
                                      : "")) +
            "</span>";
      } else {
        html += "—";
      }
      html += "</td><td class=\"wide\"><a href=\"/figures/" + Esc(s.slug) +
              "\">" + Sparkline(s, 200, 36, false) + "</a></td></tr>\n";
    }
    if (!section.empty()) html += "</tbody></table></div>\n";
  }
  // The archive's state.
  const ArchiveView* view = snapshot_ ? &snapshot_->view : nullptr;
  html += "<h2>Archive</h2>\n<p>" +
          Counted(bulletins_.size(), "bulletin", "bulletins");
  if (view) {
    std::size_t waiting = 0;
    for (const ArchiveFile& f : view->files)
      waiting += f.pending_images ? 1 : 0;
    html += ", " + Counted(view->failed.size(), "failed file", "failed files") +
            ", " + std::to_string(view->held_back.size()) + " held back, " +
            Counted(view->duplicates.size(), "duplicate", "duplicates") + ", " +
            std::to_string(view->pending.size()) + " being written, " +
            std::to_string(waiting) + " waiting for their images to be read";
  }
  html += ".</p>\n" + std::string(kLiveState);
  if (view && !view->failed.empty()) {
    html +=
        "<div class=\"wrap\"><table><thead><tr><th>Failed file</th>"
        "<th>Reason</th></tr></thead><tbody>\n";
    std::size_t shown = 0;
    for (const ArchiveFile* f : view->failed) {
      if (++shown > 50) break;
      html += "<tr><td><code>" + Esc(f->name) + "</code></td><td>" +
              Esc(FailureName(f->bulletin->failure)) + ": " +
              Esc(f->bulletin->errors.empty() ? "" : f->bulletin->errors[0]) +
              "</td></tr>\n";
    }
    html += "</tbody></table></div>\n";
    if (view->failed.size() > 50) {
      html += "<p>… and " + std::to_string(view->failed.size() - 50) +
              " more (<a href=\"/api/v1/bulletins\">all in JSON</a>).</p>\n";
    }
  }
  if (view && !view->held_back.empty()) {
    html += "<ul>\n";
    for (const auto& [f, reason] : view->held_back) {
      html += "<li>held back <code>" + Esc(f->name) +
              "</code>: " + Esc(HoldBackName(reason)) + "</li>\n";
    }
    html += "</ul>\n";
  }
  html += "</main>\n<footer><p class=\"muted\">cncert_exporter " +
          std::string(kVersion) +
          " · <a href=\"/-/healthy\">health</a> <a "
          "href=\"/-/ready\">readiness</a> <a "
          "href=\"/api/v1/history\">history JSON</a></p></footer>\n"
          "</body></html>\n";
  return html;
}

std::string Pages::Home(const SelfMetrics::Status& status) const {
  std::string live = "<p>Last reload " + TimeOf(status.last_reload) +
                     " · last successful fetch " + TimeOf(status.last_fetch) +
                     " · images read " + std::to_string(status.images_read) +
                     ", waiting " + std::to_string(status.ocr_backlog) +
                     " · pages made " + made_at_ + "</p>\n";
  std::string html = home_;
  const std::size_t at = html.find(kLiveState);
  if (at != std::string::npos) html.replace(at, kLiveState.size(), live);
  return html;
}

const std::string& Pages::BulletinList() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!list_.empty()) return list_;
  std::string html = Head("Bulletins · cncert_exporter");
  html += "<h1>Bulletins</h1>\n<p>" +
          Counted(bulletins_.size(), "bulletin", "bulletins") +
          (bulletins_.size() != 1 ? ", newest first" : "") +
          ".</p>\n<div class=\"wrap\"><table><thead>"
          "<tr><th>Issue</th><th>Period</th><th class=\"wide\">Channel</th>"
          "<th class=\"wide\">File</th><th class=\"num\">Figures</th>"
          "<th class=\"num\">Warnings</th></tr></thead><tbody>\n";
  for (std::size_t i = bulletins_.size(); i-- > 0;) {
    const Bulletin& b = *bulletins_[i]->bulletin;
    const Identity& id = b.identity;
    html +=
        "<tr><td>" + BulletinLink(i) + "</td><td>" +
        (id.period_start && id.period_end
             ? FormatDate(*id.period_start) + " – " + FormatDate(*id.period_end)
             : "—") +
        "</td><td class=\"wide\">" + Esc(b.format) +
        "</td><td class=\"wide\"><code>" + Esc(bulletins_[i]->name) +
        "</code></td><td class=\"num\">" + std::to_string(b.values.size()) +
        "</td><td class=\"num\">" + std::to_string(b.warnings.size()) +
        "</td></tr>\n";
  }
  html += "</tbody></table></div>\n</main></body></html>\n";
  list_ = std::move(html);
  return list_;
}

std::optional<std::string> Pages::BulletinPage(std::string_view issue) {
  const auto it = by_issue_.find(issue);
  if (it == by_issue_.end()) return std::nullopt;
  std::lock_guard<std::mutex> lock(mutex_);
  if (const auto done = bulletin_pages_.find(issue);
      done != bulletin_pages_.end()) {
    return done->second;
  }
  const std::size_t i = it->second;
  const ArchiveFile& file = *bulletins_[i];
  const std::shared_ptr<const Bulletin> whole = file.WithText();  // sentences
  const Bulletin& b = *whole;
  const Identity& id = b.identity;
  std::string html = Head(issues_[i] + " · " + id.title);
  html += "<h1>" + Esc(id.title.empty() ? issues_[i] : id.title) + "</h1>\n";
  html += "<p>";
  if (i > 0) html += "← " + BulletinLink(i - 1) + " · ";
  html += "issue " + Esc(issues_[i]);
  if (i + 1 < bulletins_.size()) html += " · " + BulletinLink(i + 1) + " →";
  html += "</p>\n<p>";
  if (id.period_start && id.period_end) {
    html += FormatDate(*id.period_start) + " – " + FormatDate(*id.period_end) +
            " · ";
  }
  if (id.published) html += "published " + FormatDate(*id.published) + " · ";
  html += Esc(b.format) + ", " + Esc(b.encoding) + " · <code>" +
          Esc(file.name) + "</code>";
  if (IsWebUrl(id.url)) {
    html += " · <a href=\"" + Esc(id.url) + "\" rel=\"noreferrer\">source</a>";
  }
  html +=
      " · <a href=\"/api/v1/bulletins/" + Esc(issues_[i]) + "\">JSON</a></p>\n";
  html +=
      "<div class=\"wrap\"><table><thead><tr><th>Figure</th><th "
      "class=\"num\">Value</th><th>Stated as</th><th "
      "class=\"wide\">Rule</th></tr></thead><tbody>\n";
  for (const Value& v : b.values) {
    const std::string key = SeriesKey(v.metric, v.labels);
    const Provenance& p = v.provenance;
    html += "<tr><td><a href=\"/figures/" +
            Esc(FigureSlug(v.metric, v.labels)) + "\">" +
            Esc(FigureName(key).empty() ? key : FigureName(key)) +
            "</a><br><code>" + Esc(key) + "</code></td><td class=\"num\">" +
            Esc(Shown(v.metric, v.value)) + "</td><td>" + Highlighted(b, p);
    if (const std::string& image = ImageOf(b, p); !image.empty()) {
      html += "<br><span class=\"muted\">read from image <code>" + Esc(image) +
              "</code>";
      if (p.confidence()) {
        html += ", OCR confidence " + FormatNumber(std::round(*p.confidence()));
      }
      html += "</span>";
    }
    html += "</td><td class=\"wide\"><code>" + Esc(RuleName(v)) +
            "</code> in " + Esc(p.section.str()) + "</td></tr>\n";
  }
  html += "</tbody></table></div>\n";
  if (!b.warnings.empty()) {
    html += "<h2>Warnings</h2>\n<ul>\n";
    for (const auto& w : b.warnings) html += "<li>" + Esc(w) + "</li>\n";
    html += "</ul>\n";
  }
  if (!b.images.empty()) {
    html += "<h2>Images</h2>\n<ul>\n";
    for (const auto& image : b.images) {
      html += "<li><code>" + Esc(image.src) +
              "</code>: " + Esc(ImageStatusName(image.status)) +
              (image.reason.empty() ? "" : " (" + Esc(image.reason) + ")") +
              (image.figures ? ", " + std::to_string(image.figures) + " figures"
                             : "") +
              "</li>\n";
    }
    html += "</ul>\n";
  }
  html += "</main></body></html>\n";
  return bulletin_pages_.emplace(std::string(issue), std::move(html))
      .first->second;
}

std::optional<std::string> Pages::FigurePage(std::string_view slug) {
  const Series* s = FindSeries(slug);
  if (!s) return std::nullopt;
  std::lock_guard<std::mutex> lock(mutex_);
  if (const auto done = figure_pages_.find(slug); done != figure_pages_.end()) {
    return done->second;
  }
  const std::string name(FigureName(s->key));
  std::string html =
      Head((name.empty() ? s->key : name) + " · cncert_exporter");
  html += "<h1>" + Esc(name.empty() ? s->key : name) + "</h1>\n<p><code>" +
          Esc(s->key) + "</code> · " + Esc(SectionTitle(s->section)) + "</p>\n";
  const std::string help = snapshot_->rules->Help(s->metric);
  if (!help.empty()) html += "<p class=\"muted\">" + Esc(help) + "</p>\n";
  if (!bulletins_.empty()) {
    html += "<div class=\"wrap\">" + Sparkline(*s, 720, 220, true) + "</div>\n";
  }
  html +=
      "<h2>Every week</h2>\n<div class=\"wrap\"><table><thead><tr>"
      "<th>Week ending</th><th>Issue</th><th class=\"num\">Value</th>"
      "</tr></thead><tbody>\n";
  for (std::size_t i = bulletins_.size(); i-- > 0;) {
    html += "<tr><td>" + DateOf(times_[i]) + "</td><td>" + BulletinLink(i) +
            "</td><td class=\"num\">" +
            (s->values[i] ? Esc(Shown(s->metric, *s->values[i])) : "—") +
            "</td></tr>\n";
  }
  html += "</tbody></table></div>\n</main></body></html>\n";
  return figure_pages_.emplace(std::string(slug), std::move(html))
      .first->second;
}

std::string Pages::RenderHistoryJson() const {
  nlohmann::json weeks = nlohmann::json::array();
  for (std::size_t i = 0; i < bulletins_.size(); ++i) {
    weeks.push_back({{"issue", issues_[i]},
                     {"week_end", DateOf(times_[i])},
                     {"timestamp", times_[i]},
                     {"file", bulletins_[i]->name}});
  }
  nlohmann::json series = nlohmann::json::array();
  for (const Series& s : series_) {
    nlohmann::json values = nlohmann::json::array();
    for (const auto& v : s.values)
      values.push_back(v ? nlohmann::json(*v) : nullptr);
    series.push_back({{"series", s.key},
                      {"figure", s.slug},
                      {"name", std::string(FigureName(s.key))},
                      {"section", s.section},
                      {"values", values}});
  }
  return nlohmann::json{{"weeks", weeks}, {"series", series}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<std::string> Pages::BulletinJson(std::string_view issue) const {
  const auto it = by_issue_.find(issue);
  if (it == by_issue_.end()) return std::nullopt;
  const ArchiveFile& f = *bulletins_[it->second];
  return BulletinToJson(*f.WithText(), f.name, true)
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace cncert
