#pragma once
// A Confman node: Raft + the configuration store + the environment. Still
// sans-IO: it calls the abstract Storage and Transport and is driven by
// receive / tick / submit, each carrying the current time.
//
// It follows Raft's I/O ordering contract (raft.h) with one write in flight
// at a time: messages and acknowledgements of a Ready leave only after its
// write is durable. A failed write stops the node (fail-stop): it never
// acknowledges what is not durable.
//
// Snapshots and log compaction (Raft paper §7; dissertation §5.1): once it
// has applied snapshot_threshold_entries entries past its newest snapshot,
// the node serialises the store and writes a snapshot record, dropping the
// stored entries up to snapshot_trailing_entries behind it in the same
// atomic write (a follower that lags by less than that is still served by
// appends, dissertation §5.1.3). Only once that write is durable does Raft
// drop the same entries from memory. The write takes its turn in the same
// one-at-a-time queue as the Readies, so the Ready ordering contract is
// untouched. A snapshot received from the leader (InstallSnapshot) comes in a
// Ready: it is written together with the dropping of every stored entry, and
// only once that is durable is the store replaced and the acknowledgement
// sent. At start-up the node loads its snapshot (verified like every other
// record), restores the store from it and applies the entries after it.
//
// A full disk is not a failure of what is stored: the write was refused
// whole (WriteBatch is atomic), so nothing is in doubt. The node stays up and
// keeps the refused write, with everything behind it, until it can retry it:
// every disk_full_retry_us it writes the same batch again. Meanwhile it
// answers client writes and linearizable reads with NoSpace (stale reads are
// still served from its store), and takes no part in consensus: incoming
// messages are dropped as if lost and Raft's timers do not run, so it neither
// acknowledges nor promises anything it could not make durable, and does not
// disrupt the others with elections it cannot record. When a retry succeeds,
// it carries on where it stopped; to its peers it was a slow node.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/kv/store.h"
#include "core/node/client.h"
#include "core/node/env.h"
#include "core/node/observer.h"
#include "core/raft/raft.h"

namespace confman::node {

struct NodeConfig {
  raft::RaftConfig raft;
  std::uint64_t seed = 0;  // for election timeouts; the sim derives it from the run seed
  // Take a snapshot once this many entries have been applied since the last
  // one (0: never; the log then grows without bound).
  std::uint64_t snapshot_threshold_entries = 1000;
  // ...or once they hold this many bytes (0: the count alone). An entry
  // count alone let 1,023 writes of 1 MiB grow a server's log to 1 GiB and
  // fill its disk while it held 1 MiB of live data.
  std::uint64_t snapshot_threshold_bytes = 0;
  // Entries kept in the log behind a snapshot, for followers that lag a
  // little: at most this many, and at most this many bytes of them (0: no
  // byte bound).
  std::uint64_t snapshot_trailing_entries = 100;
  std::uint64_t snapshot_trailing_bytes = 0;
  // And only once the entries applied since the last snapshot hold at least
  // this percentage of that snapshot's size in bytes (0: the entry count
  // alone decides). Dissertation §5.1.2: with the log well above the
  // snapshot's size, writing snapshots costs a bounded share of the disk's
  // bandwidth however large the state (the watch history is in it) grows.
  std::uint32_t snapshot_log_ratio_percent = 0;
  // After a write is refused for lack of space, the node tries the same write
  // again after this long, until it succeeds.
  TimeUs disk_full_retry_us = 1'000'000;
};

struct Env {
  Storage* storage = nullptr;
  Transport* transport = nullptr;
  ClientResponder* responder = nullptr;
  NodeObserver* observer = nullptr;  // optional
};

struct StartError {
  std::string detail;  // e.g. "entry record 17: checksum mismatch (at byte 0)"
};

class Node {
 public:
  Node(NodeConfig config, Env env);
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Loads and verifies durable state. A record that fails its checksum stops
  // start-up with a StartError: it is never used as if it were valid.
  Result<Done, StartError> start(TimeUs now_us);

  void receive(ByteView frame, TimeUs now_us);
  void tick(TimeUs now_us);
  void submit(ClientRequest request, TimeUs now_us);

  TimeUs next_deadline_us() const;
  bool stopped() const { return stopped_; }
  // A write was refused for lack of space and none has succeeded since.
  bool disk_full() const { return disk_full_; }
  std::uint64_t disk_full_refusals() const { return disk_full_refusals_; }
  std::uint64_t messages_dropped_disk_full() const { return messages_dropped_disk_full_; }
  const std::string& stop_reason() const { return stop_reason_; }
  NodeId id() const { return raft_.id(); }
  raft::RaftStatus status() const { return raft_.status(); }
  const raft::Membership& membership() const { return raft_.membership(); }
  const raft::Raft& raft() const { return raft_; }
  const kv::Store& store() const { return store_; }
  // The address record of a member that joined by a change carrying one (an
  // AddVoter or AddLearner with a context), as soon as that change is in the
  // log: Raft sends to a new member from then on, before the change
  // commits. nullopt for founding members and unknown ids.
  std::optional<std::string> member_record(NodeId member) const;
  LogIndex applied_index() const { return applied_index_; }
  std::uint64_t messages_dropped_corrupt() const { return messages_dropped_corrupt_; }
  std::uint64_t snapshots_taken() const { return snapshots_taken_; }
  std::uint64_t snapshots_installed() const { return snapshots_installed_; }
  // Snapshots not taken because the store's encoding exceeded kMaxSnapshotBytes.
  std::uint64_t snapshots_too_large() const { return snapshots_too_large_; }

 private:
  struct PendingWrite {
    std::uint64_t request_id;
    Term term;
  };
  struct PendingRead {
    std::uint64_t request_id;
    std::string key;
  };
  struct PendingTransfer {
    std::uint64_t request_id = 0;
    NodeId target = kNoNode;
    TimeUs deadline_us = 0;
  };
  struct LocalSnapshot {
    raft::Snapshot snapshot;
    LogIndex compact_through = 0;
  };

  void advance_clock(TimeUs now_us);
  void after_input();
  void pump();
  void on_write_complete(StorageStatus status);
  void issue_write(WriteBatch batch);
  void send_messages(std::vector<raft::Message>& messages);
  void retry_refused_write();
  void refuse_for_disk_full(std::uint64_t request_id, const char* what);
  void finish_ready(raft::Ready& ready);
  void apply_committed();
  void apply_member_change(const raft::ConfigChange& change);
  Result<Done, StartError> restore_store(const raft::Snapshot& snapshot);
  void maybe_take_snapshot();
  void write_local_snapshot();
  void on_local_snapshot_durable(LocalSnapshot local);
  bool install_snapshot(const raft::Snapshot& snapshot);
  void serve_ready_reads();
  void answer_read(std::uint64_t request_id, const std::string& key);
  // Answers the pending writes above keep_through with outcome.
  void fail_pending_writes(Outcome outcome, const std::string& detail, LogIndex keep_through = 0);
  void fail_stop(std::string reason);
  void respond(ClientResponse response);
  void notify_status_if_changed();
  void submit_write(ClientRequest& request);
  void submit_get(ClientRequest& request);
  void submit_config_change(ClientRequest& request);
  void submit_read_barrier(ClientRequest& request);
  void submit_transfer(ClientRequest& request);
  void settle_transfer(const raft::RaftStatus& status);
  void reject(std::uint64_t request_id, const raft::Rejection& rejection);
  void notify_membership_if_changed(LogIndex commit);
  LogIndex trailing_compaction_index() const;
  static WriteBatch make_batch(const raft::Ready& ready);
  static WriteBatch make_snapshot_batch(const LocalSnapshot& local);

  Env env_;
  std::uint64_t snapshot_threshold_entries_;
  std::uint64_t snapshot_threshold_bytes_;
  std::uint64_t snapshot_trailing_bytes_;
  std::uint32_t snapshot_log_ratio_percent_;
  std::uint64_t log_bytes_since_snapshot_ = 0;  // entry data applied since the last snapshot
  std::uint64_t last_snapshot_bytes_ = 0;       // the newest snapshot's data, taken, installed or loaded
  std::uint64_t snapshot_trailing_entries_;
  raft::Raft raft_;
  kv::Store store_;
  TimeUs disk_full_retry_us_;
  TimeUs now_us_ = 0;
  LogIndex applied_index_ = 0;
  bool started_ = false;
  bool stopped_ = false;
  std::string stop_reason_;
  bool write_in_flight_ = false;
  bool pumping_ = false;
  bool pump_again_ = false;
  std::optional<raft::Ready> in_flight_ready_;
  std::optional<LocalSnapshot> pending_local_snapshot_;    // taken, waiting for its write
  std::optional<LocalSnapshot> in_flight_local_snapshot_;  // being written
  LogIndex skipped_snapshot_at_ = 0;  // applied index of the last snapshot refused as too large
  std::map<LogIndex, PendingWrite> pending_writes_;  // by log index (writes and membership changes)
  std::optional<PendingTransfer> pending_transfer_;
  TimeUs election_timeout_us_;
  LogIndex notified_membership_index_ = 0;
  bool notified_membership_committed_ = false;
  bool membership_notified_ = false;
  std::map<std::uint64_t, std::string> reads_awaiting_confirmation_;  // request id -> key
  std::multimap<LogIndex, PendingRead> reads_awaiting_apply_;
  raft::RaftStatus last_status_;
  std::uint64_t messages_dropped_corrupt_ = 0;
  std::uint64_t snapshots_taken_ = 0;
  std::uint64_t snapshots_installed_ = 0;
  std::uint64_t snapshots_too_large_ = 0;
  bool disk_full_ = false;
  std::optional<TimeUs> disk_full_retry_at_us_;  // set while the refused write waits for its retry
  std::uint64_t disk_full_refusals_ = 0;          // writes the storage refused as DiskFull
  std::uint64_t messages_dropped_disk_full_ = 0;
};

}  // namespace confman::node
