// A fixed-size thread pool that runs index loops in parallel.
//
// Results must not depend on thread timing, so the pool offers only parallel_for: each index is
// run exactly once and writes its own slot, and a failure is reported for the lowest failing
// index whatever order the threads ran in.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace monet::core {

class ThreadPool {
 public:
  // `threads` workers in total, counting the thread that calls parallel_for (which takes part),
  // so ThreadPool(1) runs everything inline. Throws Error when threads == 0.
  explicit ThreadPool(std::size_t threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  std::size_t size() const { return workers_.size() + 1; }

  // Calls fn(i) for every i in [0, n) and returns when all calls have finished. If any call
  // throws, indices not yet started are skipped and the exception of the lowest failing index is
  // rethrown (every index below a failing one has been started, so that index is well defined).
  // Calls from several threads are serialised; a call from inside one of this pool's tasks runs
  // inline in the calling thread rather than deadlocking.
  void parallel_for(std::size_t n, const std::function<void(std::size_t)>& fn);

 private:
  void worker_loop();
  void run_indices();

  std::vector<std::thread> workers_;
  std::mutex call_mutex_;  // one parallel_for at a time

  std::mutex mutex_;  // guards the fields below
  std::condition_variable wake_;
  std::condition_variable finished_;
  std::size_t job_id_ = 0;
  std::size_t busy_workers_ = 0;
  bool stopping_ = false;

  // The current job; written under mutex_ before job_id_ changes.
  const std::function<void(std::size_t)>* fn_ = nullptr;
  std::size_t count_ = 0;
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> failed_{false};
  std::mutex error_mutex_;
  std::size_t error_index_ = 0;
  std::exception_ptr error_;
};

}  // namespace monet::core
