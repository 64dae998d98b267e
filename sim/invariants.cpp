#include "sim/invariants.h"

#include <algorithm>

#include "core/util/codec.h"

namespace confman::sim {

namespace {
std::uint64_t entry_hash(const raft::Entry& entry) {
  return hash_bytes(entry.data, hash_u64(static_cast<std::uint64_t>(entry.type)));
}
std::uint64_t next_chain(std::uint64_t previous, const raft::Entry& entry) {
  std::uint64_t hash = hash_u64(previous);
  hash = hash_u64(entry.term, hash);
  hash = hash_u64(entry.index, hash);
  return hash_u64(entry_hash(entry), hash);
}
std::string at(TimeUs now_us) { return "at t=" + std::to_string(now_us) + "us: "; }
}  // namespace

Invariants::Invariants(int node_count) : nodes_(static_cast<std::size_t>(node_count) + 1) {}

void Invariants::fail(ViolationKind kind, TimeUs now_us, const std::string& what) {
  if (!violation_.empty()) return;
  violation_ = at(now_us) + what;
  kind_ = kind;
}

void Invariants::on_status(const node::Node& node, const raft::RaftStatus& status, TimeUs now_us) {
  PerNode& state = nodes_[status.id];
  if (status.commit < state.last_commit) {
    fail(ViolationKind::CommitRegression, now_us, "commit index of node " + std::to_string(status.id) + " went back from " +
                     std::to_string(state.last_commit) + " to " + std::to_string(status.commit));
  }
  state.last_commit = status.commit;
  if (status.role != raft::Role::Leader || state.last_leader_term == status.term) return;
  state.last_leader_term = status.term;
  auto [it, inserted] = leader_of_term_.emplace(status.term, status.id);
  if (!inserted && it->second != status.id) {
    fail(ViolationKind::ElectionSafety, now_us, "two leaders in term " + std::to_string(status.term) + ": nodes " + std::to_string(it->second) +
                     " and " + std::to_string(status.id) + " (Election Safety, §5.2)");
  }
  check_leader_completeness(node, now_us);
}

void Invariants::check_leader_completeness(const node::Node& node, TimeUs now_us) {
  const raft::RaftLog& log = node.raft().log();
  // Below the compaction point the log holds nothing to compare; the point
  // itself still has its term.
  for (LogIndex index = std::max<LogIndex>(1, log.compacted_index()); index <= applied_.size(); ++index) {
    const auto term = log.term_at(index);
    if (term == applied_[index - 1].term) continue;
    fail(ViolationKind::LeaderCompleteness, now_us, "new leader " + std::to_string(node.id()) + " of term " + std::to_string(node.raft().term()) +
                     " lacks committed entry " + std::to_string(index) + " (term " +
                     std::to_string(applied_[index - 1].term) + "; it has " +
                     (term ? "term " + std::to_string(*term) : std::string("nothing")) +
                     ") (Leader Completeness, §5.4)");
    return;
  }
}

void Invariants::check_chain(NodeId node, LogIndex index, Term term, std::uint64_t chain, TimeUs now_us) {
  const std::uint64_t key = chain_key(index, term);
  auto range = first_chain_.equal_range(key);
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second.index != index || it->second.term != term) continue;
    if (it->second.chain != chain) {
      fail(ViolationKind::LogMatching, now_us, "node " + std::to_string(node) + " holds entry " + std::to_string(index) + " of term " +
                       std::to_string(term) + " after a different log prefix than another node (Log Matching, §5.3)");
    }
    return;
  }
  first_chain_.emplace(key, ChainEntry{index, term, chain});
}

void Invariants::on_persisted(NodeId node, const std::vector<raft::Entry>& entries, TimeUs now_us) {
  if (entries.empty()) return;
  PerNode& state = nodes_[node];
  std::vector<std::uint64_t>& chain = state.chain;
  const LogIndex first = entries.front().index;
  const LogIndex end = state.chain_base + chain.size();  // last index of the mirrored log
  if (first > end + 1) {
    fail(ViolationKind::LogContinuity, now_us, "node " + std::to_string(node) + " persisted entry " + std::to_string(first) +
                     " after a gap (log ends at " + std::to_string(end) + ")");
    return;
  }
  for (const raft::Entry& entry : entries) {
    if (entry.index <= state.chain_base) continue;  // covered by a snapshot since (never the case today)
    chain.resize(entry.index - state.chain_base - 1);
    const std::uint64_t previous = chain.empty() ? state.base_hash : chain.back();
    chain.push_back(next_chain(previous, entry));
    check_chain(node, entry.index, entry.term, chain.back(), now_us);
  }
}

void Invariants::on_apply(NodeId node, const raft::Entry& entry, TimeUs now_us) {
  PerNode& state = nodes_[node];
  if (entry.index != state.last_applied + 1) {
    fail(ViolationKind::LogContinuity, now_us, "node " + std::to_string(node) + " applied index " + std::to_string(entry.index) + " after " +
                     std::to_string(state.last_applied) + " (entries must apply in order, once)");
  }
  state.last_applied = entry.index;
  const EntryId id{entry.term, entry_hash(entry)};
  if (entry.index > applied_.size()) {
    applied_.push_back(id);
    return;
  }
  const EntryId& first = applied_[entry.index - 1];
  if (first.term != id.term || first.data_hash != id.data_hash) {
    fail(ViolationKind::StateMachineSafety, now_us, "node " + std::to_string(node) + " applied a different entry at index " +
                     std::to_string(entry.index) + " (term " + std::to_string(entry.term) + ") than was applied before (term " +
                     std::to_string(first.term) + ") (State Machine Safety, §5.4.3)");
  }
}

void Invariants::on_crash(NodeId node, LogIndex durable_commit) {
  PerNode& state = nodes_[node];
  state.durable_commit_at_crash = durable_commit;
  state.last_commit = 0;  // the in-memory commit is gone; the durable one is checked at restart
  state.last_applied = 0;
  state.last_leader_term = 0;
}

void Invariants::on_restart(const node::Node& node, TimeUs now_us) {
  PerNode& state = nodes_[node.id()];
  const LogIndex commit = node.status().commit;
  // A repaired node lost committed entries on purpose (a cut at the damage);
  // it learns its commit index again from the leader.
  if (commit < state.durable_commit_at_crash && !node.status().recovering) {
    fail(ViolationKind::CommitRegression, now_us, "node " + std::to_string(node.id()) + " restarted with commit index " + std::to_string(commit) +
                     " below the " + std::to_string(state.durable_commit_at_crash) + " it had made durable");
  }
  rebuild_chain(node.id(), node.raft().log(), now_us);
}

void Invariants::rebuild_chain(NodeId node, const raft::RaftLog& log, TimeUs now_us) {
  PerNode& state = nodes_[node];
  reset_chain(state, log.compacted_index(), log.compacted_term());
  for (LogIndex index = log.first_index(); index <= log.last_index(); ++index) {
    const raft::Entry& entry = log.at(index);
    state.chain.push_back(next_chain(state.chain.empty() ? state.base_hash : state.chain.back(), entry));
    check_chain(node, index, entry.term, state.chain.back(), now_us);
  }
}

// The chain of the log prefix ending at (index, term), as first recorded by
// any node. A snapshot is only ever taken at an index its node applied, so
// had persisted, so the record exists; if it somehow does not, a value
// derived from (index, term) alone still lets two logs that start at the
// same snapshot be compared with each other.
std::uint64_t Invariants::chain_at_snapshot(LogIndex index, Term term) const {
  if (index == 0) return 0;
  auto range = first_chain_.equal_range(chain_key(index, term));
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second.index == index && it->second.term == term) return it->second.chain;
  }
  return hash_u64(term, hash_u64(index, 0x5A17ULL));
}

void Invariants::reset_chain(PerNode& state, LogIndex base, Term base_term) {
  state.chain.clear();
  state.chain_base = base;
  state.base_hash = chain_at_snapshot(base, base_term);
}

void Invariants::on_snapshot_installed(NodeId node, LogIndex index, Term term, TimeUs now_us) {
  PerNode& state = nodes_[node];
  if (index <= state.last_applied) {
    fail(ViolationKind::StateMachineSafety, now_us, "node " + std::to_string(node) + " installed a snapshot at index " + std::to_string(index) +
                     " at or below its applied index " + std::to_string(state.last_applied));
  }
  if (index > applied_.size()) {
    fail(ViolationKind::StateMachineSafety, now_us, "node " + std::to_string(node) + " installed a snapshot at index " + std::to_string(index) +
                     " beyond every index any node applied (" + std::to_string(applied_.size()) + ")");
  } else if (applied_[index - 1].term != term) {
    fail(ViolationKind::StateMachineSafety, now_us, "node " + std::to_string(node) + " installed a snapshot at index " + std::to_string(index) +
                     " of term " + std::to_string(term) + " where term " + std::to_string(applied_[index - 1].term) +
                     " was applied (State Machine Safety, §5.4.3)");
  }
  state.last_applied = index;
  reset_chain(state, index, term);
}

void Invariants::on_log_compacted(NodeId node, LogIndex through, TimeUs now_us) {
  PerNode& state = nodes_[node];
  if (through <= state.chain_base) return;
  const LogIndex dropped = through - state.chain_base;
  if (dropped > state.chain.size()) {
    fail(ViolationKind::LogContinuity, now_us, "node " + std::to_string(node) + " compacted its log through " + std::to_string(through) +
                     " beyond what it had persisted (" + std::to_string(state.chain_base + state.chain.size()) + ")");
    return;
  }
  state.base_hash = state.chain[dropped - 1];
  state.chain.erase(state.chain.begin(), state.chain.begin() + static_cast<std::ptrdiff_t>(dropped));
  state.chain_base = through;
}

void Invariants::on_peer_message(const node::Node& node, TimeUs now_us) {
  const raft::RefusedCounts& refused = node.raft().refused_messages();
  for (std::size_t kind = 0; kind < refused.size(); ++kind) {
    if (refused[kind] == 0) continue;
    fail(ViolationKind::RefusedMessage, now_us,
         "node " + std::to_string(node.id()) + " refused a peer message as " +
             raft::refused_message_name(static_cast<raft::RefusedMessage>(kind)) +
             ", which no honest peer sends");
    return;
  }
}

}  // namespace confman::sim
