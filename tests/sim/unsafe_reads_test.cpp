// The deliberately unsafe read mode exists only to prove the checker works:
// reads served from a node's local state but recorded as linearizable must be
// reported non-linearizable within 200 seeds.

#include <gtest/gtest.h>

#include "core/util/assert.h"
#include "sim/runner.h"

namespace confman::sim {
namespace {

TEST(UnsafeReads, CheckerReportsThemNonLinearizableWithin200Seeds) {
  const std::string path = std::string(CONFMAN_SOURCE_DIR) + "/scenarios/unsafe-local-reads.toml";
  auto scenario = load_scenario(path);
  ASSERT_TRUE(scenario.ok()) << scenario.error().message;
  ASSERT_TRUE(scenario->workload.unsafe_local_reads);
  std::uint64_t found_at = 0;
  for (std::uint64_t seed = 1; seed <= 200 && found_at == 0; ++seed) {
    const RunResult result = run_scenario(*scenario, seed);
    if (result.linearizability == "not linearizable") found_at = seed;
  }
  ASSERT_NE(found_at, 0u) << "the checker accepted unsafe local reads for 200 seeds";
  std::cout << "unsafe reads reported non-linearizable at seed " << found_at << "\n";
}

// The same scenario with safe reads must pass: the violation comes from the
// read mode, not from the faults.
TEST(UnsafeReads, SameScenarioWithLinearizableReadsIsLinearizable) {
  auto scenario = load_scenario(std::string(CONFMAN_SOURCE_DIR) + "/scenarios/unsafe-local-reads.toml");
  ASSERT_TRUE(scenario.ok());
  scenario->workload.unsafe_local_reads = false;
  scenario->workload.stale_read_weight = 0;
  scenario->workload.linearizable_read_weight = 1;
  scenario->expect.violation = false;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const RunResult result = run_scenario(*scenario, seed);
    EXPECT_EQ(result.linearizability, "linearizable") << "seed " << seed << ": " << result.violation;
    EXPECT_TRUE(result.passed()) << "seed " << seed << ": " << result.violation;
  }
}

}  // namespace
}  // namespace confman::sim
