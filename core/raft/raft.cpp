#include "core/raft/raft.h"

#include <algorithm>

#include "core/util/assert.h"

namespace confman::raft {

const char* role_name(Role role) {
  switch (role) {
    case Role::Follower: return "follower";
    case Role::PreCandidate: return "pre-candidate";
    case Role::Candidate: return "candidate";
    case Role::Leader: return "leader";
  }
  return "unknown";
}

Raft::Raft(RaftConfig config, std::uint64_t seed) : config_(std::move(config)), random_(seed) {
  CONFMAN_ASSERT(config_.id != kNoNode, "Raft needs a node id");
  CONFMAN_ASSERT(config_.heartbeat_interval_us > 0 &&
                     config_.heartbeat_interval_us < config_.election_timeout_us,
                 "heartbeat interval must be positive and below the election timeout");
  CONFMAN_ASSERT(config_.max_inflight_appends > 0, "max_inflight_appends must be positive");
  CONFMAN_ASSERT(config_.max_snapshot_chunk_bytes > 0 && config_.max_snapshot_chunk_bytes <= kMaxSnapshotChunkBytes,
                 "max_snapshot_chunk_bytes must be in 1..kMaxSnapshotChunkBytes");
  CONFMAN_ASSERT(config_.voters.size() + config_.learners.size() <= kMaxMembers, "more members than kMaxMembers");
  std::sort(config_.voters.begin(), config_.voters.end());
  std::sort(config_.learners.begin(), config_.learners.end());
  Membership founding{config_.voters, config_.learners};
  for (NodeId learner : founding.learners) {
    CONFMAN_ASSERT(!founding.is_voter(learner), "a founding learner is also a voter");
  }
  reset_membership(founding);
}

void Raft::restore(const HardState& hard_state, std::vector<Entry> entries, TimeUs now_us) {
  restore(hard_state, std::nullopt, std::move(entries), now_us);
}

void Raft::restore(const HardState& hard_state, std::optional<Snapshot> snapshot, std::vector<Entry> entries,
                   TimeUs now_us) {
  now_us_ = now_us;
  term_ = hard_state.term;
  vote_ = hard_state.vote;
  const LogIndex snapshot_index = snapshot ? snapshot->index : 0;
  const Term snapshot_term = snapshot ? snapshot->term : 0;
  restore_membership(snapshot, entries);
  // A snapshot holds committed state only, so the commit index is at least
  // its index even if the hard state was last written before it.
  log_.restore(snapshot_index, snapshot_term, std::move(entries), std::max(hard_state.commit, snapshot_index));
  if (snapshot) set_snapshot(std::move(*snapshot));
  persisted_hard_state_ = hard_state;
  recovering_ = hard_state.recovering;
  // A lone voter has no leader to re-fetch from: the repair that cut its
  // log accepted the loss, and waiting would only keep it down for good.
  if (recovering_ && membership_.voters.size() == 1 && is_voter(config_.id)) recovering_ = false;
  set_first_election_deadline();
}

void Raft::advance_clock(TimeUs now_us) {
  if (now_us >= now_us_) {
    now_us_ = now_us;
    return;
  }
  // The clock went backwards (a misbehaving clock source). Count no time as
  // having passed: shift every deadline back with it, so timers neither
  // freeze until the clock catches up nor fire early.
  const TimeUs back_us = now_us_ - now_us;
  election_deadline_us_ -= back_us;
  heartbeat_deadline_us_ -= back_us;
  check_quorum_deadline_us_ -= back_us;
  last_leader_contact_us_ -= back_us;
  // Forgetting these two put a leader's abandoned transfer off by the jump,
  // refusing every proposal meanwhile (swarm seed 828 of chaos-5: 17 s).
  transfer_deadline_us_ -= back_us;
  last_write_taken_us_ -= back_us;
  now_us_ = now_us;
}

// Which messages wait for the Ready's write: everything but a leader's own
// (raft.h, the I/O ordering contract, step 3).
void Raft::send(Message message) {
  message.from = config_.id;
  if (message.term == 0) message.term = term_;
  const bool leaders_own = message.type == MessageType::Append || message.type == MessageType::Heartbeat ||
                           message.type == MessageType::Snapshot || message.type == MessageType::TimeoutNow;
  if (recovering_ && (message.type == MessageType::AppendResponse || message.type == MessageType::HeartbeatResponse ||
                      message.type == MessageType::SnapshotResponse)) {
    message.recovering = true;
  }
  (leaders_own ? outbox_ : outbox_after_persist_).push_back(std::move(message));
}

void Raft::step(const Message& message, TimeUs now_us) {
  advance_clock(now_us);
  if (message.to != config_.id || message.from == kNoNode) return;  // not for us
  if (message.from == config_.id) return refuse(RefusedMessage::FromSelf);
  if (auto refused = check_leader_message(message)) return refuse(*refused);
  const bool is_vote_request = message.type == MessageType::Vote || message.type == MessageType::PreVote;
  // Vote requests from servers outside our membership are still answered:
  // during a change two voters may each be outside the other's membership,
  // and if they ignored each other no one could win (found by the
  // membership property suite). A removed server that keeps campaigning is
  // held off by the lease below and by pre-vote, and cannot win: the voters
  // that hold its removal refuse its shorter log (§5.4.1).

  if (message.term > term_) {
    // Dissertation §4.2.3: a server that heard from a current leader within
    // the minimum election timeout ignores vote requests, so a partitioned
    // server rejoining cannot depose a healthy leader; unless that leader
    // asked for the election (leadership transfer, §3.10).
    if (is_vote_request && in_leader_lease() && !message.transfer) return;
    const bool keeps_term = message.type == MessageType::PreVote ||
                            (message.type == MessageType::PreVoteResponse && !message.reject);
    if (!keeps_term) {
      const bool from_leader = message.type == MessageType::Append || message.type == MessageType::Heartbeat ||
                               message.type == MessageType::Snapshot;
      become_follower(message.term, from_leader ? message.from : kNoNode);
    }
  } else if (message.term < term_) {
    if (message.type == MessageType::Append || message.type == MessageType::Heartbeat ||
        message.type == MessageType::Snapshot) {
      // A stale leader (e.g. one that was paused) learns the newer term from
      // our answer and steps down; with pre-vote it would otherwise never
      // hear a higher term.
      send(Message{.type = MessageType::AppendResponse, .to = message.from});
    } else if (message.type == MessageType::PreVote) {
      send(Message{.type = MessageType::PreVoteResponse, .to = message.from, .reject = true});
    }
    return;
  }

  switch (message.type) {
    case MessageType::PreVote:
    case MessageType::Vote: handle_vote_request(message); break;
    case MessageType::PreVoteResponse:
    case MessageType::VoteResponse: handle_vote_response(message); break;
    case MessageType::Append: handle_append(message); break;
    case MessageType::Heartbeat: handle_heartbeat(message); break;
    case MessageType::AppendResponse: handle_append_response(message); break;
    case MessageType::HeartbeatResponse: handle_heartbeat_response(message); break;
    case MessageType::Snapshot: handle_snapshot(message); break;
    case MessageType::SnapshotResponse: handle_snapshot_response(message); break;
    case MessageType::TimeoutNow: handle_timeout_now(message); break;
  }
}

void Raft::tick(TimeUs now_us) {
  advance_clock(now_us);
  if (role_ == Role::Leader) {
    tick_leader();
    return;
  }
  const bool campaigning = role_ == Role::PreCandidate || role_ == Role::Candidate;
  if (campaigning && now_us_ >= heartbeat_deadline_us_ && now_us_ < election_deadline_us_) {
    request_votes();
    return;
  }
  if (now_us_ < election_deadline_us_) return;
  if (!can_campaign()) {
    reset_election_deadline();  // a learner, a removed or a joining node never campaigns
    return;
  }
  campaign(config_.pre_vote);
}

Result<LogIndex, Rejection> Raft::propose(Bytes data, TimeUs now_us) {
  advance_clock(now_us);
  if (role_ != Role::Leader) return unexpected(Rejection{RejectReason::NotLeader, leader_});
  if (log_.last_index() - log_.committed() >= config_.max_uncommitted_entries) {
    return unexpected(Rejection{RejectReason::Busy, leader_, "too many uncommitted entries"});
  }
  if (transfer_target_ != kNoNode) {
    // §3.10: a leader handing over takes no new proposals meanwhile.
    return unexpected(Rejection{RejectReason::Busy, leader_, "a leadership transfer is under way"});
  }
  const LogIndex index = log_.last_index() + 1;
  log_.append(Entry{term_, index, EntryType::Normal, std::move(data)});
  broadcast_append();
  return index;
}

Result<Done, Rejection> Raft::read_index(std::uint64_t request_id, TimeUs now_us) {
  advance_clock(now_us);
  if (role_ != Role::Leader) return unexpected(Rejection{RejectReason::NotLeader, leader_});
  if (pending_reads_.size() + reads_awaiting_term_commit_.size() >= config_.max_pending_reads) {
    return unexpected(Rejection{RejectReason::Busy, leader_});
  }
  // §6.4 step 1: until the leader has committed an entry of its own term it
  // does not know the latest commit index; the read waits for its no-op.
  if (log_.term_at(log_.committed()) != term_) {
    reads_awaiting_term_commit_.push_back(request_id);
    return Done{};
  }
  start_read(request_id);
  return Done{};
}

// Term and vote must be durable before the node acts on them (§5.1, Figure
// 2: "updated on stable storage before responding to RPCs"). The commit index
// is volatile state in the paper: a node that restarts with an older one
// learns the rest from the leader. So a newer commit index rides along with
// the next write that is needed anyway, and is written on its own only once
// the node has written nothing for a heartbeat interval (so that a restart
// after a quiet spell replays everything from its own disk). Writing it at
// once costs a lone client two syncs per write on the leader, one for the
// entry and one for the commit index, since the next entry waits for both.
bool Raft::write_needed() const {
  if (snapshot_unpersisted_ || pinned_fields_changed() || log_.unstable_from() <= log_.last_index()) {
    return true;
  }
  return log_.committed() != persisted_hard_state_.commit &&
         now_us_ - last_write_taken_us_ >= config_.heartbeat_interval_us;
}

bool Raft::has_ready() const {
  return write_needed() || !outbox_.empty() || !outbox_after_persist_.empty() || read_round_needed_ || !confirmed_reads_.empty() ||
         !failed_reads_.empty();
}

Ready Raft::take_ready() {
  if (read_round_needed_) {
    read_round_needed_ = false;
    broadcast_heartbeat();
  }
  Ready ready;
  if (write_needed()) {
    last_write_taken_us_ = now_us_;
    if (hard_state() != persisted_hard_state_) {
      ready.hard_state = hard_state();
      ready.pin_hard_state = pinned_fields_changed();
    }
  }
  if (snapshot_unpersisted_) {
    ready.snapshot = snapshot_;
    snapshot_unpersisted_ = false;
  }
  if (log_.unstable_from() <= log_.last_index()) {
    ready.persist_from = log_.unstable_from();
    ready.entries = log_.slice(ready.persist_from, log_.last_index(), SIZE_MAX, SIZE_MAX);
  }
  ready.messages = std::move(outbox_);
  outbox_.clear();
  ready.messages_after_persist = std::move(outbox_after_persist_);
  outbox_after_persist_.clear();
  ready.read_states = std::move(confirmed_reads_);
  confirmed_reads_.clear();
  ready.failed_reads = std::move(failed_reads_);
  failed_reads_.clear();
  return ready;
}

void Raft::advance(const Ready& ready) {
  if (ready.snapshot && install_pending_ == std::pair{ready.snapshot->index, ready.snapshot->term}) {
    install_pending_.reset();  // a newer install since this Ready was taken stays pending
  }
  if (ready.hard_state) persisted_hard_state_ = *ready.hard_state;
  if (!ready.entries.empty()) {
    const Entry& last = ready.entries.back();
    log_.stable_to(last.index, last.term);
  }
  if (role_ == Role::Leader) {
    // The leader counts itself only for entries it has made durable.
    progress_[config_.id].maybe_update(log_.stable_index());
    if (maybe_commit()) on_commit_advanced();
  }
}

LogIndex Raft::applicable_index() const {
  if (install_pending_) return 0;
  return std::min(log_.committed(), log_.stable_index());
}

TimeUs Raft::next_deadline_us() const {
  if (role_ == Role::PreCandidate || role_ == Role::Candidate) {
    return std::min(election_deadline_us_, heartbeat_deadline_us_);
  }
  if (role_ != Role::Leader) return election_deadline_us_;
  TimeUs deadline = heartbeat_deadline_us_;
  if (config_.check_quorum) deadline = std::min(deadline, check_quorum_deadline_us_);
  return deadline;
}

RaftStatus Raft::status() const {
  return RaftStatus{config_.id, role_,          term_,           vote_,
                    leader_,    log_.committed(), log_.last_index(), log_.last_term(),
                    log_.stable_index(), recovering_};
}

}  // namespace confman::raft
