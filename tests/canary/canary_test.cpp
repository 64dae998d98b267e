// The canary proves the harness can find bugs: this binary links a core built
// with CONFMAN_CANARY_VOTE_WITHOUT_LOG_CHECK, where nodes grant votes without
// the §5.4.1 election restriction. A node missing committed entries can then
// win an election, and the invariant checker must report it within a bounded
// number of seeds.

#include <gtest/gtest.h>

#include "sim/runner.h"
#include "sim/scenario_writer.h"
#include "sim/shrink.h"

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

std::uint64_t first_failing_seed(const Scenario& scenario, std::string& violation) {
  for (std::uint64_t seed = 1; seed <= kSeedBudget; ++seed) {
    const RunResult result = run_scenario(scenario, seed);
    if (!result.violation.empty()) {
      violation = result.violation;
      return seed;
    }
  }
  return 0;
}

TEST(Canary, BrokenElectionRestrictionIsCaught) {
  std::string violation;
  const std::uint64_t caught_at = first_failing_seed(partitions_and_crashes(), violation);
  ASSERT_NE(caught_at, 0u) << "the invariant checker missed the canary in " << kSeedBudget << " seeds";
  std::cout << "canary caught at seed " << caught_at << ": " << violation << "\n";
}

// Shrinking: the canary's failing seed is reduced to fewer faults, and the
// written scenario file reproduces the same kind of failure. (A failure
// that one fault causes has nothing to shrink: the first failing seed with
// two faults or more is taken.)
TEST(Canary, ShrinkKeepsTheFailureWithFewerFaults) {
  const Scenario scenario = partitions_and_crashes();
  std::uint64_t seed = 0;
  for (std::uint64_t candidate = 1; candidate <= kSeedBudget && seed == 0; ++candidate) {
    const RunResult run = run_scenario(scenario, candidate);
    if (!run.violation.empty() && run.injected_faults.size() >= 2) seed = candidate;
  }
  ASSERT_NE(seed, 0u) << "no failing seed with two faults or more in " << kSeedBudget << " seeds";
  const ShrinkResult result = shrink(scenario, seed);
  ASSERT_TRUE(result.original_failed);
  ASSERT_TRUE(result.replay_failed) << "replaying the faults as a timeline lost the failure";
  EXPECT_LT(result.minimal.timeline.size(), result.original_faults);
  auto reloaded = parse_scenario(scenario_to_toml(result.minimal), "shrunk.toml");
  ASSERT_TRUE(reloaded.ok()) << reloaded.error().message;
  const RunResult replay = run_scenario(*reloaded, seed);
  EXPECT_FALSE(replay.passed());
  EXPECT_EQ(replay.violation_kind, result.violation_kind);
  std::cout << "shrunk seed " << seed << " from " << result.original_faults << " faults to "
            << result.minimal.timeline.size() << " in " << result.runs << " runs (" << violation_kind_name(result.violation_kind) << ")\n";
}

}  // namespace
}  // namespace confman::sim
