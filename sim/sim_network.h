#pragma once
// The simulated network. Fault model: every message independently may be
// lost, duplicated, or delayed by a uniformly drawn delay (so messages on one
// link reorder freely). Partitions cut directed node-to-node links; they are
// symmetric unless made otherwise, and heal restores all links. What the
// cluster must survive: all of it — Raft assumes an asynchronous network that
// can lose, reorder and duplicate; only liveness needs a healed quorum.
// Clients sit outside the partitions but suffer loss and delay.

#include <cstdint>
#include <functional>
#include <set>
#include <utility>
#include <vector>

#include "core/util/random.h"
#include "sim/event_queue.h"
#include "sim/scenario.h"

namespace confman::sim {

using EndpointId = std::uint64_t;  // nodes are 1..N; clients are kClientEndpointBase + i
constexpr EndpointId kClientEndpointBase = 1'000'000;

class SimNetwork {
 public:
  SimNetwork(EventQueue& queue, NetworkOptions options, std::uint64_t seed)
      : queue_(queue), options_(options), random_(seed) {}

  // Sends one message; `deliver` runs at the receiver at delivery time (it
  // may run twice if duplicated, or never). Returns false if it was dropped.
  bool send(EndpointId from, EndpointId to, const std::function<void()>& deliver);

  void partition(const std::vector<std::vector<NodeId>>& groups, int node_count);
  void heal() { blocked_.clear(); }
  bool partitioned() const { return !blocked_.empty(); }
  bool blocked(EndpointId from, EndpointId to) const { return blocked_.contains({from, to}); }

  std::uint64_t dropped() const { return dropped_; }
  std::uint64_t delivered() const { return sent_ - dropped_; }

 private:
  TimeUs draw_delay_us();

  EventQueue& queue_;
  NetworkOptions options_;
  Random random_;
  std::set<std::pair<EndpointId, EndpointId>> blocked_;  // directed from -> to
  std::uint64_t sent_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace confman::sim
