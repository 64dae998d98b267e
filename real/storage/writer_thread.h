#pragma once
// The thread LmdbStorage writes on: the node's thread must not wait for
// fsync, so every write transaction runs here instead, one at a time and in
// the order the writes were issued.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace confman::real {

class WriterThread {
 public:
  using Job = std::function<void()>;

  // The node keeps one write in flight, so a deep queue means a caller bug:
  // submit() asserts that at most max_pending_jobs are queued or running.
  explicit WriterThread(std::size_t max_pending_jobs);
  WriterThread(const WriterThread&) = delete;
  WriterThread& operator=(const WriterThread&) = delete;
  // Runs every job already submitted, then joins: a write handed to storage
  // is finished, never silently dropped half-way through a queue.
  ~WriterThread();

  void submit(Job job);

 private:
  void run();

  const std::size_t max_pending_jobs_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;  // submitted and not finished; the front one may be running
  bool stopping_ = false;
  std::thread thread_;  // declared last: it starts once the members it uses exist
};

}  // namespace confman::real
