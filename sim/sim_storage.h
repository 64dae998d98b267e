#pragma once
// Simulated durable storage of one node. Fault model (this part):
// a write becomes durable only when its sync completes, after a drawn
// latency; writes complete in the order issued, each atomically (a batch
// that installs a snapshot and drops the log is durable whole or not at
// all). A crash loses every write whose sync has not completed, and their
// completions never fire. What the cluster must survive: any crash at any
// time — Raft's ordering contract means nothing acknowledged was in a lost
// write.

#include <cstdint>
#include <deque>
#include <functional>

#include "core/node/env.h"
#include "core/util/random.h"
#include "sim/event_queue.h"
#include "sim/scenario.h"

namespace confman::sim {

class SimStorage final : public node::Storage {
 public:
  SimStorage(EventQueue& queue, StorageOptions options, std::uint64_t seed)
      : queue_(queue), options_(options), random_(seed) {}

  Result<node::StoredState, node::StorageError> load() override { return durable_; }
  void write(node::WriteBatch batch, std::function<void(node::StorageStatus)> on_complete) override;

  // The node crashed: unsynced writes are lost and their callbacks dropped.
  void crash();

  const node::StoredState& durable() const { return durable_; }
  std::uint64_t writes_completed() const { return writes_completed_; }
  std::uint64_t writes_lost() const { return writes_lost_; }

 private:
  void apply(const node::WriteBatch& batch);

  EventQueue& queue_;
  StorageOptions options_;
  Random random_;
  node::StoredState durable_;
  std::uint64_t incarnation_ = 0;  // bumped on crash; stale completions check it
  std::uint64_t pending_ = 0;
  TimeUs last_completion_us_ = 0;
  std::uint64_t writes_completed_ = 0;
  std::uint64_t writes_lost_ = 0;
};

}  // namespace confman::sim
