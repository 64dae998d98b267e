// Log replication (§5.3), commitment (§5.4.2) and ReadIndex (§6.4).

#include <algorithm>
#include <vector>

#include "core/raft/quorum.h"
#include "core/raft/raft.h"
#include "core/util/assert.h"

namespace confman::raft {

bool Raft::from_the_leader_of_this_term(const Message& message) const {
  CONFMAN_ASSERT(message.term == term_, "leader traffic is checked only in the current term");
  // This node leads the term, or heard another leader in it: a second one
  // would break Election Safety (§5.2).
  return role_ != Role::Leader && (leader_ == kNoNode || leader_ == message.from);
}

void Raft::handle_append(const Message& message) {
  if (!from_the_leader_of_this_term(message)) return refuse(RefusedMessage::SecondLeader);
  // A committed entry can never conflict (Leader Completeness, §5.4): an
  // append that says otherwise is refused whole, before anything changes.
  if (log_.matches(message.index, message.log_term) && log_.conflicts_at_or_below_commit(message.entries)) {
    return refuse(RefusedMessage::TruncatesCommitted);
  }
  if (role_ != Role::Follower) become_follower(term_, message.from);
  leader_ = message.from;
  last_leader_contact_us_ = now_us_;
  reset_election_deadline();

  if (message.index < log_.committed()) {
    // Everything up to our commit index already matches the leader (§5.4).
    send(Message{.type = MessageType::AppendResponse, .to = message.from, .index = log_.committed()});
    return;
  }
  if (auto last_new = log_.try_append(message.index, message.log_term, message.entries)) {
    forget_replaced_config_entries(message.index);
    for (const Entry& entry : message.entries) note_config_entry(entry);
    log_.commit_to(std::min(message.commit, *last_new));
    maybe_finish_recovery(message);
    send(Message{.type = MessageType::AppendResponse, .to = message.from, .index = *last_new});
    return;
  }
  // §5.3 consistency check failed. Instead of one step back per round trip,
  // answer with the last index that can match the leader's term there.
  const LogIndex hint = log_.find_conflict_by_term(std::min(message.index, log_.last_index()), message.log_term);
  send(Message{.type = MessageType::AppendResponse,
               .to = message.from,
               .index = message.index,
               .log_term = *log_.term_at(hint),
               .reject = true,
               .reject_hint = hint});
}

void Raft::handle_heartbeat(const Message& message) {
  if (!from_the_leader_of_this_term(message)) return refuse(RefusedMessage::SecondLeader);
  if (role_ != Role::Follower) become_follower(term_, message.from);
  leader_ = message.from;
  last_leader_contact_us_ = now_us_;
  reset_election_deadline();
  // The leader sends min(match, commit), so this never passes entries we
  // do not share with it.
  log_.commit_to(std::min(message.commit, log_.last_index()));
  send(Message{.type = MessageType::HeartbeatResponse, .to = message.from, .read_context = message.read_context});
}

void Raft::handle_append_response(const Message& message) {
  if (role_ != Role::Leader) return;
  if (!message.reject && message.index > log_.last_index()) return refuse(RefusedMessage::AckBeyondLog);
  auto found = progress_.find(message.from);
  if (found == progress_.end()) return;
  Progress& progress = found->second;
  progress.recent_active = true;
  note_follower_recovering(progress, message);
  if (message.reject) {
    LogIndex next_probe = message.reject_hint;
    if (message.log_term > 0) next_probe = log_.find_conflict_by_term(message.reject_hint, message.log_term);
    if (progress.maybe_decrease_to(message.index, next_probe)) {
      if (progress.state == Progress::State::Replicate) progress.become_probe();
      maybe_send_append(message.from, true);
    }
    return;
  }
  if (!progress.maybe_update(message.index)) return;
  if (progress.state == Progress::State::Probe) progress.become_replicate();
  if (message.from == transfer_target_) maybe_send_timeout_now();
  // A delayed acknowledgement may show that a follower we are sending a
  // snapshot to already holds everything from our compaction point on: the
  // snapshot is not needed any more.
  if (progress.state == Progress::State::Snapshot && progress.match >= log_.compacted_index()) {
    progress.become_replicate();
  }
  if (maybe_commit()) {
    on_commit_advanced();
  } else {
    while (maybe_send_append(message.from, false)) {
    }
  }
}

void Raft::handle_heartbeat_response(const Message& message) {
  if (role_ != Role::Leader) return;
  auto found = progress_.find(message.from);
  if (found == progress_.end()) return;
  Progress& progress = found->second;
  progress.recent_active = true;
  note_follower_recovering(progress, message);
  // Appends may have been lost (a partition, a crash): a probing follower
  // may probe again, and a replicating one whose in-flight window is full
  // gets one slot back, so the next append goes out and either succeeds or
  // is rejected into a probe. Without this, lost appends stall a follower
  // for good.
  progress.probe_sent = false;
  if (progress.state == Progress::State::Replicate && progress.paused(config_.max_inflight_appends)) {
    progress.inflight.pop_front();
  }
  // An empty append still tells us where the follower stands when the
  // last answer was lost.
  // A recovering follower gets one too: the append that reaches our last
  // index is what ends its recovery.
  if (progress.match < log_.last_index() || progress.recovering) maybe_send_append(message.from, true);
  if (message.read_context > progress.read_context_acked) {
    progress.read_context_acked = message.read_context;
    release_confirmed_reads();
  }
}

bool Raft::maybe_send_append(NodeId peer, bool send_if_empty) {
  Progress& progress = progress_[peer];
  // §7: the entry before next has been compacted away (or a transfer is
  // under way): the follower gets the snapshot instead.
  if (progress.state == Progress::State::Snapshot || progress.next <= log_.compacted_index()) {
    return maybe_send_snapshot(peer, progress);
  }
  if (progress.paused(config_.max_inflight_appends)) return false;
  const LogIndex prev_index = progress.next - 1;
  const auto prev_term = log_.term_at(prev_index);
  CONFMAN_ASSERT(prev_term.has_value(), "progress.next beyond the leader's log");
  std::vector<Entry> entries = log_.slice(progress.next, log_.last_index(), config_.max_entries_per_append,
                                          config_.max_append_bytes);
  if (entries.empty() && !send_if_empty) return false;
  const LogIndex last_sent = prev_index + entries.size();
  if (progress.state == Progress::State::Replicate && !entries.empty()) {
    progress.next = last_sent + 1;
    progress.inflight.push_back(last_sent);
  } else if (progress.state == Progress::State::Probe) {
    progress.probe_sent = true;
  }
  send(Message{.type = MessageType::Append,
               .to = peer,
               .index = prev_index,
               .log_term = *prev_term,
               .commit = log_.committed(),
               .entries = std::move(entries),
               .reaches_leader_end = progress.recovering && last_sent == log_.last_index()});
  return true;
}

void Raft::broadcast_append() {
  for (auto& [member, progress] : progress_) {
    if (member != config_.id) maybe_send_append(member, false);
  }
}

void Raft::broadcast_heartbeat() {
  for (const auto& [member, progress] : progress_) {
    if (member == config_.id) continue;
    send(Message{.type = MessageType::Heartbeat,
                 .to = member,
                 .commit = std::min(progress.match, log_.committed()),
                 .read_context = read_context_});
  }
}

bool Raft::maybe_commit() {
  const LogIndex quorum_match =
      quorum::committed_index(membership_, [this](NodeId voter) { return progress_[voter].match; });
  if (quorum_match <= log_.committed()) return false;
  // §5.4.2: only an entry of the current term is committed by counting
  // replicas; earlier entries are committed indirectly (Figure 8).
  if (log_.term_at(quorum_match) != term_) return false;
  log_.commit_to(quorum_match);
  return true;
}

void Raft::on_commit_advanced() {
  broadcast_append();
  maybe_hand_over_after_removal();
  if (role_ != Role::Leader) return;
  if (!reads_awaiting_term_commit_.empty() && log_.term_at(log_.committed()) == term_) {
    while (!reads_awaiting_term_commit_.empty()) {
      start_read(reads_awaiting_term_commit_.front());
      reads_awaiting_term_commit_.pop_front();
    }
  }
}

void Raft::start_read(std::uint64_t request_id) {
  read_context_ += 1;
  pending_reads_.push_back(PendingRead{request_id, log_.committed(), read_context_});
  if (membership_.voters.size() == 1 && is_voter(config_.id)) {
    release_confirmed_reads();
    return;
  }
  // One heartbeat round confirms every read started in this step.
  read_round_needed_ = true;
}

void Raft::release_confirmed_reads() {
  while (!pending_reads_.empty()) {
    const PendingRead& read = pending_reads_.front();
    const bool confirmed = quorum::majority(membership_, [this, &read](NodeId voter) {
      return voter == config_.id || progress_[voter].read_context_acked >= read.context;
    });
    if (!confirmed) return;
    confirmed_reads_.push_back(ReadState{read.request_id, read.index});
    pending_reads_.pop_front();
  }
}

void Raft::fail_pending_reads() {
  for (const PendingRead& read : pending_reads_) failed_reads_.push_back(read.request_id);
  for (std::uint64_t request_id : reads_awaiting_term_commit_) failed_reads_.push_back(request_id);
  pending_reads_.clear();
  reads_awaiting_term_commit_.clear();
  read_round_needed_ = false;
}

}  // namespace confman::raft
