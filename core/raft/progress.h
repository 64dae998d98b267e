#pragma once
// What a leader knows about one follower's log (§5.3 nextIndex/matchIndex),
// plus flow control: a bounded number of appends in flight, or one snapshot
// chunk when the entries the follower needs have been compacted (§7).

#include <cstddef>
#include <cstdint>
#include <deque>

#include "core/types.h"

namespace confman::raft {

struct Progress {
  enum class State : std::uint8_t {
    Probe,      // next is a guess: one append at a time until one is accepted
    Replicate,  // next is known: stream appends optimistically up to the inflight limit
    Snapshot,   // the entries it needs are compacted: InstallSnapshot, one chunk at a time
  };

  LogIndex match = 0;
  LogIndex next = 1;
  State state = State::Probe;
  bool probe_sent = false;             // Probe: an append is outstanding; Snapshot: a chunk is
  // Snapshot: which snapshot is being sent and the next byte the follower
  // needs (it says so in every answer, so a lost chunk is sent again).
  LogIndex pending_snapshot = 0;
  Term pending_snapshot_term = 0;
  std::uint64_t snapshot_offset = 0;
  std::deque<LogIndex> inflight;       // Replicate: last index of each unacknowledged append
  bool recent_active = false;          // heard from since the last check-quorum round
  // Its last answer said it is recovering from a repaired log; match was
  // reset then, since what it acknowledged before may be gone.
  bool recovering = false;
  std::uint64_t read_context_acked = 0;// highest ReadIndex round acknowledged

  bool paused(std::size_t max_inflight) const {
    return state == State::Replicate ? inflight.size() >= max_inflight : probe_sent;
  }

  // An accepted append up to index. Returns false if it was stale.
  bool maybe_update(LogIndex index) {
    bool updated = false;
    if (index > match) {
      match = index;
      updated = true;
      probe_sent = false;
    }
    if (next < index + 1) next = index + 1;
    while (!inflight.empty() && inflight.front() <= index) inflight.pop_front();
    return updated;
  }

  // A rejected append of prev index `rejected`; hint is where to probe next.
  // Returns false if the rejection is stale (§5.3: decrement nextIndex).
  bool maybe_decrease_to(LogIndex rejected, LogIndex hint) {
    // An append rejection that crossed the snapshot on the way says nothing
    // about where the transfer stands.
    if (state == State::Snapshot) return false;
    if (state == State::Replicate) {
      if (rejected <= match) return false;
      next = match + 1;
      return true;
    }
    if (next == 0 || next - 1 != rejected) return false;
    LogIndex candidate = rejected < hint + 1 ? rejected : hint + 1;
    next = candidate < 1 ? 1 : candidate;
    probe_sent = false;
    return true;
  }

  // The follower lost entries it had acknowledged (a repaired log): its
  // match index is no longer known. Probe again from where we were.
  void forget_match() {
    const LogIndex probe_next = next;
    match = 0;
    if (state == State::Snapshot) return;  // the transfer goes on; its answers carry the commit index
    become_probe();
    next = probe_next;
  }

  void become_probe() {
    state = State::Probe;
    next = match + 1;
    probe_sent = false;
    inflight.clear();
    pending_snapshot = 0;
    pending_snapshot_term = 0;
    snapshot_offset = 0;
  }

  void become_replicate() {
    state = State::Replicate;
    next = match + 1;
    probe_sent = false;
    inflight.clear();
    pending_snapshot = 0;
    pending_snapshot_term = 0;
    snapshot_offset = 0;
  }

  // Starts sending the snapshot (index, term) from its first byte.
  void become_snapshot(LogIndex index, Term term) {
    state = State::Snapshot;
    probe_sent = false;
    inflight.clear();
    pending_snapshot = index;
    pending_snapshot_term = term;
    snapshot_offset = 0;
  }
};

}  // namespace confman::raft
