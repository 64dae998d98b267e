// The request layer's canary: this binary links a core built with
// CONFMAN_CANARY_SERVICE_LOCAL_READS, where a node answers a linearizable
// read from its own state, with no ReadIndex barrier and no forwarding to
// the leader. A follower that lags, or a deposed leader that does not know
// it yet, then serves a stale value as linearizable; the checkers must catch
// it within 100 seeds. The same scenario passes with the real core
// (tests/sim/unsafe_reads_test.cpp runs it).

#include <gtest/gtest.h>

#include "sim/runner.h"

namespace confman::sim {
namespace {

constexpr std::uint64_t kSeedBudget = 100;

Scenario linearizable_reads_under_partitions() {
  auto loaded = load_scenario(std::string(CONFMAN_SOURCE_DIR) + "/scenarios/unsafe-local-reads.toml");
  EXPECT_TRUE(loaded.ok());
  Scenario scenario = *loaded;
  scenario.workload.unsafe_local_reads = false;
  scenario.workload.linearizable_read_weight = 1;
  scenario.workload.read_your_writes_weight = 0;
  scenario.workload.stale_read_weight = 0;
  scenario.expect.violation = false;
  return scenario;
}

TEST(ServiceCanary, LinearizableReadsServedLocallyAreCaught) {
  const Scenario scenario = linearizable_reads_under_partitions();
  std::uint64_t caught_at = 0;
  std::string violation;
  for (std::uint64_t seed = 1; seed <= kSeedBudget && caught_at == 0; ++seed) {
    const RunResult result = run_scenario(scenario, seed);
    if (!result.violation.empty()) {
      caught_at = seed;
      violation = result.violation;
    }
  }
  ASSERT_NE(caught_at, 0u) << "the checkers missed local linearizable reads in " << kSeedBudget << " seeds";
  std::cout << "service canary caught at seed " << caught_at << ": " << violation.substr(0, violation.find('\n'))
            << "\n";
}

}  // namespace
}  // namespace confman::sim
