// Membership changes, one server at a time (membership.h; dissertation
// chapter 4), and leadership transfer (dissertation §3.10).
//
// A Config entry takes effect on every node as soon as it is in its log
// (§4.1): the leader when it appends it, a follower when it accepts it. If
// a follower's log is truncated past a Config entry, the membership before
// it is in force again. Votes and commitment count the voters of the
// membership in force; learners receive the log but never vote or count.
//
// A leader that removes itself keeps leading, without counting itself,
// until the change commits (§4.2.2); then it hands over to the most
// up-to-date voter with TimeoutNow and steps down. A removed node never
// campaigns again; a node whose log does not make it a voter (a learner, or
// a node started to join that has heard from no leader yet) never campaigns.
// One exception: a node whose own removal is in its log but not committed
// may campaign (can_campaign), counting only the votes of the new voters. A
// leader that appended its own removal and lost leadership before the
// change committed may hold the only log the others will vote for; if it
// did not campaign, nobody could win (found by the membership property
// suite: remove a voter, then partition the rest from the leader).

#include <algorithm>

#include "core/raft/raft.h"
#include "core/util/assert.h"

namespace confman::raft {

namespace {
Membership decode_config(const Entry& entry) {
  auto data = decode_config_entry(entry.data);
  // Config entries are checked when they are decoded from a message or a
  // stored record, and the leader builds its own: this cannot fail.
  CONFMAN_ASSERT(data.ok(), "an undecodable Config entry reached the log at index " + std::to_string(entry.index));
  return std::move(data).value().membership;
}
}  // namespace

Membership Raft::membership_at(LogIndex index) const {
  auto after = config_entries_.upper_bound(index);
  if (after == config_entries_.begin()) return base_membership_;
  return std::prev(after)->second.membership;
}

void Raft::reset_membership(const Membership& base) {
  base_membership_ = base;
  config_entries_.clear();
  refresh_membership();
}

void Raft::restore_membership(const std::optional<Snapshot>& snapshot, const std::vector<Entry>& entries) {
  if (snapshot) {
    reset_membership(snapshot->membership);
  } else {
    reset_membership(Membership{config_.voters, config_.learners});
  }
  for (const Entry& entry : entries) note_config_entry(entry);
}

void Raft::note_config_entry(const Entry& entry) {
  if (entry.type != EntryType::Config) return;
  config_entries_[entry.index] = ConfigRecord{entry.term, decode_config(entry)};
  refresh_membership();
}

// After an append that matched at `after`: a Config entry beyond it whose
// (index, term) the log no longer holds was truncated away (§5.3).
void Raft::forget_replaced_config_entries(LogIndex after) {
  bool changed = false;
  for (auto it = config_entries_.upper_bound(after); it != config_entries_.end();) {
    if (log_.matches(it->first, it->second.term)) {
      ++it;
      continue;
    }
    it = config_entries_.erase(it);
    changed = true;
  }
  if (changed) refresh_membership();
}

// Log compaction through index: the membership there becomes the base.
void Raft::forget_config_entries_through(LogIndex index) {
  if (config_entries_.empty() || config_entries_.begin()->first > index) return;
  base_membership_ = membership_at(index);
  config_entries_.erase(config_entries_.begin(), config_entries_.upper_bound(index));
}

void Raft::refresh_membership() {
  const LogIndex previous_index = membership_index_;
  if (config_entries_.empty()) {
    membership_ = base_membership_;
    membership_index_ = 0;
  } else {
    membership_ = config_entries_.rbegin()->second.membership;
    membership_index_ = config_entries_.rbegin()->first;
  }
  if (previous_index == membership_index_) return;
  if (role_ == Role::Leader) sync_progress_with_membership();
  // A leader may only transfer to a voter.
  if (transfer_target_ != kNoNode && !is_voter(transfer_target_)) abort_transfer();
}

void Raft::sync_progress_with_membership() {
  for (auto it = progress_.begin(); it != progress_.end();) {
    if (it->first != config_.id && !membership_.contains(it->first)) {
      it = progress_.erase(it);
    } else {
      ++it;
    }
  }
  for (NodeId member : membership_.members()) {
    if (progress_.count(member) != 0) continue;
    Progress& progress = progress_[member];
    progress.next = log_.last_index() + 1;  // probe back from the end, as for any follower (§5.3)
    progress.recent_active = true;          // a new member gets an election timeout to answer
    maybe_send_append(member, /*send_if_empty=*/true);
  }
}

Result<LogIndex, Rejection> Raft::propose_config_change(const ConfigChange& change, TimeUs now_us) {
  advance_clock(now_us);
  if (role_ != Role::Leader) return unexpected(Rejection{RejectReason::NotLeader, leader_});
  if (transfer_target_ != kNoNode) {
    return unexpected(Rejection{RejectReason::Busy, leader_, "a leadership transfer is under way"});
  }
  // Rule 2 (membership.h): an entry of this leader's term must be committed.
  if (log_.term_at(log_.committed()) != term_) {
    return unexpected(Rejection{RejectReason::LeaderNotReady, leader_,
                                "the new leader has not yet committed an entry of its term"});
  }
#ifndef CONFMAN_CANARY_TWO_CONFIG_CHANGES_IN_FLIGHT
  // Rule 1 (membership.h): one change at a time.
  if (membership_index_ > log_.committed()) {
    return unexpected(Rejection{RejectReason::Busy, leader_,
                                "the membership change at index " + std::to_string(membership_index_) +
                                    " is not committed yet"});
  }
#endif
  if (change.context.size() > kMaxConfigContextBytes) {
    return unexpected(Rejection{RejectReason::Invalid, leader_,
                                "a change's context of " + std::to_string(change.context.size()) +
                                    " bytes (the limit is " + std::to_string(kMaxConfigContextBytes) + ")"});
  }
  auto next = apply_config_change(membership_, change);
  if (!next) return unexpected(Rejection{RejectReason::Invalid, leader_, next.error()});
  if (change.type == ConfigChangeType::Promote) {
    // §4.2.1: a voter that is far behind would stall commitment; promote
    // only a learner holding everything committed so far.
    const Progress& progress = progress_.at(change.node);
    if (progress.match < log_.committed()) {
      return unexpected(Rejection{RejectReason::Busy, leader_,
                                  "learner " + std::to_string(change.node) + " has not caught up (it holds index " +
                                      std::to_string(progress.match) + ", the commit index is " +
                                      std::to_string(log_.committed()) + ")"});
    }
  }
  if (log_.last_index() - log_.committed() >= config_.max_uncommitted_entries) {
    return unexpected(Rejection{RejectReason::Busy, leader_, "too many uncommitted entries"});
  }
  const LogIndex index = log_.last_index() + 1;
  Entry entry{term_, index, EntryType::Config, encode_config_entry(ConfigEntryData{change, *next})};
  log_.append(entry);
  note_config_entry(entry);
  // The leader's own durable match counts only if it is still a voter.
  if (maybe_commit()) on_commit_advanced();
  broadcast_append();
  return index;
}

void Raft::maybe_hand_over_after_removal() {
  if (role_ != Role::Leader || is_voter(config_.id) || membership_index_ > log_.committed()) return;
  // §4.2.2: the change that removed this leader is committed. Hand over to
  // the voter with the most of the log, then step down.
  NodeId best = kNoNode;
  LogIndex best_match = 0;
  for (NodeId voter : membership_.voters) {
    const LogIndex match = progress_[voter].match;
    if (best == kNoNode || match > best_match) {
      best = voter;
      best_match = match;
    }
  }
  if (best != kNoNode) send(Message{.type = MessageType::TimeoutNow, .to = best});
  become_follower(term_, kNoNode);
}

Result<Done, Rejection> Raft::transfer_leadership(NodeId target, TimeUs now_us) {
  advance_clock(now_us);
  if (role_ != Role::Leader) return unexpected(Rejection{RejectReason::NotLeader, leader_});
  if (target == config_.id) return Done{};
  if (!is_voter(target)) {
    return unexpected(Rejection{RejectReason::Invalid, leader_, "node " + std::to_string(target) + " is not a voter"});
  }
  transfer_target_ = target;
  transfer_deadline_us_ = now_us_ + config_.election_timeout_us;
  timeout_now_sent_ = false;
  maybe_send_timeout_now();
  if (!timeout_now_sent_) maybe_send_append(target, true);
  return Done{};
}

void Raft::maybe_send_timeout_now() {
  if (transfer_target_ == kNoNode || timeout_now_sent_) return;
  if (progress_[transfer_target_].match != log_.last_index()) return;
  send(Message{.type = MessageType::TimeoutNow, .to = transfer_target_});
  timeout_now_sent_ = true;
}

bool Raft::can_campaign() const {
  // A recovering node may lack committed entries it once acknowledged: as a
  // leader it could lose them (Leader Completeness, §5.4).
  if (recovering_) return false;
  if (is_voter(config_.id)) return true;
  return membership_index_ > log_.committed() && membership_at(log_.committed()).is_voter(config_.id);
}

void Raft::handle_timeout_now(const Message& message) {
  if (role_ == Role::Leader || message.from != leader_ || !can_campaign()) return;
  // §3.10: campaign at once, without pre-vote, and tell voters the leader
  // asked for it so they do not hold to its lease.
  campaign(/*pre_vote=*/false, /*transfer=*/true);
}

}  // namespace confman::raft
