#pragma once
// Cluster watch clients: each holds a cluster watch (service::Operation::
// WatchCluster) on a random node and moves to another now and then, or when
// its node stops, recording every view of the cluster it is told. The
// cluster-view check (check/cluster_check.h) requires those views never to
// show two leaders for one term, a leader naming another, or a term going
// back on one stream.

#include <cstdint>
#include <functional>
#include <vector>

#include "check/cluster_check.h"
#include "core/service/request.h"
#include "core/util/random.h"
#include "sim/event_queue.h"
#include "sim/trace.h"

namespace confman::sim {

class ClusterWatcher {
 public:
  using OpenFn = std::function<void(int index, NodeId node, const service::Request& request)>;
  using CloseFn = std::function<void(std::uint64_t watch_id)>;

  ClusterWatcher(int index, int node_count, std::uint64_t seed, EventQueue& queue, OpenFn open, CloseFn close);

  void start() { open_stream(); }
  void stop() { stopped_ = true; }
  void on_response(const service::Response& response);
  void on_event(std::uint64_t watch_id, const service::ClusterState& state);
  void on_ended(std::uint64_t watch_id, service::Code code);
  const std::vector<check::ClusterObservation>& observations() const { return observations_; }

  static constexpr int kFirstClientIndex = 0x5000;  // request ids: Client::request_id(kFirstClientIndex + index, ...)

 private:
  void open_stream();
  void move_later(TimeUs after_us);

  int index_;
  int node_count_;
  Random random_;
  EventQueue& queue_;
  OpenFn open_;
  CloseFn close_;
  bool stopped_ = false;
  std::uint64_t streams_ = 0;
  std::uint64_t watch_id_ = 0;
  std::vector<check::ClusterObservation> observations_;
};

}  // namespace confman::sim
