#pragma once
// The nemesis: every fault a run suffers, from the scenario's timeline and
// from a random nemesis that draws from the scenario's rates every
// kNemesisTickUs of the safety phase (partitions of every shape, crashes,
// pauses, clock jumps, disk faults, membership changes through the
// operator). It decides; the cluster performs (cluster.h). It owns the
// fault log: every fault injected, as a timeline event, so that a failing
// run can be replayed with the faults as an explicit timeline and shrunk
// (shrink.h). The harness's own healing between phases goes through it too
// (heal, restart), and so is logged, as it always was.
//
// What the random nemesis leaves alone, so the cluster can survive at all:
// it crashes at most a minority of the voters at once, corrupts at most a
// minority of the voters' disks leaving room for one more failure, and
// heals every partition it makes after heal_after.

#include <cstdint>
#include <vector>

#include "core/util/random.h"
#include "sim/cluster.h"
#include "sim/event_queue.h"
#include "sim/operator.h"
#include "sim/scenario.h"

namespace confman::sim {

class Nemesis {
 public:
  Nemesis(const Scenario& scenario, std::uint64_t seed, Cluster& cluster, Operator& ops, EventQueue& queue);

  // Schedules the timeline and the random nemesis.
  void start();

  // Faults, each logged and counted (cluster.h says what each does).
  void crash(NodeId id);
  void restart(NodeId id);
  void partition(const std::vector<std::vector<NodeId>>& groups);
  void one_way(const std::vector<NodeId>& from, const std::vector<NodeId>& to);
  void bridge(const std::vector<NodeId>& side_a, const std::vector<NodeId>& side_b, NodeId bridge_node);
  void flap(NodeId a, NodeId b, TimeUs period_us);
  void heal();
  void isolate_leader();
  void pause(NodeId id, TimeUs duration_us);
  void clock_jump(NodeId id, TimeUs delta_us);
  void disk_fault(TimelineAction action, NodeId id, TimeUs duration_us);
  void membership_change(TimelineAction action, NodeId node);
  // Restarts `id` after a delay drawn from restart_after.
  void schedule_restart(NodeId id);

  std::uint64_t faults() const { return faults_; }
  // Every fault injected so far, as timeline events (for shrinking).
  const std::vector<TimelineEvent>& fault_log() const { return fault_log_; }

 private:
  void record(TimelineEvent event);
  void schedule_tick();
  void tick();
  void random_network_fault();
  void random_crash();
  void random_disk_fault();
  void apply(const TimelineEvent& event);
  std::vector<std::vector<NodeId>> random_halves();

  const Scenario& scenario_;
  Cluster& cluster_;
  Operator& operator_;
  EventQueue& queue_;
  Random random_;
  std::uint64_t faults_ = 0;
  std::vector<TimelineEvent> fault_log_;
  static constexpr std::size_t kMaxFaultLog = 100'000;
};

}  // namespace confman::sim
