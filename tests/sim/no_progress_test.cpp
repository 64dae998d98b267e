// The no-progress rule (runner.cpp): a workload that gets no write through
// on a cluster that had a leader most of the time is broken, and the run
// says so. A cluster that hardly ever had a leader is the liveness phase's
// to judge, not this rule's.

#include <gtest/gtest.h>

#include "sim/runner.h"

namespace confman::sim {
namespace {

Scenario healthy_three_nodes() {
  Scenario scenario;
  scenario.name = "no-progress";
  scenario.path = "(no-progress test)";
  scenario.duration_us = 3'000'000;
  return scenario;
}

TEST(NoProgress, AWorkloadThatNeverGetsAWriteThroughFailsTheRun) {
  Scenario scenario = healthy_three_nodes();
  // Every client gives up before any answer can come back.
  scenario.workload.attempt_timeout_us = 1;
  scenario.workload.op_timeout_us = 1;
  const RunResult result = run_scenario(scenario, 1);
  EXPECT_EQ(result.writes_acknowledged, 0u);
  EXPECT_EQ(result.violation_kind, ViolationKind::NoProgress) << result.violation;
}

TEST(NoProgress, AHealthyWorkloadPasses) {
  const RunResult result = run_scenario(healthy_three_nodes(), 1);
  EXPECT_GT(result.writes_acknowledged, 0u);
  EXPECT_TRUE(result.passed()) << result.violation;
}

}  // namespace
}  // namespace confman::sim
