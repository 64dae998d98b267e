#pragma once
// The simulated world: N nodes running the real core, their disks and
// clocks, the network between them, workload clients, fault injection, and
// the invariant checker watching every step. Single-threaded; everything
// random is drawn from streams derived from the run seed.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/node/node.h"
#include "core/util/random.h"
#include "sim/event_queue.h"
#include "sim/history.h"
#include "sim/invariants.h"
#include "sim/scenario.h"
#include "sim/sim_network.h"
#include "sim/sim_storage.h"
#include "sim/trace.h"
#include "sim/workload.h"

namespace confman::sim {

// A node's view of time (clock fault model): its monotonic clock runs at
// (1 + drift) of true time from an offset. Raft uses only intervals, so
// offsets are harmless and drift stretches or shrinks timeouts.
struct NodeClock {
  TimeUs offset_us = 0;
  std::int64_t drift_ppm = 0;
  TimeUs local_us(TimeUs global_us) const { return global_us + offset_us + global_us * drift_ppm / 1'000'000; }
  // Earliest global time at which the local clock reads at least local_us.
  TimeUs global_us(TimeUs local_us) const;
};

class World {
 public:
  World(const Scenario& scenario, std::uint64_t seed, Trace& trace);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  void start();
  // Runs events until virtual time reaches until_us or a violation is found.
  void run_until(TimeUs until_us);

  // Faults.
  void crash(NodeId id);
  void restart(NodeId id);
  void partition(const std::vector<std::vector<NodeId>>& groups);
  void heal();
  void isolate_leader();
  void stop_clients();

  // Observations.
  TimeUs now_us() const { return queue_.now_us(); }
  bool node_up(NodeId id) const;
  const node::Node* node(NodeId id) const;
  NodeId leader() const;  // a live node that believes it leads in the highest term, or 0
  int node_count() const { return static_cast<int>(nodes_.size()); }
  Invariants& invariants() { return invariants_; }
  const History& history() const { return history_; }
  ClientStats client_stats() const;
  bool clients_idle() const;
  std::uint64_t events() const { return queue_.executed(); }
  std::uint64_t faults() const { return faults_; }
  std::uint64_t writes_acknowledged() const;

 private:
  struct SimNode;
  class NodeEnv;

  void start_node(SimNode& sim_node);
  void after_node_input(SimNode& sim_node);
  void schedule_wakeup(SimNode& sim_node);
  void deliver_frame(NodeId to, const Bytes& frame);
  void deliver_request(NodeId to, const node::ClientRequest& request);
  void send_response(NodeId from, const node::ClientResponse& response);
  void schedule_nemesis();
  void nemesis_step();
  void schedule_timeline();
  void apply_timeline_event(const TimelineEvent& event);
  SimNode& sim_node(NodeId id);
  std::vector<std::vector<NodeId>> random_halves();
  static std::string describe_groups(const std::vector<std::vector<NodeId>>& groups);

  Scenario scenario_;
  std::uint64_t seed_;
  Trace& trace_;
  EventQueue queue_;
  SimNetwork network_;
  Random nemesis_random_;
  Invariants invariants_;
  History history_;
  std::vector<std::unique_ptr<SimNode>> nodes_;  // nodes_[id - 1]
  std::vector<std::unique_ptr<Client>> clients_;
  std::uint64_t faults_ = 0;
};

}  // namespace confman::sim
