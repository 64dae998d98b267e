#pragma once
// The nemesis's schedule, drawn from the seed alone: which fault, when, for
// how long, on which node. The same seed gives the same plan on every
// machine; what the real cluster then does in real time is not
// reproducible, so the plan is what "rerun with --seed N" repeats.
//
// The vocabulary is the scenario files' (sim/scenario.h): crash (kill -9,
// restarted when the fault ends), pause (SIGSTOP, then SIGCONT), partition
// (groups that cannot reach each other; drawn: two random sides, the
// smaller one at most a minority), isolate-leader, one-way (the first group
// stops reaching the second), bridge (groups A, B, [x]: A and B cannot talk,
// x talks to both), lossy-links (the links into a node delay and lose
// messages: link_proxy.h), transfer-leader (an operator's request that the
// leader hand over to a node; nothing to undo), disk-full (one node's disk
// filled: data_disks.h; the node fail-stops on its next write and is
// restarted when the disk has room again), slow-disk (every sync waits
// `amount` ms) and disk-error (every sync fails: the node fail-stops, and is
// restarted), both through the fsync shim (fsync_shim.cpp), and clock-jump
// (the node's wall clock moves by `amount` seconds, through libfaketime;
// node_controls.h). A drawn plan has one fault at a time, each healed
// before the next, with a quiet gap between, so every leader fault can be
// measured for failover (the sim's rule, sim/failover.h: a clean fault is
// one where the rest, a majority, is healthy and connected). A scenario's
// timeline (scenario_faults.h) may overlap them.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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
  ClockJump,
  Bridge,
  LossyLinks,
  TransferLeader
};
const char* fault_kind_name(FaultKind kind);
std::optional<FaultKind> fault_kind_from_name(std::string_view name);
inline constexpr FaultKind kAllFaultKinds[] = {
    FaultKind::Crash,    FaultKind::Pause,    FaultKind::Partition, FaultKind::IsolateLeader, FaultKind::OneWay,
    FaultKind::DiskFull, FaultKind::SlowDisk, FaultKind::DiskError, FaultKind::ClockJump, FaultKind::Bridge,
    FaultKind::LossyLinks, FaultKind::TransferLeader};

struct PlannedFault {
  std::uint64_t at_ms = 0;        // from the start of the workload
  std::uint64_t duration_ms = 0;  // until it is healed (restart, resume, heal)
  FaultKind kind = FaultKind::Crash;
  // crash, pause, lossy-links and the disk and clock faults: the leader of
  // the moment, or node `node`.
  bool at_leader = false;
  std::size_t node = 0;
  // partition: nodes in different groups cannot talk, a node in no group
  // talks to none; one-way: groups[0] stops reaching groups[1]; bridge:
  // [A, B, [x]].
  std::vector<std::vector<std::size_t>> groups;
  // slow-disk: the delay of each sync (ms); clock-jump: the offset (s);
  // lossy-links: the longest delay (ms; with 10% of messages lost).
  std::int64_t amount = 0;
  bool on_a_node() const;  // not a network fault
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

// The directed links (from, to) a network fault cuts among nodes 1..nodes,
// given the leader of the moment (for isolate-leader); none for the others.
std::vector<std::pair<std::size_t, std::size_t>> links_cut(const PlannedFault& fault, std::size_t nodes,
                                                           std::size_t leader);

// When a schedule's faults begin and end, in time order (an end before a
// begin at the same moment, so a heal and the next fault do not overlap).
struct ScheduleStep {
  std::uint64_t at_ms = 0;
  std::size_t fault = 0;  // index into the schedule's faults
  bool begins = true;
};
std::vector<ScheduleStep> schedule_steps(const std::vector<PlannedFault>& faults);

}  // namespace confman::nemesis
