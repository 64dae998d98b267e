// The liveness phase: after the safety phase a random majority is connected
// and must elect a leader and commit a write within the scenario's bound.

#include <gtest/gtest.h>

#include "sim/runner.h"

namespace confman::sim {
namespace {

// The check can fail: with election timeouts far above the bound no leader
// can emerge in time, and the run must say "no liveness" (and fail).
TEST(Liveness, NoLeaderWithinTheBoundIsReported) {
  auto scenario = parse_scenario(R"(
name = "slow-elections"
nodes = 3
duration_ms = 1000
[raft]
election_timeout_ms = 30000
heartbeat_interval_ms = 1000
[workload]
clients = 0
[expect]
liveness_ms = 2000
)",
                                 "slow-elections.toml");
  ASSERT_TRUE(scenario.ok()) << scenario.error().message;
  const RunResult result = run_scenario(*scenario, 1);
  EXPECT_FALSE(result.passed());
  EXPECT_NE(result.violation.find("no liveness"), std::string::npos) << result.violation;
  EXPECT_NE(result.violation.find("no leader"), std::string::npos) << result.violation;
}

TEST(Liveness, HealthyClusterPassesAfterFaults) {
  auto scenario = parse_scenario(R"(
name = "faulty"
nodes = 5
duration_ms = 4000
[workload]
clients = 4
[nemesis]
partitions_per_minute = 30
crashes_per_minute = 30
pauses_per_minute = 30
)",
                                 "faulty.toml");
  ASSERT_TRUE(scenario.ok()) << scenario.error().message;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const RunResult result = run_scenario(*scenario, seed);
    EXPECT_TRUE(result.passed()) << "seed " << seed << ": " << result.violation;
  }
}

}  // namespace
}  // namespace confman::sim
