// Requests as a polite crawler makes them: one at a time, no more than
// `rate` per second (with jitter, so that walks do not beat in step), and
// retried after 429 and 5xx answers, timeouts and dropped connections —
// after the server's Retry-After when it gives one, else with exponential
// backoff.
#ifndef CNCERT_EXPORTER_FETCH_POLITE_CLIENT_H_
#define CNCERT_EXPORTER_FETCH_POLITE_CLIENT_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <random>
#include <string>

#include "exporter/fetch/fetch_config.h"
#include "exporter/fetch/http_get.h"

namespace cncert {

class PoliteClient {
 public:
  PoliteClient(HttpLimits limits, Politeness politeness);

  // Every request that goes out (redirects and retries count).
  void set_on_attempt(std::function<void()> f) { on_attempt_ = std::move(f); }
  // Every retry, with the failure that caused it and the wait before it.
  void set_on_retry(
      std::function<void(const FetchResult&, std::chrono::milliseconds)> f) {
    on_retry_ = std::move(f);
  }
  const HttpLimits& limits() const { return limits_; }

  FetchResult Get(const std::string& url, const Conditional& conditional = {});

  // Ends waits at once: a Get under way keeps a response that arrives,
  // else fails with the message "interrupted".
  void Interrupt();
  bool interrupted() const;

  static bool Retryable(const FetchResult& r);

 private:
  // Sleeps until `until` or an interrupt; false when interrupted.
  bool WaitUntil(std::chrono::steady_clock::time_point until);
  void Pace();

  HttpLimits limits_;
  Politeness politeness_;
  std::function<void()> on_attempt_;
  std::function<void(const FetchResult&, std::chrono::milliseconds)> on_retry_;
  std::chrono::steady_clock::time_point next_slot_{};
  std::mt19937_64 random_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool interrupted_ = false;
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_FETCH_POLITE_CLIENT_H_
