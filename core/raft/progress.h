#pragma once
// What a leader knows about one follower's log (§5.3 nextIndex/matchIndex),
// plus flow control: a bounded number of appends in flight.

#include <cstddef>
#include <cstdint>
#include <deque>

#include "core/types.h"

namespace confman::raft {

struct Progress {
  enum class State : std::uint8_t {
    Probe,      // next is a guess: one append at a time until one is accepted
    Replicate,  // next is known: stream appends optimistically up to the inflight limit
  };

  LogIndex match = 0;
  LogIndex next = 1;
  State state = State::Probe;
  bool probe_sent = false;             // Probe: an append is outstanding
  std::deque<LogIndex> inflight;       // Replicate: last index of each unacknowledged append
  bool recent_active = false;          // heard from since the last check-quorum round
  std::uint64_t read_context_acked = 0;// highest ReadIndex round acknowledged

  bool paused(std::size_t max_inflight) const {
    return state == State::Probe ? probe_sent : inflight.size() >= max_inflight;
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

  void become_probe() {
    state = State::Probe;
    next = match + 1;
    probe_sent = false;
    inflight.clear();
  }

  void become_replicate() {
    state = State::Replicate;
    next = match + 1;
    probe_sent = false;
    inflight.clear();
  }
};

}  // namespace confman::raft
