#pragma once
// Simulated durable storage of one node.
//
// Fault model: a write becomes durable only when its sync completes, after a
// drawn latency; writes complete in the order issued, each atomically (a
// batch that installs a snapshot and drops the log is durable whole or not
// at all). A crash loses every write whose sync has not completed, and their
// completions never fire. Injected disk faults:
//   - a write or sync error: the write is not applied and completes IoError;
//   - disk full: while full, writes are not applied and complete DiskFull;
//   - a read error: the next load fails;
//   - latent corruption: one bit of one stored record flips (a bit flip, a
//     latent sector error or a misdirected write, as seen by the checksum);
//   - a slow disk: syncs take longer.
// What the cluster must survive: any crash at any time (Raft's ordering
// contract means nothing acknowledged was in a lost write); a failed write
// stops the node (fail-stop) before it acknowledges anything; a write refused
// for a full disk is held and retried by the node, which stays up and
// refuses client writes meanwhile (core/node/node.h); a corrupted
// record is detected by its checksum at start-up and never used: the node
// refuses to start, and the operator's repair (repair(), as
// `confman-server --repair-wal --yes` does for the real WAL) cuts the log at
// the damage and marks the node recovering, so that it neither votes nor
// campaigns until it holds the leader's log again (core/raft/raft_recovery.cpp).
// A damaged hard state cannot be repaired (its vote is unknown): the disk
// is lost. The nemesis damages at most a minority of disks at a time
// (counting recovering nodes), so the cluster keeps a quorum of intact
// replicas; docs/DESIGN.md ("Storage faults") states the model whole.

#include <cstdint>
#include <deque>
#include <functional>
#include <string>

#include "core/node/env.h"
#include "core/util/random.h"
#include "sim/event_queue.h"
#include "sim/scenario.h"

namespace confman::sim {

class SimStorage final : public node::Storage {
 public:
  SimStorage(EventQueue& queue, StorageOptions options, std::uint64_t seed)
      : queue_(queue), options_(options), random_(seed) {}

  Result<node::StoredState, node::StorageError> load() override;
  void write(node::WriteBatch batch, std::function<void(node::StorageStatus)> on_complete) override;

  // The node crashed: unsynced writes are lost and their callbacks dropped.
  void crash();

  // Disk faults.
  void fail_next_write() { fail_next_write_ = true; }
  void set_full(bool full) { full_ = full; }
  void fail_next_load() { fail_next_load_ = true; }
  void set_extra_sync_latency(TimeUs extra_us) { extra_sync_us_ = extra_us; }
  // Flips one bit of one stored record; returns which, e.g. "entry 17".
  std::string corrupt_random_record(Random& random);
  // Flips one bit of the newest durable entry record (one a leader has most
  // likely counted toward commitment); "" if there is none.
  std::string corrupt_newest_entry(Random& random);
  bool corrupted() const { return corrupted_; }
  // The operator's repair after a start refused for damage: cuts the log at
  // its first damaged record and marks the hard state recovering
  // (node::repair_stored_state). Returns what was cut, or why it cannot be.
  Result<std::string, std::string> repair();

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
  bool fail_next_write_ = false;
  bool full_ = false;
  bool fail_next_load_ = false;
  bool corrupted_ = false;
  TimeUs extra_sync_us_ = 0;
};

}  // namespace confman::sim
