#include "exporter/fetch/polite_client.h"

#include <algorithm>

namespace cncert {

using Clock = std::chrono::steady_clock;

PoliteClient::PoliteClient(HttpLimits limits, Politeness politeness)
    : limits_(std::move(limits)),
      politeness_(politeness),
      random_(std::random_device{}()) {}

bool PoliteClient::Retryable(const FetchResult& r) {
  if (r.ok) return false;
  return r.status == 429 || r.reason == FetchFailure::kHttp5xx ||
         r.reason == FetchFailure::kTimeout ||
         r.reason == FetchFailure::kConnection ||
         r.reason == FetchFailure::kTruncated;
}

void PoliteClient::Interrupt() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    interrupted_ = true;
  }
  cv_.notify_all();
}

bool PoliteClient::interrupted() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return interrupted_;
}

bool PoliteClient::WaitUntil(Clock::time_point until) {
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait_until(lock, until, [this] { return interrupted_; });
  return !interrupted_;
}

void PoliteClient::Pace() {
  const auto now = Clock::now();
  if (next_slot_ > now && !WaitUntil(next_slot_)) return;
  if (politeness_.rate <= 0) return;
  std::uniform_real_distribution<double> jitter(-politeness_.jitter,
                                                politeness_.jitter);
  const double gap = (1 + jitter(random_)) / politeness_.rate;
  next_slot_ = Clock::now() +
               std::chrono::microseconds(static_cast<long long>(gap * 1e6));
}

FetchResult PoliteClient::Get(const std::string& url,
                              const Conditional& conditional) {
  auto backoff = politeness_.backoff;
  for (int attempt = 0;; ++attempt) {
    // Paced before the request's own deadline starts; its redirects follow
    // at once.
    Pace();
    FetchResult r = HttpGet(url, limits_, conditional, [this] {
      if (on_attempt_) on_attempt_();
    });
    // A response that arrived is kept; only waits are cut short.
    if (!r.ok && interrupted()) {
      r.ok = false;
      r.reason = FetchFailure::kTimeout;
      r.message = "interrupted";
      return r;
    }
    if (!Retryable(r) || attempt >= politeness_.retries) return r;
    auto wait = backoff;
    if (r.retry_after >= 0) {
      if (std::chrono::seconds(r.retry_after) > politeness_.max_wait) {
        r.message += " (Retry-After " + std::to_string(r.retry_after) +
                     " s is longer than we wait)";
        return r;
      }
      wait = std::max<std::chrono::milliseconds>(
          std::chrono::seconds(r.retry_after), std::chrono::milliseconds(1));
    }
    if (on_retry_) on_retry_(r, wait);
    // The next slot comes after the wait, not on top of it.
    if (!WaitUntil(Clock::now() + wait)) return r;
    next_slot_ = Clock::now();
    backoff =
        std::min<std::chrono::milliseconds>(backoff * 2, politeness_.max_wait);
  }
}

}  // namespace cncert
