// The canary proves the harness can find bugs: this binary links a core built
// with CONFMAN_CANARY_VOTE_WITHOUT_LOG_CHECK, where nodes grant votes without
// the §5.4.1 election restriction. A node missing committed entries can then
// win an election, and the invariant checker must report it within a bounded
// number of seeds.

#include <gtest/gtest.h>

#include "sim/runner.h"

namespace confman::sim {
namespace {

constexpr std::uint64_t kSeedBudget = 100;

Scenario partitions_and_crashes() {
  Scenario scenario;
  scenario.name = "canary";
  scenario.path = "(canary test)";
  scenario.nodes = 5;
  scenario.duration_us = 8'000'000;
  scenario.network.loss_ppm = 20'000;
  scenario.workload.clients = 8;
  scenario.nemesis.partitions_per_minute = 20;
  scenario.nemesis.crashes_per_minute = 20;
  scenario.nemesis.heal_after_min_us = 300'000;
  scenario.nemesis.heal_after_max_us = 2'000'000;
  return scenario;
}

TEST(Canary, BrokenElectionRestrictionIsCaught) {
  const Scenario scenario = partitions_and_crashes();
  std::uint64_t caught_at = 0;
  std::string violation;
  for (std::uint64_t seed = 1; seed <= kSeedBudget && caught_at == 0; ++seed) {
    const RunResult result = run_scenario(scenario, seed);
    if (!result.violation.empty()) {
      caught_at = seed;
      violation = result.violation;
    }
  }
  ASSERT_NE(caught_at, 0u) << "the invariant checker missed the canary in " << kSeedBudget << " seeds";
  std::cout << "canary caught at seed " << caught_at << ": " << violation << "\n";
}

}  // namespace
}  // namespace confman::sim
