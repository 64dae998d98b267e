#pragma once
// The nemesis's clients: threads, each with its own C++ client
// (real/client/client.h) to every node, issuing linearizable gets, puts
// and deletes on a few keys, and recording each invocation and completion
// in our history format (sim/HISTORY.md, written by sim's own writer) for
// the checker. A write whose outcome the client cannot know is `info`, and
// that client continues as a new process (one operation in flight per
// process, as the checker assumes); a failed get is `fail` (a read changes
// nothing). Writes that took effect or may have are also kept as records,
// for the failover measurement and the count of lost acknowledged writes.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sim/history.h"

namespace confman::nemesis {

using Clock = std::chrono::steady_clock;

// The history, shared by the client threads; times in microseconds since
// the run started.
class SharedHistory {
 public:
  explicit SharedHistory(Clock::time_point start) : start_(start) {}
  std::int64_t now_us() const;
  void record(sim::HistoryEvent event);
  std::string to_jsonl() const;
  std::size_t count(sim::EventType type) const;

 private:
  Clock::time_point start_;
  mutable std::mutex mutex_;
  sim::History history_;
};

// A write that took effect or may have: acknowledged, or of unknown outcome.
struct WriteRecord {
  std::string key;
  bool is_delete = false;
  bool acknowledged = false;  // else its outcome is unknown
  std::uint64_t revision = 0;  // acknowledged: the revision it got
  std::int64_t invoked_us = 0;
  std::int64_t completed_us = 0;
};

struct WorkloadSettings {
  std::vector<std::string> endpoints;
  std::size_t clients = 8;
  std::size_t keys = 5;
  std::uint64_t seed = 1;
  std::uint32_t request_timeout_ms = 1000;
  std::uint32_t max_attempts = 10;
};

class Workload {
 public:
  static constexpr const char* kKeyPrefix = "/nemesis/k";

  Workload(WorkloadSettings settings, SharedHistory& history);
  ~Workload();  // stops and joins
  Workload(const Workload&) = delete;
  Workload& operator=(const Workload&) = delete;

  void start();
  void stop();
  std::vector<WriteRecord> writes() const;
  std::uint64_t operations() const { return operations_.load(); }

 private:
  void run_client(std::size_t index);

  WorkloadSettings settings_;
  SharedHistory& history_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> operations_{0};
  std::vector<std::thread> threads_;
  mutable std::mutex writes_mutex_;
  std::vector<WriteRecord> writes_;
};

}  // namespace confman::nemesis
