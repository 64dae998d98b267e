#pragma once
// Safety invariants checked as the run goes, after every step that could
// break them (LogCabin's RaftConsensusInvariants, applied to every node):
//   - Election Safety: at most one leader per term (§5.2).
//   - Log Matching: two logs with an entry of the same index and term hold the
//     same prefix up to it (§5.3). Checked with a hash chain per node, fed by
//     every durable write, against the first chain seen for (index, term).
//     A log that starts after a snapshot (§7) seeds its chain with the chain
//     recorded for the snapshot's (index, term), so it is compared with the
//     same values as a log that holds every entry.
//   - Leader Completeness: a new leader holds every entry any node applied
//     (§5.4); entries at or below its log's compaction point count as held
//     (their effect is in its snapshot, whose term at that point is checked;
//     state digests are compared at the end of every run).
//   - State Machine Safety: every node that applies index i applies the same
//     entry (§5.4.3), in order, once per incarnation; installing a snapshot
//     at index s counts as applying everything up to s, and s must be an
//     index some node applied with the snapshot's term.
//   - The commit index never decreases, within a run of a node and across its
//     restarts (a restart comes back at least at its durable commit).

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/node/node.h"
#include "core/raft/raft.h"
#include "sim/violation_kind.h"

namespace confman::sim {

class Invariants {
 public:
  explicit Invariants(int node_count);

  void on_status(const node::Node& node, const raft::RaftStatus& status, TimeUs now_us);
  void on_persisted(NodeId node, const std::vector<raft::Entry>& entries, TimeUs now_us);
  void on_apply(NodeId node, const raft::Entry& entry, TimeUs now_us);
  void on_snapshot_installed(NodeId node, LogIndex index, Term term, TimeUs now_us);
  void on_log_compacted(NodeId node, LogIndex through, TimeUs now_us);
  void on_crash(NodeId node, LogIndex durable_commit);
  void on_restart(const node::Node& node, TimeUs now_us);
  // After a peer message reached `node`: every peer here is honest, so no
  // message may have been refused as impossible (core/raft/refused_message.h).
  void on_peer_message(const node::Node& node, TimeUs now_us);

  bool violated() const { return !violation_.empty(); }
  const std::string& violation() const { return violation_; }
  ViolationKind violation_kind() const { return kind_; }
  // Records the first violation; later ones are ignored.
  void fail(ViolationKind kind, TimeUs now_us, const std::string& what);
  LogIndex max_applied() const { return applied_.size(); }

 private:
  struct EntryId {
    Term term;
    std::uint64_t data_hash;
  };
  struct PerNode {
    // chain[i]: hash of the log prefix ending at index chain_base + 1 + i;
    // base_hash: the hash of the prefix ending at chain_base.
    std::vector<std::uint64_t> chain;
    LogIndex chain_base = 0;
    std::uint64_t base_hash = 0;
    LogIndex last_commit = 0;
    LogIndex durable_commit_at_crash = 0;
    LogIndex last_applied = 0;
    Term last_leader_term = 0;
  };
  static std::uint64_t chain_key(LogIndex index, Term term) { return index * 0x9E3779B97F4A7C15ULL ^ term; }
  void check_chain(NodeId node, LogIndex index, Term term, std::uint64_t chain, TimeUs now_us);
  std::uint64_t chain_at_snapshot(LogIndex index, Term term) const;
  void reset_chain(PerNode& state, LogIndex base, Term base_term);
  void rebuild_chain(NodeId node, const raft::RaftLog& log, TimeUs now_us);
  void check_leader_completeness(const node::Node& node, TimeUs now_us);

  std::vector<PerNode> nodes_;  // by node id (index 0 unused)
  std::unordered_map<Term, NodeId> leader_of_term_;  // lookups only; never iterated
  struct ChainEntry {
    LogIndex index;
    Term term;
    std::uint64_t chain;
  };
  std::unordered_multimap<std::uint64_t, ChainEntry> first_chain_;  // lookups only
  std::vector<EntryId> applied_;  // applied_[i - 1]: the entry applied at index i
  std::string violation_;
  ViolationKind kind_ = ViolationKind::None;
};

}  // namespace confman::sim
