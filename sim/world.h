#pragma once
// One simulated run's world, put together: the cluster of hosts and their
// devices (cluster.h), the operator who changes the membership
// (operator.h), the nemesis that decides every fault (nemesis.h), the
// workload clients and watchers (workload.h, watcher.h), the invariant
// checker watching every step and the history the clients record. The
// run's phases drive it (phases.h, runner.h). Single-threaded; everything
// random is drawn from streams derived from the run seed.

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/cluster.h"
#include "sim/event_queue.h"
#include "sim/history.h"
#include "sim/invariants.h"
#include "sim/nemesis.h"
#include "sim/operator.h"
#include "sim/scenario.h"
#include "sim/trace.h"
#include "sim/cluster_watcher.h"
#include "sim/watcher.h"
#include "sim/workload.h"

namespace confman::sim {

class World {
 public:
  World(const Scenario& scenario, std::uint64_t seed, Trace& trace);
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  void start();
  // Runs events until virtual time reaches until_us or a violation is found.
  void run_until(TimeUs until_us);
  // The clients and watchers stop issuing and the operator drops its
  // requests (the run is ending); what is in flight still completes.
  void stop_clients();

  Cluster& cluster() { return cluster_; }
  const Cluster& cluster() const { return cluster_; }
  Nemesis& nemesis() { return nemesis_; }
  Trace& trace() { return trace_; }
  std::uint64_t seed() const { return seed_; }

  // Shorthands for the runner and tests.
  void heal() { nemesis_.heal(); }
  void restart(NodeId id) { nemesis_.restart(id); }
  TimeUs now_us() const { return queue_.now_us(); }
  const node::Node* node(NodeId id) const { return cluster_.node(id); }
  NodeId leader() const { return cluster_.leader(); }
  int node_count() const { return cluster_.node_count(); }
  bool disk_lost(NodeId id) const { return cluster_.disk_lost(id); }
  Invariants& invariants() { return invariants_; }
  const History& history() const { return history_; }
  const check::CommittedHistory& committed() const { return cluster_.committed(); }
  const AppliedSessions& applied_sessions() const { return cluster_.applied_sessions(); }
  std::vector<check::WatchSegment> watch_segments() const;
  std::vector<check::ClusterObservation> cluster_observations() const;
  std::uint64_t watch_events() const;
  std::uint64_t watch_resumptions() const;
  std::uint64_t forwards() const { return cluster_.forwards(); }
  ClientStats client_stats() const;
  bool clients_idle() const;
  std::uint64_t writes_acknowledged() const { return client_stats().writes_ok; }
  std::uint64_t events() const { return queue_.executed(); }
  std::uint64_t faults() const { return nemesis_.faults(); }
  const std::vector<TimelineEvent>& fault_log() const { return nemesis_.fault_log(); }
  const std::vector<LeaderFault>& leader_faults() const { return nemesis_.leader_faults(); }

 private:
  Scenario scenario_;
  std::uint64_t seed_;
  Trace& trace_;
  EventQueue queue_;
  Invariants invariants_;
  History history_;
  Cluster cluster_;
  Operator operator_;
  Nemesis nemesis_;
  std::vector<std::unique_ptr<Client>> clients_;
  std::vector<std::unique_ptr<Watcher>> watchers_;
  std::vector<std::unique_ptr<ClusterWatcher>> cluster_watchers_;
};

}  // namespace confman::sim
