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
#include "sim/failover.h"
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
  // Faults that struck the leader, for the failover measurement (failover.h).
  const std::vector<LeaderFault>& leader_faults() const { return leader_faults_; }
  // Every fault injected so far, as timeline events (for shrinking).
  const std::vector<TimelineEvent>& fault_log() const { return fault_log_; }

 private:
  void record(TimelineEvent event);
  // Before a crash, pause or partition: the leader it may strike, and
  // whether the rest of the cluster could carry on at once.
  struct Before {
    NodeId leader = kNoNode;
    std::uint64_t revision = 0;  // the highest any replica had applied
    bool others_healthy = false;
  };
  Before before_fault() const;
  // After it: notes a leader fault if the leader was struck (for a
  // partition: left in a minority), and when the cluster is settled again.
  void after_fault(const Before& before, const TimelineEvent& event);
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
  std::vector<LeaderFault> leader_faults_;
  TimeUs settled_at_us_ = 0;  // no fault since two election timeouts (or its duration) before this
  static constexpr std::size_t kMaxFaultLog = 100'000;
};

}  // namespace confman::sim
