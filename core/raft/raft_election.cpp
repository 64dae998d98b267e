// Leader election (§5.2, §5.4.1) with pre-vote and check-quorum
// (dissertation §9.6, §6.2).

#include <algorithm>

#include "core/raft/quorum.h"
#include "core/raft/raft.h"
#include "core/util/assert.h"

namespace confman::raft {

void Raft::reset_election_deadline() {
  // §5.2: randomized timeouts in [T, 2T) make split votes rare.
  const TimeUs timeout = config_.election_timeout_us;
  election_deadline_us_ = now_us_ + timeout + random_.between(0, timeout - 1);
}

void Raft::set_first_election_deadline() {
  const TimeUs timeout = config_.election_timeout_us;
  const TimeUs random_part = random_.between(0, timeout - 1);
  if (can_campaign() && membership_.voters.size() == 1) {
    // A lone voter has no one to hear from: it campaigns at the first tick.
    // Waiting the timeout made a fresh single-node server answer 503 "no
    // leader" for up to two timeouts, failing the quick start's first write.
    election_deadline_us_ = now_us_;
    return;
  }
  if (term_ == 0 && log_.last_index() == 0) {
    // A member of a cluster that has never elected anyone has no leader to
    // wait for. Like etcd's advanceTicks, it skips the fixed part of the
    // timeout and keeps the random part, which still sets the candidates
    // apart (§5.2); the heartbeat interval leaves the others a moment to start.
    election_deadline_us_ = now_us_ + config_.heartbeat_interval_us + random_part;
    return;
  }
  // A node with history waits the whole timeout: a leader may exist, and
  // pre-vote would refuse it anyway until that leader is quiet (§9.6).
  election_deadline_us_ = now_us_ + timeout + random_part;
}

bool Raft::in_leader_lease() const {
  if (!config_.check_quorum) return false;
  if (role_ == Role::Leader) return true;
  return leader_ != kNoNode && now_us_ - last_leader_contact_us_ < config_.election_timeout_us;
}

void Raft::become_follower(Term term, NodeId leader) {
  CONFMAN_ASSERT(term >= term_, "a node never moves to a lower term");
  if (role_ == Role::Leader) fail_pending_reads();
  abort_transfer();
  if (term > term_) {
    term_ = term;
    vote_ = kNoNode;
  }
  role_ = Role::Follower;
  leader_ = leader;
  if (leader != kNoNode) last_leader_contact_us_ = now_us_;
  progress_.clear();
  votes_.clear();
  reset_election_deadline();
}

void Raft::become_pre_candidate() {
  CONFMAN_ASSERT(role_ != Role::Leader, "a leader does not campaign");
  // Pre-vote does not touch term or vote: a node that cannot win leaves the
  // cluster's term alone (dissertation §9.6).
  role_ = Role::PreCandidate;
  leader_ = kNoNode;
  votes_.clear();
  if (is_voter(config_.id)) votes_[config_.id] = true;  // not when campaigning to finish its own removal
  reset_election_deadline();
}

void Raft::become_candidate() {
  CONFMAN_ASSERT(role_ != Role::Leader, "a leader does not campaign");
  term_ += 1;
  vote_ = config_.id;
  role_ = Role::Candidate;
  leader_ = kNoNode;
  votes_.clear();
  if (is_voter(config_.id)) votes_[config_.id] = true;
  reset_election_deadline();
}

void Raft::become_leader() {
  CONFMAN_ASSERT(role_ == Role::Candidate, "only a candidate becomes leader");
  role_ = Role::Leader;
  leader_ = config_.id;
  votes_.clear();
  progress_.clear();
  for (NodeId member : membership_.members()) {
    Progress& progress = progress_[member];
    progress.next = log_.last_index() + 1;
    progress.recent_active = member == config_.id;
  }
  progress_[config_.id].next = log_.last_index() + 1;
  progress_[config_.id].match = log_.stable_index();
  heartbeat_deadline_us_ = now_us_;
  check_quorum_deadline_us_ = now_us_ + config_.election_timeout_us;
  // §5.4.2 / §8: a leader cannot count replicas of entries from earlier terms,
  // so it commits them by committing an entry of its own term at once.
  log_.append(Entry{term_, log_.last_index() + 1, EntryType::Noop, {}});
  broadcast_append();
}

void Raft::campaign(bool pre_vote, bool transfer) {
  CONFMAN_ASSERT(can_campaign(), "only a voter campaigns");
  if (pre_vote) {
    become_pre_candidate();
  } else {
    become_candidate();
  }
  if (quorum::tally(membership_, votes_) == quorum::VoteResult::Won) {  // a single-voter cluster wins at once
    if (pre_vote) {
      campaign(false);
    } else {
      become_leader();
    }
    return;
  }
  campaign_is_transfer_ = transfer;
  request_votes();
}

// Asks every voter that has not answered yet. Sent again each heartbeat
// interval of the round: a lost request or answer otherwise cost the whole
// randomized timeout (with 2% loss, a quarter of the slowest failovers in
// the simulator's sweeps). A voter answers a repeat as it did the first
// time: a vote is granted again to the candidate it went to, to no other.
void Raft::request_votes() {
  const bool pre_vote = role_ == Role::PreCandidate;
  const MessageType type = pre_vote ? MessageType::PreVote : MessageType::Vote;
  // A pre-vote asks about the term it would campaign in, without adopting it.
  const Term campaign_term = pre_vote ? term_ + 1 : term_;
  for (NodeId voter : membership_.voters) {
    if (voter == config_.id || votes_.contains(voter)) continue;
    send(Message{.type = type,
                 .to = voter,
                 .term = campaign_term,
                 .index = log_.last_index(),
                 .log_term = log_.last_term(),
                 .transfer = campaign_is_transfer_});
  }
  heartbeat_deadline_us_ = now_us_ + config_.heartbeat_interval_us;
}

void Raft::handle_vote_request(const Message& message) {
  const bool pre_vote = message.type == MessageType::PreVote;
  // §5.2: at most one vote per term, first come first served. A pre-vote for
  // a future term promises nothing and can always be granted.
  const bool can_vote = vote_ == message.from || (vote_ == kNoNode && leader_ == kNoNode) ||
                        (pre_vote && message.term > term_);
#ifdef CONFMAN_CANARY_VOTE_WITHOUT_LOG_CHECK
  // Test-only canary: the election restriction (§5.4.1) is dropped, so a
  // node missing committed entries can win. The invariant checker must catch it.
  const bool log_ok = true;
#else
  // §5.4.1 election restriction: grant only to a candidate whose log is at
  // least as up to date, so every leader holds every committed entry.
  const bool log_ok = log_.is_up_to_date(message.index, message.log_term);
#endif
  // Two pre-candidates with the same log that grant each other both go on
  // to a real vote, each votes for itself, and in a three-node cluster with
  // one node down neither can win: a split vote, a whole randomized timeout
  // lost, and two in a row once took 4.2 election timeouts to elect a leader
  // (seed 101 of paused-leader-3). Between such rivals only the lower id is
  // granted; a node with a better log is granted as before.
  const bool rival = pre_vote && role_ == Role::PreCandidate && message.from > config_.id &&
                     message.index == log_.last_index() && message.log_term == log_.last_term();
  // A recovering node's log may be shorter than what it acknowledged, so
  // its election restriction check would pass a candidate that lacks a
  // committed entry it helped commit (§5.4.1). It abstains.
  const MessageType response = pre_vote ? MessageType::PreVoteResponse : MessageType::VoteResponse;
  if (can_vote && log_ok && !rival && !recovering_) {
    if (!pre_vote) {
      vote_ = message.from;
      reset_election_deadline();
    }
    // A granted pre-vote answers in the asked-for term so the pre-candidate
    // counts it; a real vote answers in our (now equal) term.
    send(Message{.type = response, .to = message.from, .term = message.term});
    return;
  }
  send(Message{.type = response, .to = message.from, .term = term_, .reject = true});
}

void Raft::handle_vote_response(const Message& message) {
  const bool pre_vote = message.type == MessageType::PreVoteResponse;
  const Role expected = pre_vote ? Role::PreCandidate : Role::Candidate;
  if (role_ != expected || !is_voter(message.from)) return;
  votes_.emplace(message.from, !message.reject);
  switch (quorum::tally(membership_, votes_)) {
    case quorum::VoteResult::Won:
      if (pre_vote) {
        campaign(false);
      } else {
        become_leader();
      }
      break;
    case quorum::VoteResult::Lost: become_follower(term_, kNoNode); break;
    case quorum::VoteResult::Pending: break;
  }
}

void Raft::tick_leader() {
  if (config_.check_quorum && now_us_ >= check_quorum_deadline_us_) {
    // Dissertation §6.2: a leader that has not heard from a quorum within an
    // election timeout steps down, so clients stop waiting on it.
    const bool heard_from_quorum = quorum::majority(membership_, [this](NodeId voter) {
      const auto progress = progress_.find(voter);
      return voter == config_.id || (progress != progress_.end() && progress->second.recent_active);
    });
    for (auto& [member, progress] : progress_) {
      if (member != config_.id) progress.recent_active = false;
    }
    if (!heard_from_quorum) {
      become_follower(term_, kNoNode);
      return;
    }
    check_quorum_deadline_us_ = now_us_ + config_.election_timeout_us;
  }
  if (transfer_target_ != kNoNode && now_us_ >= transfer_deadline_us_) {
    abort_transfer();  // §3.10: the target did not take over in time; lead on
  }
  if (now_us_ >= heartbeat_deadline_us_) {
    broadcast_heartbeat();
    heartbeat_deadline_us_ = now_us_ + config_.heartbeat_interval_us;
  }
}

}  // namespace confman::raft
