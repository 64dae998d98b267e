#pragma once
// What a nemesis run is judged on besides linearizability, as pure
// functions of what it recorded (so tests can hand them histories):
//
// Failover: from each fault that struck the leader to the first write
// acknowledged that was invoked at or after the fault (the old leader can
// commit nothing new, so that write went through a new one). The same rule
// as the simulator's (sim/failover.h) and tests/real/failover_test.cpp.
//
// A fault is measured for failover only if it is a clean leader fault, the
// sim's rule: afterwards the leader is down or cannot talk both ways with a
// majority (itself included), while a majority of the other nodes is up
// and talks both ways among itself, so a new leader can be elected at once.
//
// Lost acknowledged writes: after the run, each key's final state must
// come from a write at least as new as every acknowledged write to it. A
// key present at mod revision M loses every acknowledged write with a
// higher revision; an absent key loses an acknowledged put unless some
// delete may have come after it (an acknowledged one with a higher
// revision, or any of unknown outcome).

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tools/nemesis/recorded_workload.h"

namespace confman::nemesis {

struct FailoverWindow {
  std::int64_t fault_us = 0;
  std::int64_t window_us = 0;
  bool recovered = false;  // false: no such write before the run ended (window runs to the end)
};

std::vector<FailoverWindow> failover_windows(const std::vector<std::int64_t>& leader_faults_us,
                                             const std::vector<WriteRecord>& writes, std::int64_t end_us);

// The cluster as a fault leaves it: nodes 1..down.size(), which are down
// (crashed or paused), and the directed links cut.
struct ClusterCondition {
  std::vector<bool> down;  // index id - 1
  std::set<std::pair<std::size_t, std::size_t>> cut;
};
// The leader is down or cannot talk both ways with a majority.
bool leader_struck(const ClusterCondition& condition, std::size_t leader);
// Struck, while a majority of the others is up and all talk both ways.
bool clean_leader_fault(const ClusterCondition& condition, std::size_t leader);

// The q-th quantile (0..1) of the values, nearest rank; 0 when empty.
std::int64_t nearest_rank(std::vector<std::int64_t> values, double q);

// A key's final state: its mod revision, or nullopt when it is absent.
using FinalStates = std::map<std::string, std::optional<std::uint64_t>>;

std::vector<WriteRecord> lost_acknowledged_writes(const std::vector<WriteRecord>& writes, const FinalStates& final_states);

}  // namespace confman::nemesis
