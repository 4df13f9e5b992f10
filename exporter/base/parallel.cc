#include "exporter/base/parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace cncert {

void ParallelFor(std::size_t n, std::size_t max_threads, std::size_t per_thread,
                 const std::function<void(std::size_t)>& fn) {
  const std::size_t threads = std::clamp<std::size_t>(
      std::min<std::size_t>(std::thread::hardware_concurrency(),
                            n / std::max<std::size_t>(per_thread, 1)),
      1, std::max<std::size_t>(max_threads, 1));
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) fn(i);
  };
  std::vector<std::thread> helpers;
  helpers.reserve(threads - 1);
  for (std::size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
  for (auto& helper : helpers) helper.join();
}

}  // namespace cncert
