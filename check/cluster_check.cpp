#include "check/cluster_check.h"

#include <map>

namespace confman::check {

namespace {
std::string describe(const ClusterObservation& seen) {
  return "node " + std::to_string(seen.node) + " told watcher " + std::to_string(seen.watcher) + " at t=" +
         std::to_string(seen.time_us) + "us: term " + std::to_string(seen.term) + ", leader " +
         std::to_string(seen.leader) + (seen.leader_role ? " (itself)" : "");
}
}  // namespace

ClusterCheckResult check_cluster_observations(const std::vector<ClusterObservation>& observations) {
  ClusterCheckResult result;
  std::map<std::uint64_t, const ClusterObservation*> leader_of_term;
  std::map<std::pair<std::int64_t, std::uint64_t>, std::uint64_t> last_term_of_stream;
  for (const ClusterObservation& seen : observations) {
    result.observations_checked += 1;
    if (seen.leader_role && seen.leader != seen.node) {
      result.violation = "a cluster watch saw a leader naming another: " + describe(seen);
      return result;
    }
    auto [last, fresh] = last_term_of_stream.try_emplace({seen.watcher, seen.stream}, seen.term);
    if (!fresh) {
      if (seen.term < last->second) {
        result.violation = "a cluster watch saw a term go back from " + std::to_string(last->second) + ": " + describe(seen);
        return result;
      }
      last->second = seen.term;
    }
    if (seen.leader == 0) continue;
    auto [known, first] = leader_of_term.try_emplace(seen.term, &seen);
    if (!first && known->second->leader != seen.leader) {
      result.violation = "cluster watches saw two leaders in term " + std::to_string(seen.term) + ": " +
                         describe(*known->second) + "; " + describe(seen);
      return result;
    }
  }
  return result;
}

}  // namespace confman::check
