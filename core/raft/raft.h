#pragma once
// The Raft consensus state machine of one node, sans-IO: inputs are messages,
// proposals, read requests and the current time; outputs come back as a Ready
// batch. Time is carried on every input and the core reports its next
// deadline instead of counting ticks.
//
// I/O ORDERING CONTRACT (the embedding code must follow it; the simulator
// attacks it):
//   1. Take a Ready with take_ready().
//   2. Make ready.snapshot, ready.hard_state and ready.entries durable,
//      atomically: if ready.snapshot is set (a snapshot received from the
//      leader, §7), store it and drop every stored entry; drop stored entries
//      with index >= ready.persist_from, then write ready.entries. Wait until
//      the write is synced.
//   3. ready.messages may be sent at once, before the write: they are a
//      leader's own (Append, Heartbeat, Snapshot, TimeoutNow) and promise
//      nothing about its disk (dissertation §10.2.1); the leader counts
//      itself toward commitment only for entries advance() marks durable.
//      ready.messages_after_persist only once the write is durable: a vote,
//      a vote request, an append or snapshot acknowledgement may promise
//      state that must survive a crash (§5.1: "respond to RPCs only after
//      updating stable storage").
//   4. If ready.snapshot is set, replace the state machine with it (its
//      state is that after applying every entry up to its index). Call
//      advance(ready). Committed entries up to applicable_index() may then be
//      applied, in order, exactly once; read_states are answered once the
//      applied index reaches their index.
//   Snapshots the node takes itself (log compaction, §7) are written by the
//   node, one write at a time like the Readies; only once one is durable does
//   the node hand it to compact(), which drops the entries it covers from
//   memory.
//   If step 2 fails, the node must stop (fail-stop): nothing in the Ready may
//   be sent or acknowledged. The one exception is a write refused whole for
//   lack of space, which leaves nothing in doubt: the embedding code may hold
//   the Ready, send nothing and take no other input, and write it again
//   later (node.h).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/raft/log.h"
#include "core/raft/membership.h"
#include "core/raft/message.h"
#include "core/raft/progress.h"
#include "core/raft/refused_message.h"
#include "core/types.h"
#include "core/util/random.h"
#include "core/util/result.h"

namespace confman::raft {

struct RaftConfig {
  NodeId id = kNoNode;
  // The membership the cluster was founded with: the same on every founding
  // member, and empty on a node started to join an existing cluster (it
  // waits for a leader to send it the log, and never campaigns before its
  // log makes it a voter). Once the log or a snapshot holds a membership,
  // that one counts (membership.h).
  std::vector<NodeId> voters;
  std::vector<NodeId> learners;
  TimeUs election_timeout_us = 1'000'000;   // randomized in [t, 2t) (§5.2)
  TimeUs heartbeat_interval_us = 100'000;
  bool pre_vote = true;       // dissertation §9.6
  bool check_quorum = true;   // dissertation §6.2: a leader that loses a quorum steps down
  std::size_t max_inflight_appends = 16;
  std::size_t max_entries_per_append = 256;
  std::size_t max_append_bytes = 1 << 20;
  std::size_t max_uncommitted_entries = 4096;  // proposals beyond this are refused (Busy)
  std::size_t max_pending_reads = 4096;
  std::size_t max_snapshot_chunk_bytes = kMaxSnapshotChunkBytes;  // InstallSnapshot chunk size (§7)
};

enum class Role : std::uint8_t { Follower, PreCandidate, Candidate, Leader };
const char* role_name(Role role);

struct ReadState {
  std::uint64_t request_id = 0;
  LogIndex index = 0;  // serve the read once applied >= index
};

struct Ready {
  std::optional<Snapshot> snapshot;     // install: write it and drop every stored entry (§7)
  std::optional<HardState> hard_state;  // write if set; a newer commit alone never sets it
  // hard_state changes the term, the vote or the recovering mark: storage
  // must keep it where a repair that cuts the log cannot reach
  // (node::WriteBatch::pin_hard_state).
  bool pin_hard_state = false;
  LogIndex persist_from = 0;            // 0: no entries to write
  std::vector<Entry> entries;           // entries[0].index == persist_from
  std::vector<Message> messages;        // may leave before the write (contract, 3)
  std::vector<Message> messages_after_persist;  // only once the write is durable
  std::vector<ReadState> read_states;   // ReadIndex confirmed (§6.4)
  std::vector<std::uint64_t> failed_reads;  // leadership lost before confirmation
  bool empty() const {
    return !snapshot && !hard_state && entries.empty() && messages.empty() && messages_after_persist.empty() &&
           read_states.empty() && failed_reads.empty();
  }
};

enum class RejectReason : std::uint8_t {
  NotLeader,      // leader_hint says where to go (kNoNode if unknown)
  Busy,           // too many uncommitted proposals or pending reads, a membership change
                  // in flight, or a leadership transfer under way; try again soon
  LeaderNotReady, // the leader has not yet committed an entry of its term (membership.h rule 2)
  Invalid,        // the request can never succeed as asked: detail says why
};

struct Rejection {
  RejectReason reason = RejectReason::NotLeader;
  NodeId leader_hint = kNoNode;
  std::string detail{};
};

struct RaftStatus {
  NodeId id = kNoNode;
  Role role = Role::Follower;
  Term term = 0;
  NodeId vote = kNoNode;
  NodeId leader = kNoNode;
  LogIndex commit = 0;
  LogIndex last_index = 0;
  Term last_term = 0;
  LogIndex stable_index = 0;
  bool recovering = false;  // HardState::recovering
};

class Raft {
 public:
  Raft(RaftConfig config, std::uint64_t seed);

  // Restores durable state at start-up, before any other input: the newest
  // durable snapshot (if any) and the entries after it.
  void restore(const HardState& hard_state, std::vector<Entry> entries, TimeUs now_us);
  void restore(const HardState& hard_state, std::optional<Snapshot> snapshot, std::vector<Entry> entries,
               TimeUs now_us);

  // Log compaction (§7): the node has made `snapshot` (its state machine at
  // snapshot.index, which it has applied) durable and dropped the stored
  // entries up to compact_through (<= snapshot.index). Raft keeps the
  // snapshot to send to followers that need compacted entries, and drops
  // those entries from memory. A snapshot older than one Raft already holds
  // (one installed from the leader meanwhile) is ignored.
  void compact(Snapshot snapshot, LogIndex compact_through);

  void step(const Message& message, TimeUs now_us);
  void tick(TimeUs now_us);
  Result<LogIndex, Rejection> propose(Bytes data, TimeUs now_us);
  Result<Done, Rejection> read_index(std::uint64_t request_id, TimeUs now_us);
  // Appends a membership change (membership.h), effective at once; it is
  // done when the returned index commits.
  Result<LogIndex, Rejection> propose_config_change(const ConfigChange& change, TimeUs now_us);
  // Dissertation §3.10: stop taking proposals, bring target up to date, then
  // tell it to campaign at once (TimeoutNow). Abandoned after an election
  // timeout if the target has not taken over.
  Result<Done, Rejection> transfer_leadership(NodeId target, TimeUs now_us);

  bool has_ready() const;
  Ready take_ready();
  void advance(const Ready& ready);

  // Highest index that is committed and durable here: safe to apply. 0 while
  // a snapshot received from the leader is not yet durable (nothing may be
  // applied until the state machine has been replaced by it).
  LogIndex applicable_index() const;
  TimeUs next_deadline_us() const;

  RaftStatus status() const;
  const RaftLog& log() const { return log_; }
  // The newest snapshot this node holds: taken locally and durable, or
  // received from a leader (durable once the Ready carrying it is advanced).
  const std::optional<Snapshot>& snapshot() const { return snapshot_; }
  LogIndex snapshot_index() const { return snapshot_ ? snapshot_->index : 0; }
  // The membership in force: that of the newest Config entry in the log,
  // committed or not (single-server changes take effect when appended).
  const Membership& membership() const { return membership_; }
  // Index of the entry that set membership() (0: the snapshot's or the founding one).
  LogIndex membership_index() const { return membership_index_; }
  // The membership in force just after index (for a snapshot at index).
  Membership membership_at(LogIndex index) const;
  NodeId transfer_target() const { return transfer_target_; }
  Role role() const { return role_; }
  Term term() const { return term_; }
  NodeId leader() const { return leader_; }
  NodeId id() const { return config_.id; }
  // Peer messages dropped as impossible from an honest peer, by kind
  // (refused_message.h).
  const RefusedCounts& refused_messages() const { return refused_; }

 private:
  // election (raft_election.cpp)
  void campaign(bool pre_vote, bool transfer = false);
  void request_votes();
  void become_follower(Term term, NodeId leader);
  void become_candidate();
  void become_pre_candidate();
  void become_leader();
  void handle_vote_request(const Message& message);
  void handle_vote_response(const Message& message);
  bool in_leader_lease() const;
  void reset_election_deadline();
  // The deadline after restore: at once for a lone voter, shortened for a
  // member of a cluster that has never had a term, the full timeout otherwise.
  void set_first_election_deadline();
  void tick_leader();

  // replication (raft_replication.cpp)
  void handle_append(const Message& message);
  void handle_append_response(const Message& message);
  void handle_heartbeat(const Message& message);
  void handle_heartbeat_response(const Message& message);
  void broadcast_append();
  bool maybe_send_append(NodeId peer, bool send_if_empty);
  void broadcast_heartbeat();
  bool maybe_commit();
  void on_commit_advanced();
  void start_read(std::uint64_t request_id);
  void release_confirmed_reads();
  void fail_pending_reads();

  // InstallSnapshot (raft_snapshot.cpp)
  bool maybe_send_snapshot(NodeId peer, Progress& progress);
  void handle_snapshot(const Message& message);
  void handle_snapshot_response(const Message& message);
  void answer_snapshot(const Message& message, bool refused, std::uint64_t next_offset);
  void install_snapshot(const Message& last_chunk);
  void set_snapshot(Snapshot snapshot);

  // membership (raft_membership.cpp)
  void restore_membership(const std::optional<Snapshot>& snapshot, const std::vector<Entry>& entries);
  void note_config_entry(const Entry& entry);
  void forget_replaced_config_entries(LogIndex after);
  void forget_config_entries_through(LogIndex index);
  void reset_membership(const Membership& base);
  void refresh_membership();
  void sync_progress_with_membership();
  void maybe_hand_over_after_removal();
  void maybe_send_timeout_now();
  void handle_timeout_now(const Message& message);
  bool can_campaign() const;
  void abort_transfer() { transfer_target_ = kNoNode; }

  void advance_clock(TimeUs now_us);
  void send(Message message);
  void refuse(RefusedMessage kind) { refused_[static_cast<std::size_t>(kind)] += 1; }
  // Whether leader traffic (Append, Heartbeat, Snapshot) of the current term
  // comes from the one leader of this term, as far as this node knows.
  bool from_the_leader_of_this_term(const Message& message) const;
  bool is_voter(NodeId id) const { return membership_.is_voter(id); }
  HardState hard_state() const { return HardState{term_, vote_, log_.committed(), recovering_}; }
  // Term, vote or the recovering mark differ from what is durable: the
  // write is needed at once, and storage pins it (Ready::pin_hard_state).
  bool pinned_fields_changed() const {
    return term_ != persisted_hard_state_.term || vote_ != persisted_hard_state_.vote ||
           recovering_ != persisted_hard_state_.recovering;
  }
  // Recovery from a repaired log (raft_recovery.cpp).
  void note_follower_recovering(Progress& progress, const Message& response);
  void maybe_finish_recovery(const Message& accepted_append);
  bool write_needed() const;

  RaftConfig config_;
  Random random_;
  RaftLog log_;
  Role role_ = Role::Follower;
  Term term_ = 0;
  NodeId vote_ = kNoNode;
  NodeId leader_ = kNoNode;
  TimeUs now_us_ = 0;
  TimeUs election_deadline_us_ = 0;
  TimeUs heartbeat_deadline_us_ = 0;  // a leader's next heartbeat; a candidate's next round of vote requests
  bool campaign_is_transfer_ = false;
  // HardState::recovering: no votes, no campaigns, until an append shows
  // this node holds the leader's whole log (docs/DESIGN.md, "Storage faults").
  bool recovering_ = false;
  TimeUs check_quorum_deadline_us_ = 0;
  TimeUs last_leader_contact_us_ = 0;
  std::map<NodeId, bool> votes_;          // ordered: no hash order can leak into behaviour
  std::map<NodeId, Progress> progress_;   // leader only; every member, and self
  // Membership: base_membership_ is in force at the log's compaction point
  // (the snapshot's, or the founding one); config_entries_ holds the Config
  // entries after it, by index, with their terms.
  struct ConfigRecord {
    Term term = 0;
    Membership membership{};
  };
  Membership base_membership_;
  std::map<LogIndex, ConfigRecord> config_entries_;
  Membership membership_;
  LogIndex membership_index_ = 0;
  // Leadership transfer (§3.10), leader only.
  NodeId transfer_target_ = kNoNode;
  TimeUs transfer_deadline_us_ = 0;
  RefusedCounts refused_{};
  bool timeout_now_sent_ = false;
  std::vector<Message> outbox_;                 // Ready::messages
  std::vector<Message> outbox_after_persist_;  // Ready::messages_after_persist
  HardState persisted_hard_state_;
  TimeUs last_write_taken_us_ = 0;  // when the last Ready that writes was taken
  // ReadIndex (§6.4)
  struct PendingRead {
    std::uint64_t request_id;
    LogIndex index;
    std::uint64_t context;
  };
  std::deque<PendingRead> pending_reads_;
  std::deque<std::uint64_t> reads_awaiting_term_commit_;
  std::uint64_t read_context_ = 0;
  bool read_round_needed_ = false;
  std::vector<ReadState> confirmed_reads_;
  std::vector<std::uint64_t> failed_reads_;
  // Snapshots (§7)
  std::optional<Snapshot> snapshot_;      // newest held; see snapshot()
  std::uint32_t snapshot_crc_ = 0;        // crc32c of snapshot_->data
  bool snapshot_unpersisted_ = false;     // snapshot_ was installed and is not yet in a Ready
  // (index, term) of an installed snapshot that is not yet durable (its
  // Ready not yet advanced): until it is, nothing may be applied.
  std::optional<std::pair<LogIndex, Term>> install_pending_;
  struct IncomingSnapshot {  // a snapshot being assembled from a leader's chunks
    NodeId from = kNoNode;
    Term term = 0;
    LogIndex index = 0;
    Term snapshot_term = 0;
    std::uint64_t size = 0;
    std::uint32_t crc = 0;
    Bytes data{};
  };
  std::optional<IncomingSnapshot> incoming_snapshot_;
};

}  // namespace confman::raft
