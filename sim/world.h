#pragma once
// The simulated world: N nodes running the real core behind the real
// request layer (core/service), their disks and clocks, the network between
// them, workload clients and watchers, fault injection, and the invariant
// checker watching every step. Single-threaded; everything random is drawn
// from streams derived from the run seed.
//
// Clients reach a node's request layer over the simulated network, and a
// follower forwards what needs the leader over the same network (so a
// partition between them loses the request, and the client retries); the
// leader's answer travels back through the follower, as an HTTP response
// would. A watch is a stream, like a TCP connection: its messages arrive in
// order, and a message the network loses breaks the stream for good, after
// which the watcher notices the silence and resumes elsewhere.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/node/node.h"
#include "core/service/service.h"
#include "core/util/random.h"
#include "check/committed.h"
#include "sim/event_queue.h"
#include "sim/history.h"
#include "sim/history_resolution.h"
#include "sim/invariants.h"
#include "sim/scenario.h"
#include "sim/sim_network.h"
#include "sim/sim_storage.h"
#include "sim/trace.h"
#include "sim/watcher.h"
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
  void one_way(const std::vector<NodeId>& from, const std::vector<NodeId>& to);
  void bridge(const std::vector<NodeId>& side_a, const std::vector<NodeId>& side_b, NodeId bridge_node);
  void flap(NodeId a, NodeId b, TimeUs period_us);
  void heal();
  void isolate_leader();
  void pause(NodeId id, TimeUs duration_us);
  void clock_jump(NodeId id, TimeUs delta_us);
  void disk_fault(TimelineAction action, NodeId id, TimeUs duration_us);
  // An operator's membership request (add-learner, add-voter, promote,
  // remove, transfer-leader) for node, sent to the current leader and
  // retried until accepted or refused as invalid (world_membership.cpp).
  void membership_change(TimelineAction action, NodeId node);
  void stop_clients();  // and the operator's membership requests

  // Liveness phase: restarts every crashed node, connects a random majority
  // of every membership the nodes hold and leaves the rest cut off. If a
  // membership changes during the phase, the set grows to stay a majority.
  void heal_random_quorum();
  const std::vector<NodeId>& liveness_quorum() const { return liveness_quorum_; }
  // Sends one probe write to `leader`; probe_acknowledged() turns true when
  // any probe write is acknowledged as applied.
  void send_probe_write(NodeId leader);
  bool probe_acknowledged() const { return probe_acknowledged_; }

  // Observations.
  TimeUs now_us() const { return queue_.now_us(); }
  bool node_up(NodeId id) const;
  bool disk_lost(NodeId id) const;  // a corrupted disk was detected; the node stays down
  const node::Node* node(NodeId id) const;
  NodeId leader() const;  // a live node that believes it leads in the highest term, or 0
  // The newest membership any live node holds (committed or not); the
  // founding one while no node is up.
  raft::Membership current_membership() const;
  int node_count() const { return static_cast<int>(nodes_.size()); }
  Invariants& invariants() { return invariants_; }
  const History& history() const { return history_; }
  // Every committed change, by revision, as the first replica applied it.
  const check::CommittedHistory& committed() const { return committed_; }
  // What each client session's writes did, as the first replica applied them.
  const AppliedSessions& applied_sessions() const { return applied_sessions_; }
  std::vector<check::WatchSegment> watch_segments() const;
  std::uint64_t watch_events() const;
  std::uint64_t watch_resumptions() const;
  std::uint64_t forwards() const { return forwards_; }
  ClientStats client_stats() const;
  bool clients_idle() const;
  std::uint64_t events() const { return queue_.executed(); }
  std::uint64_t faults() const { return faults_; }
  std::uint64_t writes_acknowledged() const;
  // Every fault injected so far, as timeline events (for shrinking).
  const std::vector<TimelineEvent>& fault_log() const { return fault_log_; }
  const SimNetwork& network() const { return network_; }

 private:
  struct SimNode;
  class NodeEnv;
  class GatedStorage;

  void start_node(SimNode& sim_node);
  void after_node_input(SimNode& sim_node);
  void schedule_wakeup(SimNode& sim_node);
  void deliver_frame(NodeId to, const Bytes& frame);
  void deliver_request(NodeId to, const service::Request& request);
  // Answers, forwards and watch streams (world_requests.cpp).
  void route_response(NodeId from, const service::Response& response);
  void deliver_response(NodeId from, const service::Response& response);
  void forward_request(NodeId from, NodeId leader, const service::Request& request);
  void open_watch(int watcher, NodeId node, const service::Request& request);
  void close_watch(std::uint64_t watch_id);
  void send_on_stream(std::uint64_t watch_id, std::function<void()> deliver);
  void record_committed(NodeId node, const kv::WriteRequest& request, const kv::WriteResult& result);
  void send_to(EndpointId from, EndpointId to, const std::function<void()>& deliver);
  void run_on_node(SimNode& sim_node, std::function<void()> action);
  void resume(NodeId id, std::uint64_t incarnation);
  void flap_step(NodeId a, NodeId b, TimeUs period_us, std::uint64_t generation, bool up);
  void record_fault(TimelineEvent event);
  void schedule_nemesis();
  void nemesis_step();
  void random_network_fault();
  void random_crash();
  void random_disk_fault();
  void random_membership_change();
  void admin_attempt(std::uint64_t op_number);
  void on_admin_response(const service::Response& response);
  bool corrupted(NodeId id) const;
  std::vector<raft::Membership> memberships_held() const;
  void grow_liveness_quorum();
  void crash_quietly(SimNode& target);
  void on_node_stopped(SimNode& sim_node);
  void on_start_failed(SimNode& sim_node, const std::string& detail);
  void schedule_restart(NodeId id);
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
  Random clock_random_;  // late timers
  Random nemesis_random_;
  Random liveness_random_;
  bool liveness_phase_ = false;
  std::vector<NodeId> liveness_quorum_;  // sorted
  Random membership_random_;
  Invariants invariants_;
  History history_;
  std::vector<std::unique_ptr<SimNode>> nodes_;  // nodes_[id - 1]
  std::vector<std::unique_ptr<Client>> clients_;
  std::vector<std::unique_ptr<Watcher>> watchers_;
  check::CommittedHistory committed_;
  AppliedSessions applied_sessions_;
  // A request a follower forwarded, while the leader holds it: its answer
  // goes back through the follower (by leader and request id).
  struct Forwarded {
    NodeId origin = kNoNode;
    std::uint64_t origin_incarnation = 0;
  };
  std::map<std::pair<NodeId, std::uint64_t>, Forwarded> forwarded_;
  std::uint64_t forwards_ = 0;
  // Open watch streams, by watch id (World::send_on_stream).
  struct Stream {
    NodeId node = kNoNode;
    std::uint64_t incarnation = 0;  // of the node, once the open request reached it
    bool reached = false;
    bool broken = false;
    TimeUs last_delivery_us = 0;
  };
  std::map<std::uint64_t, Stream> streams_;
  std::uint64_t faults_ = 0;
  std::uint64_t probe_writes_ = 0;
  bool probe_acknowledged_ = false;
  std::uint64_t flap_generation_ = 0;  // bumped by every network change; stale flap and heal events check it
  std::vector<TimelineEvent> fault_log_;
  static constexpr std::size_t kMaxFaultLog = 100'000;
  struct AdminOp {
    TimelineAction action = TimelineAction::AddLearner;
    NodeId node = kNoNode;
    TimeUs deadline_us = 0;
    std::uint32_t attempts = 0;
  };
  std::map<std::uint64_t, AdminOp> admin_ops_;  // in flight, by number; ordered for determinism
  std::uint64_t admin_ops_started_ = 0;
  static constexpr std::size_t kMaxAdminOps = 16;
  static constexpr int kAdminClient = 0xFFFE;  // request ids of membership requests
  static constexpr int kProbeClient = 0xFFFF;  // request ids of liveness probe writes
};

}  // namespace confman::sim
