#include "sim/network/sim_network.h"

#include <algorithm>

namespace confman::sim {

namespace {
constexpr int kMaxTailDoublings = 30;
}  // namespace

TimeUs SimNetwork::draw_delay_us() {
  TimeUs delay_us = random_.between(options_.delay_min_us, options_.delay_max_us);
  if (options_.tail_ppm > 0 && random_.chance(options_.tail_ppm, kPpm)) {
    TimeUs extra_us = options_.tail_base_us;
    for (int k = 0; k < kMaxTailDoublings && extra_us < options_.tail_max_us && random_.chance(1, 2); ++k) extra_us *= 2;
    delay_us += std::min(extra_us, options_.tail_max_us);
  }
  return delay_us;
}

SimNetwork::Plan SimNetwork::plan(EndpointId from, EndpointId to) {
  sent_ += 1;
  Plan plan;
  if (blocked(from, to) || random_.chance(options_.loss_ppm, kPpm)) {
    dropped_ += 1;
    return plan;
  }
  plan.delay_us[plan.copies++] = draw_delay_us();
  if (random_.chance(options_.duplicate_ppm, kPpm)) plan.delay_us[plan.copies++] = draw_delay_us();
  return plan;
}

bool SimNetwork::maybe_corrupt(Bytes& frame) {
  if (frame.empty() || options_.corrupt_ppm == 0 || !random_.chance(options_.corrupt_ppm, kPpm)) return false;
  const std::uint64_t bit = random_.below(frame.size() * 8);
  frame[bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8));
  corrupted_ += 1;
  return true;
}

void SimNetwork::partition(const std::vector<std::vector<NodeId>>& groups, int node_count) {
  blocked_.clear();
  // A node in no group is isolated from everyone.
  std::vector<int> group_of(static_cast<std::size_t>(node_count) + 1, -1);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (NodeId node : groups[g]) group_of[node] = static_cast<int>(g);
  }
  for (NodeId a = 1; a <= static_cast<NodeId>(node_count); ++a) {
    for (NodeId b = 1; b <= static_cast<NodeId>(node_count); ++b) {
      if (a != b && (group_of[a] < 0 || group_of[a] != group_of[b])) blocked_.insert({a, b});
    }
  }
}

void SimNetwork::one_way(const std::vector<NodeId>& from, const std::vector<NodeId>& to) {
  blocked_.clear();
  for (NodeId a : from) {
    for (NodeId b : to) blocked_.insert({a, b});
  }
}

void SimNetwork::bridge(const std::vector<NodeId>& side_a, const std::vector<NodeId>& side_b) {
  blocked_.clear();
  for (NodeId a : side_a) {
    for (NodeId b : side_b) {
      blocked_.insert({a, b});
      blocked_.insert({b, a});
    }
  }
}

void SimNetwork::set_link(NodeId a, NodeId b, bool up) {
  if (up) {
    blocked_.erase({a, b});
    blocked_.erase({b, a});
  } else {
    blocked_.insert({a, b});
    blocked_.insert({b, a});
  }
}

}  // namespace confman::sim
