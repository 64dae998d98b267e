#include "sim/sim_network.h"

namespace confman::sim {

TimeUs SimNetwork::draw_delay_us() { return random_.between(options_.delay_min_us, options_.delay_max_us); }

bool SimNetwork::send(EndpointId from, EndpointId to, const std::function<void()>& deliver) {
  sent_ += 1;
  if (blocked(from, to) || random_.chance(options_.loss_ppm, kPpm)) {
    dropped_ += 1;
    return false;
  }
  queue_.schedule_after(draw_delay_us(), deliver);
  if (random_.chance(options_.duplicate_ppm, kPpm)) queue_.schedule_after(draw_delay_us(), deliver);
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

}  // namespace confman::sim
