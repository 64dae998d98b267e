#include "real/storage/writer_thread.h"

#include <utility>

#include "core/util/assert.h"

namespace confman::real {

WriterThread::WriterThread(std::size_t max_pending_jobs)
    : max_pending_jobs_(max_pending_jobs), thread_([this] { run(); }) {
  CONFMAN_ASSERT(max_pending_jobs > 0, "the writer thread needs room for at least one job");
}

WriterThread::~WriterThread() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void WriterThread::submit(Job job) {
  {
    std::lock_guard lock(mutex_);
    CONFMAN_ASSERT(!stopping_, "a write was submitted to a writer thread that is stopping");
    CONFMAN_ASSERT(jobs_.size() < max_pending_jobs_,
                   "too many storage writes pending: the node keeps at most one in flight");
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void WriterThread::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and every submitted job has run
      job = std::move(jobs_.front());
    }
    job();
    std::lock_guard lock(mutex_);
    jobs_.pop_front();  // only now: a running job counts against the bound
  }
}

}  // namespace confman::real
