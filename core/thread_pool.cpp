#include "core/thread_pool.hpp"

#include <utility>

#include "core/error.hpp"

namespace monet::core {

namespace {
// The pool whose task this thread is running, to run nested parallel_for calls inline.
thread_local const ThreadPool* tls_running_pool = nullptr;

class RunningGuard {
 public:
  explicit RunningGuard(const ThreadPool* pool) : saved_(tls_running_pool) {
    tls_running_pool = pool;
  }
  ~RunningGuard() { tls_running_pool = saved_; }
  RunningGuard(const RunningGuard&) = delete;
  RunningGuard& operator=(const RunningGuard&) = delete;

 private:
  const ThreadPool* saved_;
};
}  // namespace

ThreadPool::ThreadPool(std::size_t threads) {
  if (threads == 0) throw Error("thread pool: the number of threads must be at least 1 (got 0)");
  workers_.reserve(threads - 1);
  for (std::size_t i = 0; i + 1 < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
}

void ThreadPool::parallel_for(std::size_t n, const std::function<void(std::size_t)>& fn) {
  if (n == 0) return;
  if (tls_running_pool == this || workers_.empty() || n == 1) {
    // Inline: same semantics (lowest failing index) without touching the shared job.
    for (std::size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::lock_guard<std::mutex> call_lock(call_mutex_);
  {
    std::lock_guard<std::mutex> lock(error_mutex_);
    error_ = nullptr;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    fn_ = &fn;
    count_ = n;
    next_.store(0);
    failed_.store(false);
    busy_workers_ = workers_.size();
    ++job_id_;
  }
  wake_.notify_all();
  run_indices();
  {
    std::unique_lock<std::mutex> lock(mutex_);
    finished_.wait(lock, [this] { return busy_workers_ == 0; });
    fn_ = nullptr;
  }
  std::exception_ptr error;
  {
    std::lock_guard<std::mutex> lock(error_mutex_);
    std::swap(error, error_);
  }
  if (error) std::rethrow_exception(error);
}

void ThreadPool::run_indices() {
  RunningGuard guard(this);
  for (;;) {
    if (failed_.load()) return;
    const std::size_t i = next_.fetch_add(1);
    if (i >= count_) return;
    try {
      (*fn_)(i);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex_);
      if (!error_ || i < error_index_) {
        error_ = std::current_exception();
        error_index_ = i;
      }
      failed_.store(true);
    }
  }
}

void ThreadPool::worker_loop() {
  std::size_t seen_job = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || job_id_ != seen_job; });
      if (stopping_) return;
      seen_job = job_id_;
    }
    run_indices();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --busy_workers_;
    }
    finished_.notify_all();
  }
}

}  // namespace monet::core
