#pragma once
// The nemesis's schedule, drawn from the seed alone: which fault, when, for
// how long, on which node. The same seed gives the same plan on every
// machine; what the real cluster then does in real time is not
// reproducible, so the plan is what "rerun with --seed N" repeats.
//
// The vocabulary is the scenario files' (sim/scenario.h): crash (kill -9,
// restarted when the fault ends), pause (SIGSTOP, then SIGCONT), partition
// (two random sides, the smaller one at most a minority), isolate-leader,
// one-way (one side stops reaching the other), disk-full (one node's disk
// filled: data_disks.h; the node fail-stops on its next write and is
// restarted when the disk has room again), slow-disk (every sync waits
// `amount` ms) and disk-error (every sync fails: the node fail-stops, and is
// restarted), both through the fsync shim (fsync_shim.cpp), and clock-jump
// (the node's wall clock moves by `amount` seconds, through libfaketime;
// node_controls.h). One fault at a time, each
// healed before the next, with a quiet gap between, so every leader fault
// can be measured for failover (the sim's rule, sim/failover.h: a clean
// fault is one where the rest, a majority, is healthy and connected).

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace confman::nemesis {

enum class FaultKind : std::uint8_t {
  Crash,
  Pause,
  Partition,
  IsolateLeader,
  OneWay,
  DiskFull,
  SlowDisk,
  DiskError,
  ClockJump
};
const char* fault_kind_name(FaultKind kind);
std::optional<FaultKind> fault_kind_from_name(std::string_view name);
inline constexpr FaultKind kAllFaultKinds[] = {
    FaultKind::Crash,    FaultKind::Pause,    FaultKind::Partition, FaultKind::IsolateLeader, FaultKind::OneWay,
    FaultKind::DiskFull, FaultKind::SlowDisk, FaultKind::DiskError, FaultKind::ClockJump};

struct PlannedFault {
  std::uint64_t at_ms = 0;        // from the start of the workload
  std::uint64_t duration_ms = 0;  // until it is healed (restart, resume, heal)
  FaultKind kind = FaultKind::Crash;
  // crash, pause and the disk and clock faults: the leader of the moment,
  // or node `node`.
  bool at_leader = false;
  std::size_t node = 0;
  // partition, one-way: the two sides (node ids); one-way cuts a -> b only.
  std::vector<std::size_t> side_a, side_b;
  // slow-disk: the delay of each sync (ms); clock-jump: the offset (s).
  std::int64_t amount = 0;
  std::string describe() const;
};

struct PlanSettings {
  std::uint64_t seed = 1;
  std::uint64_t duration_ms = 60'000;
  std::size_t nodes = 3;
  std::vector<FaultKind> kinds{std::begin(kAllFaultKinds), std::end(kAllFaultKinds)};  // drawn uniformly
  std::uint64_t first_fault_ms = 2'000;         // let the cluster elect and warm up
  std::uint64_t quiet_tail_ms = 3'000;          // no fault starts this close to the end
  std::uint64_t min_fault_ms = 1'000, max_fault_ms = 4'000;
  std::uint64_t min_gap_ms = 1'000, max_gap_ms = 3'000;  // between a heal and the next fault
};

std::vector<PlannedFault> plan_faults(const PlanSettings& settings);

}  // namespace confman::nemesis
