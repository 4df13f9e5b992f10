// The web server's connection queue with a real limit: at most `capacity`
// connections are served or wait at once (--web.max-requests). One more is
// handed to a small overflow pool whose only answer is 503, so that a client
// learns it was shed instead of waiting without end.
#ifndef CNCERT_EXPORTER_WEB_TASK_QUEUE_H_
#define CNCERT_EXPORTER_WEB_TASK_QUEUE_H_

#include <httplib.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cncert {

class BoundedTaskQueue : public httplib::TaskQueue {
 public:
  // `capacity` 0: no limit.
  BoundedTaskQueue(std::size_t workers, std::size_t capacity);
  ~BoundedTaskQueue() override;

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

  // True on a thread of the overflow pool: the request must get a 503.
  static bool Shedding();

 private:
  struct Pool {
    std::deque<std::function<void()>> jobs;
    std::vector<std::thread> threads;
  };
  void Work(Pool& pool, bool overflow);

  const std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool shutdown_ = false;
  std::size_t in_house_ = 0;  // jobs of `main_` queued or running
  Pool main_;
  Pool overflow_;
};

}  // namespace cncert

#endif  // CNCERT_EXPORTER_WEB_TASK_QUEUE_H_
