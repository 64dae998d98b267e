#pragma once
// Stands in for the server's io_context in tests: LmdbStorage posts
// completions here from its writer thread, and the test runs them on its own
// thread, as the node's thread would. Waiting is on a condition variable,
// never a sleep; a deadline turns a lost completion into a failed test
// instead of a hung one.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>

#include "real/storage/lmdb_storage.h"

namespace confman::real::testing {

class TestExecutor {
 public:
  using Callback = std::function<void()>;

  // What LmdbStorage is given as post_to_core. The executor must outlive the storage.
  PostToCore poster() {
    return [this](Callback callback) { post(std::move(callback)); };
  }

  void post(Callback callback) {
    {
      std::lock_guard lock(mutex_);
      posted_.push_back(std::move(callback));
    }
    posted_signal_.notify_one();
  }

  // Runs callbacks on this thread, waiting for each to be posted, until
  // done() holds. False if nothing was posted for kStallLimit.
  bool run_until(const std::function<bool()>& done) {
    while (!done()) {
      std::optional<Callback> next = take(kStallLimit);
      if (!next) return false;
      (*next)();
    }
    return true;
  }

  // Runs what has been posted so far without waiting; returns how many ran.
  std::size_t run_posted() {
    std::size_t ran = 0;
    while (std::optional<Callback> next = take(std::chrono::seconds(0))) {
      (*next)();
      ran += 1;
    }
    return ran;
  }

 private:
  static constexpr std::chrono::seconds kStallLimit{60};

  std::optional<Callback> take(std::chrono::seconds wait_limit) {
    std::unique_lock lock(mutex_);
    if (!posted_signal_.wait_for(lock, wait_limit, [this] { return !posted_.empty(); })) return std::nullopt;
    Callback callback = std::move(posted_.front());
    posted_.pop_front();
    return callback;
  }

  std::mutex mutex_;
  std::condition_variable posted_signal_;
  std::deque<Callback> posted_;
};

}  // namespace confman::real::testing
