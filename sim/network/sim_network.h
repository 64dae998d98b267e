#pragma once
// The simulated network.
//
// Fault model. Every message independently may be lost, duplicated,
// corrupted (one bit flipped) or delayed: a uniform delay in [min, max] (so
// messages on one link reorder freely), plus, rarely, a heavy-tailed extra
// delay (a discrete Pareto tail: a message waits base * 2^k more with
// probability 2^-(k+1)). Links are directed: partitions cut them in both
// directions, one-way partitions in one, a bridge leaves one node talking to
// two sides that cannot talk to each other, and a flapping link goes down
// and up on a period. Heal restores everything.
//
// What the cluster must survive: all of it. Raft assumes an asynchronous
// network that loses, reorders and duplicates; corruption is caught by the
// checksum on every message and the message is dropped like a lost one.
// Liveness needs only a healed quorum. Clients sit outside the partitions
// but suffer loss and delay.

#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "core/util/codec.h"
#include "core/util/random.h"
#include "sim/scenario.h"

namespace confman::sim {

using EndpointId = std::uint64_t;  // nodes are 1..N; clients are kClientEndpointBase + i
constexpr EndpointId kClientEndpointBase = 1'000'000;

class SimNetwork {
 public:
  SimNetwork(NetworkOptions options, std::uint64_t seed) : options_(options), random_(seed) {}

  // How one message fares: the delay of each copy to deliver (none: lost).
  struct Plan {
    std::uint8_t copies = 0;
    TimeUs delay_us[2] = {0, 0};
  };
  Plan plan(EndpointId from, EndpointId to);

  // Flips one random bit of the frame with the configured probability.
  // Returns whether it did.
  bool maybe_corrupt(Bytes& frame);

  void partition(const std::vector<std::vector<NodeId>>& groups, int node_count);
  void one_way(const std::vector<NodeId>& from, const std::vector<NodeId>& to);
  void bridge(const std::vector<NodeId>& side_a, const std::vector<NodeId>& side_b);
  void set_link(NodeId a, NodeId b, bool up);
  void heal() { blocked_.clear(); }
  bool partitioned() const { return !blocked_.empty(); }
  bool blocked(EndpointId from, EndpointId to) const { return blocked_.contains({from, to}); }

  std::uint64_t sent() const { return sent_; }
  std::uint64_t dropped() const { return dropped_; }
  std::uint64_t corrupted() const { return corrupted_; }

 private:
  TimeUs draw_delay_us();

  NetworkOptions options_;
  Random random_;
  std::set<std::pair<EndpointId, EndpointId>> blocked_;  // directed from -> to
  std::uint64_t sent_ = 0;
  std::uint64_t dropped_ = 0;
  std::uint64_t corrupted_ = 0;
};

}  // namespace confman::sim
