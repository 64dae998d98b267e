#pragma once
// The phases of a run after the safety phase (runner.h):
//
// Liveness: the clients, watchers and operator stop; every crashed node
// restarts; a random majority of every membership the nodes hold is
// connected and the rest cut off. With that quorum, a leader must emerge
// and commit a write (a probe) within the scenario's bound: Raft promises
// no more than this. If a membership changes during the phase (a change
// already on its way), the connected set grows to stay a majority.
//
// Convergence: everything is healed and restarted, and every member must
// reach the leader's commit index with the same state digest, every client
// answered, within the bound.

#include <cstdint>
#include <string>
#include <vector>

#include "core/util/random.h"
#include "sim/world.h"

namespace confman::sim {

class LivenessPhase {
 public:
  // Registers the probe's answers with the cluster: construct it once per
  // run, before the run starts, and keep it for the run.
  LivenessPhase(World& world, std::uint64_t seed);
  // Empty when a leader among the quorum committed a probe write in time;
  // otherwise what was missing ("no liveness: ...").
  std::string run(const Scenario& scenario);

  static constexpr int kProbeClient = 0xFFFF;  // request ids of the probe writes

 private:
  void connect_random_quorum();
  void grow_quorum();
  void send_probe(NodeId leader);
  NodeId leader_in_quorum() const;

  World& world_;
  Random random_;
  std::vector<NodeId> quorum_;  // sorted
  std::uint64_t probes_ = 0;
  bool acknowledged_ = false;
};

// Empty when the cluster converged in time; otherwise what was missing.
std::string run_convergence_phase(World& world, const Scenario& scenario);

}  // namespace confman::sim
