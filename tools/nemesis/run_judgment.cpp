#include "tools/nemesis/run_judgment.h"

#include <algorithm>
#include <cmath>

namespace confman::nemesis {

std::vector<FailoverWindow> failover_windows(const std::vector<std::int64_t>& leader_faults_us,
                                             const std::vector<WriteRecord>& writes, std::int64_t end_us) {
  std::vector<FailoverWindow> windows;
  for (const std::int64_t fault : leader_faults_us) {
    std::optional<std::int64_t> first;
    for (const WriteRecord& write : writes) {
      if (!write.acknowledged || write.invoked_us < fault) continue;
      if (!first || write.completed_us < *first) first = write.completed_us;
    }
    windows.push_back(first ? FailoverWindow{fault, *first - fault, true} : FailoverWindow{fault, end_us - fault, false});
  }
  return windows;
}

std::int64_t nearest_rank(std::vector<std::int64_t> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::min(values.size() - 1, rank == 0 ? 0 : rank - 1)];
}

std::vector<WriteRecord> lost_acknowledged_writes(const std::vector<WriteRecord>& writes,
                                                  const FinalStates& final_states) {
  std::vector<WriteRecord> lost;
  for (const WriteRecord& write : writes) {
    if (!write.acknowledged) continue;
    const auto final_state = final_states.find(write.key);
    if (final_state == final_states.end()) continue;  // the key was not read at the end
    if (final_state->second) {
      if (write.revision > *final_state->second) lost.push_back(write);
      continue;
    }
    if (write.is_delete) continue;
    const bool deleted_later = std::any_of(writes.begin(), writes.end(), [&](const WriteRecord& other) {
      if (!other.is_delete || other.key != write.key) return false;
      // One of unknown outcome may take effect at any time after it was
      // invoked, so after this put too.
      return other.acknowledged ? other.revision > write.revision : true;
    });
    if (!deleted_later) lost.push_back(write);
  }
  return lost;
}

namespace {

bool talk(const ClusterCondition& condition, std::size_t a, std::size_t b) {
  return condition.cut.count({a, b}) == 0 && condition.cut.count({b, a}) == 0;
}

}  // namespace

bool leader_struck(const ClusterCondition& condition, std::size_t leader) {
  const std::size_t nodes = condition.down.size();
  if (leader == 0 || leader > nodes) return false;
  if (condition.down[leader - 1]) return true;
  std::size_t leader_reaches = 1;
  for (std::size_t id = 1; id <= nodes; ++id) {
    if (id != leader && !condition.down[id - 1] && talk(condition, leader, id)) leader_reaches += 1;
  }
  return leader_reaches < nodes / 2 + 1;
}

bool clean_leader_fault(const ClusterCondition& condition, std::size_t leader) {
  const std::size_t nodes = condition.down.size();
  const std::size_t majority = nodes / 2 + 1;
  if (!leader_struck(condition, leader)) return false;
  // A majority of the others, up and all talking: tried over every subset
  // (at most 2^9 for the tool's nine nodes).
  for (std::uint32_t subset = 0; subset < (1u << nodes); ++subset) {
    if ((subset >> (leader - 1) & 1u) != 0 || static_cast<std::size_t>(__builtin_popcount(subset)) < majority) continue;
    bool healthy = true;
    for (std::size_t a = 1; a <= nodes && healthy; ++a) {
      if ((subset >> (a - 1) & 1u) == 0) continue;
      healthy = !condition.down[a - 1];
      for (std::size_t b = a + 1; b <= nodes && healthy; ++b) {
        if ((subset >> (b - 1) & 1u) != 0) healthy = talk(condition, a, b);
      }
    }
    if (healthy) return true;
  }
  return false;
}

}  // namespace confman::nemesis
