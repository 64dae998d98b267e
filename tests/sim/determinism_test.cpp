// DESIGN.md "Determinism rules": the same scenario and seed print the same
// trace hash; different seeds give different hashes.

#include <gtest/gtest.h>

#include "sim/runner.h"
#include "sim/scenario.h"

namespace confman::sim {
namespace {

Scenario small_chaos() {
  Scenario scenario;
  scenario.name = "determinism";
  scenario.path = "(test)";
  scenario.nodes = 3;
  scenario.duration_us = 3'000'000;
  scenario.network.loss_ppm = 20'000;
  scenario.network.duplicate_ppm = 10'000;
  scenario.nemesis.partitions_per_minute = 30;
  scenario.nemesis.crashes_per_minute = 30;
  scenario.workload.clients = 4;
  return scenario;
}

TEST(Determinism, SameSeedSameTraceHash) {
  const Scenario scenario = small_chaos();
  const RunResult first = run_scenario(scenario, 42);
  const RunResult second = run_scenario(scenario, 42);
  EXPECT_TRUE(first.passed()) << first.violation;
  EXPECT_EQ(first.trace_hash, second.trace_hash);
  EXPECT_EQ(first.events, second.events);
  EXPECT_EQ(first.ops_ok, second.ops_ok);
}

TEST(Determinism, DifferentSeedsDifferentTraceHashes) {
  const Scenario scenario = small_chaos();
  EXPECT_NE(run_scenario(scenario, 1).trace_hash, run_scenario(scenario, 2).trace_hash);
}

}  // namespace
}  // namespace confman::sim
