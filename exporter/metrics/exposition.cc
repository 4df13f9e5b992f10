#include "exporter/metrics/exposition.h"

#include <charconv>
#include <cmath>

namespace cncert {

namespace {

void AppendEscaped(std::string& out, std::string_view s, bool quote_escape) {
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote_escape) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

const char* TypeName(MetricType type, bool openmetrics) {
  switch (type) {
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kCounter:
      return "counter";
    case MetricType::kInfo:
      return openmetrics ? "info" : "gauge";
  }
  return "gauge";
}

}  // namespace

std::string MetricFamily::SampleName() const {
  if (type == MetricType::kCounter) return name + "_total";
  if (type == MetricType::kInfo) return name + "_info";
  return name;
}

std::string FormatSampleValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, result.ptr);
}

std::string RenderText(const std::vector<MetricFamily>& families) {
  std::string out;
  for (const auto& f : families) {
    if (f.samples.empty()) continue;
    const std::string sample_name = f.SampleName();
    out += "# HELP " + sample_name + " ";
    AppendEscaped(out, f.help, false);
    out += "\n# TYPE " + sample_name + " " + TypeName(f.type, false) + "\n";
    for (const auto& s : f.samples) {
      out += SeriesKey(sample_name, s.labels);
      out += ' ';
      out += FormatSampleValue(s.value);
      if (s.timestamp_seconds) {
        out += ' ' + std::to_string(*s.timestamp_seconds * 1000);
      }
      out += '\n';
    }
  }
  return out;
}

std::string RenderOpenMetrics(const std::vector<MetricFamily>& families,
                              bool eof) {
  std::string out;
  for (const auto& f : families) {
    if (f.samples.empty()) continue;
    out += "# HELP " + f.name + " ";
    AppendEscaped(out, f.help, true);
    out += "\n# TYPE " + f.name + " " + TypeName(f.type, true) + "\n";
    if (!f.unit.empty()) out += "# UNIT " + f.name + " " + f.unit + "\n";
    const std::string sample_name = f.SampleName();
    for (const auto& s : f.samples) {
      out += SeriesKey(sample_name, s.labels);
      out += ' ';
      out += FormatSampleValue(s.value);
      if (s.timestamp_seconds)
        out += ' ' + std::to_string(*s.timestamp_seconds);
      out += '\n';
    }
  }
  if (eof) out += "# EOF\n";
  return out;
}

}  // namespace cncert
