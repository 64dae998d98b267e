// Issue acceptance: hundreds of seeds of 3- and 5-node clusters under message
// loss, partitions and crash/restart, with zero invariant violations, every
// node converging after the final heal, and client writes acknowledged in
// every seed (run_scenario reports a run without one as a violation).

#include <gtest/gtest.h>

#include "core/util/assert.h"
#include "sim/sweep.h"

namespace confman::sim {
namespace {

Scenario faulty_cluster(int nodes) {
  const std::string path = std::string(CONFMAN_SOURCE_DIR) + "/tests/sim/scenarios/sweep-" + std::to_string(nodes) + ".toml";
  auto scenario = load_scenario(path);
  CONFMAN_ASSERT(scenario.ok(), "cannot load the sweep scenario " + path);
  return std::move(scenario).value();
}

void expect_clean_sweep(int nodes) {
  SweepOptions options;
  options.first_seed = 1;
  options.last_seed = 300;
  options.jobs = 2;
  const auto summaries = run_sweep({faulty_cluster(nodes)}, options);
  ASSERT_EQ(summaries.size(), 1u);
  const ScenarioSummary& summary = summaries[0];
  EXPECT_EQ(summary.seeds, 300u);
  EXPECT_GT(summary.faults, 300u) << "the nemesis should inject faults in most seeds";
  for (const RunResult& failure : summary.failures) {
    ADD_FAILURE() << summary_line(failure) << "\n  violation: " << failure.violation
                  << "\n  reproduce: " << reproduce_command(failure);
  }
  EXPECT_EQ(summary.passed, 300u);
}

TEST(Sweep, ThreeNodes300SeedsWithLossPartitionsAndCrashes) { expect_clean_sweep(3); }
TEST(Sweep, FiveNodes300SeedsWithLossPartitionsAndCrashes) { expect_clean_sweep(5); }

}  // namespace
}  // namespace confman::sim
