#include "exporter/web/task_queue.h"

namespace cncert {

namespace {
thread_local bool t_shedding = false;
constexpr std::size_t kOverflowThreads = 2;
}  // namespace

BoundedTaskQueue::BoundedTaskQueue(std::size_t workers, std::size_t capacity)
    : capacity_(capacity) {
  for (std::size_t i = 0; i < workers; ++i) {
    main_.threads.emplace_back([this] { Work(main_, false); });
  }
  for (std::size_t i = 0; i < kOverflowThreads; ++i) {
    overflow_.threads.emplace_back([this] { Work(overflow_, true); });
  }
}

BoundedTaskQueue::~BoundedTaskQueue() { shutdown(); }

bool BoundedTaskQueue::Shedding() { return t_shedding; }

void BoundedTaskQueue::enqueue(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (capacity_ == 0 || in_house_ < capacity_) {
      ++in_house_;
      main_.jobs.push_back(std::move(fn));
    } else {
      overflow_.jobs.push_back(std::move(fn));
    }
  }
  cv_.notify_all();
}

void BoundedTaskQueue::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (shutdown_) return;
    shutdown_ = true;
  }
  cv_.notify_all();
  for (Pool* pool : {&main_, &overflow_}) {
    for (auto& t : pool->threads) {
      if (t.joinable()) t.join();
    }
  }
}

void BoundedTaskQueue::Work(Pool& pool, bool overflow) {
  t_shedding = overflow;
  for (;;) {
    std::function<void()> fn;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [&] { return !pool.jobs.empty() || shutdown_; });
      if (pool.jobs.empty()) return;  // shut down and drained
      fn = std::move(pool.jobs.front());
      pool.jobs.pop_front();
    }
    fn();
    if (!overflow) {
      std::lock_guard<std::mutex> lock(mutex_);
      --in_house_;
    }
  }
}

}  // namespace cncert
