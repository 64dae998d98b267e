#pragma once
// How long a cluster takes to acknowledge a client write after its leader
// fails: from the instant of a leader fault (the leader crashed, paused, or
// was cut off in a minority) to the first write a client has acknowledged
// with a revision no replica had reached at that instant (so an answer to a
// write the old leader committed earlier does not count).
//
// A fault is clean when the rest of the cluster could carry on at once: the
// other voters, a majority, were up, running, with disks that accept writes,
// on a network without cuts, and nothing else had happened in the two
// election timeouts before (Nemesis::note_leader_fault). A clean window
// lasts until the next fault other than a heal or a restart, or the end of
// the safety phase. A window is timed from the fault, or, when no client
// write was in flight then, from the first write a client offers after it
// (a workload that thinks for a second is not a slow cluster). For every
// clean window:
//   - a write acknowledged within it is a sample (the sweep reports p50, p95
//     and the maximum, in election timeouts);
//   - where the limit applies (failover_limit_applies), no write
//     acknowledged within limit_us, while the window lasted that long, is a
//     violation (ViolationKind::Failover): a follower waiting out a frozen
//     leader's timeout, or an election whose first round cannot succeed,
//     shows up here.

#include <optional>
#include <string>
#include <vector>

#include "core/types.h"
#include "sim/history.h"
#include "sim/scenario.h"

namespace confman::sim {

// The hard limit, in election timeouts, from a clean leader fault to the
// first acknowledged write.
constexpr TimeUs kFailoverLimitElectionTimeouts = 4;

struct LeaderFault {
  TimeUs at_us = 0;
  NodeId leader = kNoNode;
  TimelineAction action = TimelineAction::Crash;
  std::uint64_t revision = 0;  // the highest revision any replica had applied
  std::size_t log_index = 0;   // its entry in the nemesis's fault log
  bool clean = false;
};

struct FailoverSample {
  TimeUs fault_at_us = 0;
  TimeUs duration_us = 0;
  NodeId leader = kNoNode;
  TimelineAction action = TimelineAction::Crash;
};

struct FailoverReport {
  std::vector<FailoverSample> samples;
  std::string violation;  // empty: every clean window was within the limit
};

// Whether a logged fault ends a clean window (heals and restarts do not).
bool disturbs(TimelineAction action);

// The limit holds a cluster to "a majority can talk" in Raft's own terms:
// messages, syncs and timers all well within an election timeout (delays and
// syncs at most a tenth of it, no heavy-tailed delays or late timers beyond a
// quarter of it, at most 2% loss), and clients that give up on a silent node
// within two election timeouts. Otherwise (swarm draws multi-second tails
// and half-second late timers) the windows are reported but not judged; the
// reason is returned.
std::optional<std::string> failover_limit_exemption(const Scenario& scenario);

FailoverReport measure_failovers(const std::vector<LeaderFault>& faults, const std::vector<TimelineEvent>& fault_log,
                                 const History& history, TimeUs limit_us, TimeUs window_end_us);  // limit_us 0: none

}  // namespace confman::sim
