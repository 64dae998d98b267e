#pragma once
// The request layer: everything between a decoded client request and the
// node that decides what the client sees. Sans-IO like the node it drives:
// no sockets, no threads, no clock but the time each call carries. The real
// server is a thin HTTP/JSON adapter over it (real/server/); the simulator's
// clients call the same layer through a simulated channel (sim/world.cpp),
// so every rule here runs under every fault the simulator injects.
//
// What it does with a request (request.h):
//   - refuses malformed and reserved keys, oversized values and broken
//     sessions before anything happens (client_key.h);
//   - a write, a membership change or a leadership transfer goes to the
//     node; if the node is not the leader, the request is forwarded to the
//     leader (ServiceOutput::forward) or answered Redirect, as the client
//     asked; a forwarded request that meets a non-leader again is answered
//     NoLeader (no forwarding loops); the service holds what it forwarded
//     until the forward ends, and re-routes it when a newer leader appears
//     (forwards.h);
//   - a linearizable read is a ReadIndex barrier (Raft §6.4: the leader
//     confirms it still leads, and this node applies everything committed
//     at that moment), then a local read; on a follower it is forwarded;
//   - a read-your-writes read waits until this node's store reaches the
//     client's revision, or answers Timeout after its wait;
//   - a stale read is this node's store as it is;
//   - watches are served from the replicated event log (watch_registry.h),
//     with a progress notice every watch_progress_interval_us;
//   - a cluster watch gets this node's view of the cluster (ClusterState)
//     when it opens and at every change of role, term, leader or membership.
// Answers and events leave through ServiceOutput; a request's answer leaves
// exactly once, unless it was forwarded (its answer is then the leader's).
//
// Bounds: the requests it holds (waiting for the node or for a revision)
// are counted in bytes (their keys, values and records plus
// kRequestOverheadBytes) and refused with Busy beyond max_pending_bytes; at
// most max_watches watches are open.

#include <cstdint>
#include <map>
#include <optional>
#include <set>

#include "core/node/node.h"
#include "core/service/forwards.h"
#include "core/service/reads.h"
#include "core/service/request.h"
#include "core/service/watch_registry.h"

namespace confman::service {

struct ServiceConfig {
  TimeUs read_wait_timeout_us = 5'000'000;  // a read-your-writes read waits at most this by default
  TimeUs watch_progress_interval_us = 10'000'000;
  std::size_t max_watches = 4096;
  std::size_t max_pending_bytes = 64 << 20;
  TimeUs forward_timeout_us = 5'000'000;  // a forward with no answer by then: forwards.h, NoAnswer
};

constexpr std::size_t kRequestOverheadBytes = 256;
std::size_t request_bytes(const Request& request);

class Service final : private node::ClientResponder {
 public:
  // env.responder is ignored: the service answers for the node.
  Service(ServiceConfig config, node::NodeConfig node_config, node::Env env, ServiceOutput& output);
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  Result<Done, node::StartError> start(TimeUs now_us);
  void receive(ByteView frame, TimeUs now_us);  // a Raft message from a peer
  void tick(TimeUs now_us);
  void handle(Request request, TimeUs now_us);  // a client request
  // The leader answered a forward (ServiceOutput::forward): true if the
  // embedding should relay the answer, false if the service no longer holds
  // the request (it was answered, or re-routed elsewhere, meanwhile).
  bool forward_answered(std::uint64_t request_id, NodeId leader, TimeUs now_us);
  void forward_failed(std::uint64_t request_id, NodeId leader, ForwardFailure failure, const std::string& detail,
                      TimeUs now_us);
  // The client of a watch (or cluster watch) went away: nothing more is sent for it.
  void cancel_watch(std::uint64_t watch_id) {
    watches_.cancel(watch_id);
    cluster_watches_.erase(watch_id);
  }
  TimeUs next_deadline_us() const;

  const node::Node& node() const { return node_; }
  const ServiceConfig& config() const { return config_; }
  std::size_t pending_bytes() const { return pending_bytes_; }
  std::size_t pending_requests() const { return pending_.size() + read_waits_.size() + forwards_.size(); }
  std::size_t open_watches() const { return watches_.size() + cluster_watches_.size(); }
  ClusterState cluster_state() const;

 private:
  // node::ClientResponder
  void respond(node::ClientResponse response) override;
  void on_store_changed() override;

  std::optional<Response> refusal(const Request& request) const;
  void read(Request request);
  void write(Request request);
  void watch(const Request& request);
  void watch_cluster(const Request& request);
  void cluster_status(const Request& request);
  void publish_cluster_state();
  void change_membership(Request request);
  void transfer(Request request);
  void submit_to_node(Request request, node::ClientRequest node_request);
  void answer_from_node(const Request& request, const node::ClientResponse& response);
  void answer_failure(const Request& request, const node::ClientResponse& response);
  void not_leader(const Request& request, NodeId leader_hint);
  void dispatch(Request request);
  void forward(Request request, NodeId leader);
  // A forward that ended without the leader's answer (forwards.h).
  void forward_lost(Forward forward, ForwardFailure failure, const std::string& detail);
  void reroute_to_newer_leader();
  void hold(const Request& request) { pending_bytes_ += request_bytes(request); }
  void release(const Request& request) { pending_bytes_ -= request_bytes(request); }
  void advance_clock(TimeUs now_us);
  void after_input();
  void send_progress_if_due();

  ServiceConfig config_;
  ServiceOutput& output_;
  node::Node node_;
  TimeUs now_us_ = 0;
  std::uint64_t next_node_request_id_ = 1;
  std::map<std::uint64_t, Request> pending_;  // by the id of the request the node holds
  std::size_t pending_bytes_ = 0;
  ReadWaits read_waits_;
  Forwards forwards_;
  WatchRegistry watches_;
  TimeUs next_progress_us_ = 0;
  bool stop_handled_ = false;
  std::set<std::uint64_t> cluster_watches_;  // ids; ordered, so events go out in a fixed order
  std::optional<ClusterState> last_cluster_state_;  // as last sent
};

}  // namespace confman::service
