#include "exporter/metrics/self_metrics.h"

#include <dirent.h>
#include <prometheus/text_serializer.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "exporter/version.h"

namespace cncert {

namespace {

prometheus::MetricFamily Single(const std::string& name,
                                const std::string& help,
                                prometheus::MetricType type, double value) {
  prometheus::MetricFamily family;
  family.name = name;
  family.help = help;
  family.type = type;
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family.metric.push_back(metric);
  return family;
}

double Now() {
  return std::chrono::duration<double>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> out;
  std::ifstream stat_file("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(stat_file)),
                   std::istreambuf_iterator<char>());
  // Fields after the command name, which may contain spaces: "(name) S ...".
  const auto close = stat.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(stat.substr(close + 2));
    std::vector<std::string> f;
    for (std::string x; fields >> x;) f.push_back(x);
    // f[0] is field 3 (state): utime is field 14, stime 15, starttime 22,
    // vsize 23, rss 24.
    if (f.size() > 21) {
      const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
      const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
      const double cpu = (std::stod(f[11]) + std::stod(f[12])) / ticks;
      out.push_back(Single("process_cpu_seconds_total",
                           "Total user and system CPU time spent in seconds.",
                           MetricType::Counter, cpu));
      out.push_back(Single("process_virtual_memory_bytes",
                           "Virtual memory size in bytes.", MetricType::Gauge,
                           std::stod(f[20])));
      out.push_back(Single("process_resident_memory_bytes",
                           "Resident memory size in bytes.", MetricType::Gauge,
                           std::stod(f[21]) * page));
      std::ifstream proc_stat("/proc/stat");
      for (std::string line; std::getline(proc_stat, line);) {
        if (line.starts_with("btime ")) {
          const double boot = std::stod(line.substr(6));
          out.push_back(
              Single("process_start_time_seconds",
                     "Start time of the process since unix epoch in seconds.",
                     MetricType::Gauge, boot + std::stod(f[19]) / ticks));
        }
      }
    }
  }
  double fds = 0;
  if (DIR* dir = opendir("/proc/self/fd")) {
    while (const dirent* e = readdir(dir)) {
      if (e->d_name[0] != '.') ++fds;
    }
    closedir(dir);
    --fds;  // the directory stream itself
  }
  out.push_back(Single("process_open_fds", "Number of open file descriptors.",
                       MetricType::Gauge, fds));
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    out.push_back(
        Single("process_max_fds", "Maximum number of open file descriptors.",
               MetricType::Gauge, static_cast<double>(limit.rlim_cur)));
  }
  return out;
}

SelfMetrics::SelfMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      parse_failures_(
          prometheus::BuildCounter()
              .Name("cncert_exporter_parse_failures_total")
              .Help("Archive files that failed to parse, by reason, counted "
                    "once per file version.")
              .Register(*registry_)),
      reloads_(prometheus::BuildCounter()
                   .Name("cncert_exporter_reloads_total")
                   .Help("Reloads of the archive and rules, successful or not.")
                   .Register(*registry_)
                   .Add({})),
      reload_failures_(
          prometheus::BuildCounter()
              .Name("cncert_exporter_reload_failures_total")
              .Help("Reloads that failed and kept the previous state.")
              .Register(*registry_)
              .Add({})),
      last_reload_successful_(
          prometheus::BuildGauge()
              .Name("cncert_exporter_last_reload_successful")
              .Help("Whether the last reload succeeded (1) or not (0).")
              .Register(*registry_)
              .Add({})),
      last_reload_success_time_(
          prometheus::BuildGauge()
              .Name("cncert_exporter_last_reload_success_timestamp_seconds")
              .Help("Time of the last successful reload, Unix seconds.")
              .Register(*registry_)
              .Add({})),
      last_reload_duration_(
          prometheus::BuildGauge()
              .Name("cncert_exporter_last_reload_duration_seconds")
              .Help("How long the last reload took.")
              .Register(*registry_)
              .Add({})),
      scrapes_rejected_(
          prometheus::BuildCounter()
              .Name("cncert_exporter_scrapes_rejected_total")
              .Help("Scrapes refused because --web.max-requests were running.")
              .Register(*registry_)
              .Add({})),
      fetch_attempts_(
          prometheus::BuildCounter()
              .Name("cncert_exporter_fetch_attempts_total")
              .Help("HTTP requests made to fetch bulletins, by source.")
              .Register(*registry_)),
      fetch_failures_(prometheus::BuildCounter()
                          .Name("cncert_exporter_fetch_failures_total")
                          .Help("Failed fetches by source and reason.")
                          .Register(*registry_)),
      fetch_last_success_(
          prometheus::BuildGauge()
              .Name("cncert_exporter_fetch_last_success_timestamp_seconds")
              .Help("Time of the last fully successful poll of a source.")
              .Register(*registry_)),
      bulletins_fetched_(
          prometheus::BuildCounter()
              .Name("cncert_exporter_bulletins_fetched_total")
              .Help(
                  "Bulletins fetched and written into the archive, by source.")
              .Register(*registry_)),
      images_seen_(prometheus::BuildCounter()
                       .Name("cncert_exporter_images_seen_total")
                       .Help("Content images of bulletins looked up for their "
                             "text (covers, avatars and QR codes are not).")
                       .Register(*registry_)
                       .Add({})),
      images_read_(prometheus::BuildCounter()
                       .Name("cncert_exporter_images_read_total")
                       .Help("Images read with OCR (not from the cache).")
                       .Register(*registry_)
                       .Add({})),
      image_failures_(prometheus::BuildCounter()
                          .Name("cncert_exporter_image_failures_total")
                          .Help("Images that gave no text, by reason.")
                          .Register(*registry_)),
      ocr_cache_hits_(prometheus::BuildCounter()
                          .Name("cncert_exporter_ocr_cache_hits_total")
                          .Help("Image lookups answered from the OCR cache.")
                          .Register(*registry_)
                          .Add({})),
      ocr_backlog_(prometheus::BuildGauge()
                       .Name("cncert_exporter_ocr_backlog")
                       .Help("Images waiting to be read by the OCR worker.")
                       .Register(*registry_)
                       .Add({})),
      ocr_seconds_(prometheus::BuildHistogram()
                       .Name("cncert_exporter_ocr_duration_seconds")
                       .Help("Time to read one image with OCR.")
                       .Register(*registry_)
                       .Add({}, prometheus::Histogram::BucketBoundaries{
                                    0.25, 0.5, 1, 2, 4, 8, 16, 32})) {
  for (const char* reason :
       {"unreadable", "too_large", "format", "truncated", "animated",
        "too_small", "not_fetched", "fetch", "engine"}) {
    image_failures_.Add({{"reason", reason}});
  }
  prometheus::BuildGauge()
      .Name("cncert_exporter_build_info")
      .Help("Build information of cncert_exporter (value 1).")
      .Register(*registry_)
      .Add({{"version", kVersion}, {"compiler", __VERSION__}})
      .Set(1);
  // Known reasons start at zero so that rate() and alerts see them.
  for (const Failure f : kAllFailures) {
    parse_failures_.Add({{"reason", std::string(FailureName(f))}});
  }
}

void SelfMetrics::ReloadSucceeded(double duration_seconds) {
  Invalidate();
  reloads_.Increment();
  last_reload_successful_.Set(1);
  last_reload_success_time_.Set(Now());
  last_reload_time_ = Now();
  last_reload_duration_.Set(duration_seconds);
}

void SelfMetrics::ReloadFailed() {
  Invalidate();
  reloads_.Increment();
  reload_failures_.Increment();
  last_reload_successful_.Set(0);
}

void SelfMetrics::ParseFailure(Failure failure) {
  const std::string reason(FailureName(failure));
  Invalidate();
  parse_failures_.Add({{"reason", reason}}).Increment();
}

void SelfMetrics::ScrapeRejected() {
  scrapes_rejected_.Increment();
  Invalidate();
}

void SelfMetrics::FetchAttempt(const std::string& source) {
  fetch_attempts_.Add({{"source", source}}).Increment();
  Invalidate();
}

void SelfMetrics::FetchFailure(const std::string& source,
                               const std::string& reason) {
  fetch_failures_.Add({{"source", source}, {"reason", reason}}).Increment();
  Invalidate();
}

void SelfMetrics::FetchSucceeded(const std::string& source) {
  fetch_last_success_.Add({{"source", source}}).Set(Now());
  last_fetch_time_ = Now();
  Invalidate();
}

void SelfMetrics::BulletinFetched(const std::string& source) {
  bulletins_fetched_.Add({{"source", source}}).Increment();
  Invalidate();
}

void SelfMetrics::ImageSeen() {
  images_seen_.Increment();
  Invalidate();
}

void SelfMetrics::ImageRead(double seconds) {
  images_read_.Increment();
  ++images_read_now_;
  ocr_seconds_.Observe(seconds);
  Invalidate();
}

void SelfMetrics::ImageFailed(std::string_view reason) {
  image_failures_.Add({{"reason", std::string(reason)}}).Increment();
  Invalidate();
}

void SelfMetrics::OcrCacheHit() {
  ocr_cache_hits_.Increment();
  Invalidate();
}

SelfMetrics::Status SelfMetrics::CurrentStatus() const {
  return {last_reload_time_.load(), last_fetch_time_.load(),
          ocr_backlog_now_.load(), images_read_now_.load()};
}

void SelfMetrics::OcrBacklog(std::size_t n) {
  ocr_backlog_.Set(static_cast<double>(n));
  ocr_backlog_now_ = n;
  Invalidate();
}

void SelfMetrics::Invalidate() {
  std::lock_guard<std::mutex> lock(render_mutex_);
  rendered_.reset();
}

std::shared_ptr<const std::string> SelfMetrics::Render() const {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(render_mutex_);
  if (rendered_ && now - rendered_at_ < std::chrono::seconds(1))
    return rendered_;
  auto families = registry_->Collect();
  auto process = process_.Collect();
  families.insert(families.end(), process.begin(), process.end());
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  rendered_ = std::make_shared<const std::string>(out.str());
  rendered_at_ = now;
  return rendered_;
}

}  // namespace cncert
