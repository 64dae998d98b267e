#pragma once
// Cluster watches checked: what nodes told their cluster watchers about the
// cluster (role, term, leader) must never show two leaders for one term
// (Raft §5.2, Election Safety, as clients see it), a node that calls itself
// leader while naming another, or a term going back on one stream (a node's
// term is durable, and a stream ends with its process).

#include <cstdint>
#include <string>
#include <vector>

namespace confman::check {

struct ClusterObservation {
  std::int64_t watcher = 0;
  std::uint64_t stream = 0;   // one per opened watch
  std::uint64_t node = 0;     // the node that reported it
  bool leader_role = false;   // the node said it leads
  std::uint64_t term = 0;
  std::uint64_t leader = 0;   // the leader it named (0: none known)
  std::int64_t time_us = 0;
};

struct ClusterCheckResult {
  std::string violation;  // empty: nothing contradicts Raft
  std::uint64_t observations_checked = 0;
};

ClusterCheckResult check_cluster_observations(const std::vector<ClusterObservation>& observations);

}  // namespace confman::check
