#pragma once
// The simulated hosts and their devices: N nodes running the real core
// behind the real request layer (core/service), each with its disk
// (sim_storage.h), its clock (NodeClock) and its links (sim_network.h), and
// the paths by which clients reach them. Single-threaded; what is random is
// drawn from streams derived from the run seed.
//
// The fault model of each device is written next to it (network/,
// storage/, clock/, process/); here are the acts a fault performs (crash a process, cut links, stall a process, move a
// clock, break a disk). Which faults happen, and when, is the nemesis's
// business (nemesis.h), which records every one it injects; membership
// requests are the operator's (operator.h).
//
// Clients reach a node's request layer over the simulated network, and a
// follower forwards what needs the leader over the same network (so a
// partition between them loses the request, and the client retries); the
// leader's answer travels back through the follower, as an HTTP response
// would. A watch is a stream, like a TCP connection: its messages arrive in
// order, and a message the network loses breaks the stream for good
// (cluster_requests.cpp).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "check/committed.h"
#include "core/node/node.h"
#include "core/service/service.h"
#include "core/util/random.h"
#include "sim/clock/node_clock.h"
#include "sim/event_queue.h"
#include "sim/history_resolution.h"
#include "sim/invariants.h"
#include "sim/scenario.h"
#include "sim/network/sim_network.h"
#include "sim/trace.h"

namespace confman::sim {

struct Host;  // sim/process/host.h: one host, its devices and its process

// Where the answers to one client index go (client indexes are the high
// bits of request ids, Client::request_id).
struct ClientSink {
  enum class Path : std::uint8_t {
    Direct,   // consumed at once, where the node answers (the operator, the liveness probe)
    Network,  // across the network to the client
    Stream,   // on the watch's stream (send_on_stream)
  };
  Path path = Path::Network;
  std::function<void(const service::Response&)> on_response{};
  std::function<void(const service::WatchBatch&)> on_batch{};            // Stream
  std::function<void(std::uint64_t watch_id, service::Code)> on_ended{};  // Stream
  std::function<void(std::uint64_t watch_id, const service::ClusterState&)> on_cluster{};  // Stream
};

std::string describe_groups(const std::vector<std::vector<NodeId>>& groups);

// How often the request layer sends idle watches a progress notice in the
// simulator: often enough that a watcher notices a broken stream within a
// second (watcher.h).
constexpr TimeUs kSimWatchProgressIntervalUs = 200'000;

class Cluster {
 public:
  Cluster(const Scenario& scenario, std::uint64_t seed, EventQueue& queue, Trace& trace, Invariants& invariants);
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  void start_nodes();

  // --- clients ---
  void add_client(int index, ClientSink sink);
  // From client `index` to a node, across the network.
  void send_request(int index, NodeId node, const service::Request& request);
  void open_watch(int index, NodeId node, const service::Request& request);
  void close_watch(std::uint64_t watch_id);

  // --- what faults do (traced; the nemesis decides and records them) ---
  // Each returns false when it does not apply (the node is already down...).
  bool crash(NodeId id);
  bool restart(NodeId id);
  void partition(const std::vector<std::vector<NodeId>>& groups);
  void one_way(const std::vector<NodeId>& from, const std::vector<NodeId>& to);
  void bridge(const std::vector<NodeId>& side_a, const std::vector<NodeId>& side_b, NodeId bridge_node);
  void flap(NodeId a, NodeId b, TimeUs period_us);
  void heal();
  bool pause(NodeId id, TimeUs duration_us);
  void clock_jump(NodeId id, TimeUs delta_us);
  // DiskError, DiskFull, SlowDisk, ReadError, Corrupt or DamageTail; false
  // if the disk is lost already. The corruptions pick their bit with `random`.
  bool disk_fault(TimelineAction action, NodeId id, TimeUs duration_us, Random& random);
  // A fault the cluster does not perform itself (a membership change, the
  // operator's), in the trace with the others.
  void trace_fault(NodeId node, std::string_view fault);
  // The harness's own healing (the liveness phase): only `quorum` talk.
  void connect_only(const std::vector<NodeId>& quorum);
  // Bumped by every change of the links; a scheduled heal checks it.
  std::uint64_t network_generation() const { return network_generation_; }

  // --- hooks ---
  // Called to bring a node back later: after a fail-stop, or a start that
  // failed on a transient read error (the nemesis draws the delay).
  void on_restart_needed(std::function<void(NodeId)> schedule) { restart_needed_ = std::move(schedule); }
  // Called whenever a node reports a new membership view (cleared by heal()).
  void on_membership_view(std::function<void()> listener) { membership_view_ = std::move(listener); }

  // --- observations ---
  TimeUs now_us() const { return queue_.now_us(); }
  bool node_up(NodeId id) const;
  // Up, running (not paused), and its disk takes writes.
  bool node_healthy(NodeId id) const;
  // The highest revision any running replica has applied.
  std::uint64_t highest_applied_revision() const;
  bool disk_lost(NodeId id) const;  // a corrupted disk was detected; the node stays down
  // Disk lost, holding a corrupted record not yet found, or repaired and
  // still recovering.
  bool corrupted(NodeId id) const;
  // A repaired node's status: once it stops recovering, trace it.
  void note_recovery(NodeId id, const raft::RaftStatus& status);
  const node::Node* node(NodeId id) const;
  NodeId leader() const;  // a live node that believes it leads in the highest term, or 0
  // The newest membership any live node holds (committed or not); the
  // founding one while no node is up.
  raft::Membership current_membership() const;
  // Every membership a node holds now (a down node's as it last reported it).
  std::vector<raft::Membership> memberships_held() const;
  int node_count() const { return static_cast<int>(nodes_.size()); }
  // Every committed change, by revision, as the first replica applied it.
  const check::CommittedHistory& committed() const { return committed_; }
  // What each client session's writes did, as the first replica applied them.
  const AppliedSessions& applied_sessions() const { return applied_sessions_; }
  std::uint64_t forwards() const { return forwards_; }
  // How long, so far, some live node believed it led (a leader the clients
  // could have reached).
  TimeUs leader_time_us();
  const SimNetwork& network() const { return network_; }
  const Scenario& scenario() const { return scenario_; }

 private:
  friend class NodeEnv;
  friend class GatedStorage;

  Host& sim_node(NodeId id);
  void start_node(Host& sim_node);
  void after_node_input(Host& sim_node);
  void schedule_wakeup(Host& sim_node);
  void deliver_frame(NodeId to, const Bytes& frame);
  void deliver_request(NodeId to, const service::Request& request);
  void send_to(EndpointId from, EndpointId to, const std::function<void()>& deliver);
  void run_on_node(Host& sim_node, std::function<void()> action);
  void resume(NodeId id, std::uint64_t incarnation);
  void flap_step(NodeId a, NodeId b, TimeUs period_us, std::uint64_t generation, bool up);
  void crash_quietly(Host& target);
  void on_node_stopped(Host& sim_node);
  void on_start_failed(Host& sim_node, const std::string& detail);
  // Answers, forwards and watch streams (cluster_requests.cpp).
  void route_response(NodeId from, const service::Response& response);
  void deliver_response(NodeId from, const service::Response& response);
  void forward_request(NodeId from, NodeId leader, const service::Request& request);
  void refuse_forward(NodeId origin, std::uint64_t origin_incarnation, NodeId leader, std::uint64_t request_id);
  void send_on_stream(std::uint64_t watch_id, std::function<void()> deliver);
  void record_committed(NodeId node, const kv::WriteRequest& request, const kv::WriteResult& result);
  const ClientSink& sink_of(std::uint64_t request_id) const;
  void note_leadership();

  Scenario scenario_;
  std::uint64_t seed_;
  EventQueue& queue_;
  Trace& trace_;
  Invariants& invariants_;
  SimNetwork network_;
  Random clock_random_;  // late timers
  std::vector<std::unique_ptr<Host>> nodes_;  // nodes_[id - 1]
  std::map<int, ClientSink> sinks_;              // by client index
  check::CommittedHistory committed_;
  AppliedSessions applied_sessions_;
  std::uint64_t network_generation_ = 0;
  std::function<void(NodeId)> restart_needed_;
  std::function<void()> membership_view_;
  // A request a follower forwarded, while the leader holds it: its answer
  // goes back through the follower (by leader and request id).
  struct Forwarded {
    NodeId origin = kNoNode;
    std::uint64_t origin_incarnation = 0;
  };
  void on_origin(NodeId from, Forwarded via, std::function<void(Host&)> action);
  std::map<std::pair<NodeId, std::uint64_t>, Forwarded> forwarded_;
  std::uint64_t forwards_ = 0;
  TimeUs leader_time_us_ = 0;
  TimeUs leadership_noted_at_us_ = 0;
  bool had_leader_ = false;
  // Open watch streams, by watch id (send_on_stream).
  struct Stream {
    NodeId node = kNoNode;
    std::uint64_t incarnation = 0;  // of the node, once the open request reached it
    bool reached = false;
    bool broken = false;
    TimeUs last_delivery_us = 0;
  };
  std::map<std::uint64_t, Stream> streams_;
};

}  // namespace confman::sim
