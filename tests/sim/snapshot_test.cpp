// Snapshots and log compaction under the simulator (the "chaos" issue:
// "Long runs stay bounded in memory"): with a small snapshot threshold every
// node's in-memory log stays bounded through a long run with loss,
// partitions and crashes, lagging and restarted nodes catch up through
// InstallSnapshot (Raft paper §7), every invariant holds, every node
// converges, and the run replays to the same trace hash.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <string>

#include "sim/runner.h"
#include "sim/sweep.h"
#include "sim/world.h"

namespace confman::sim {
namespace {

constexpr std::uint64_t kThreshold = 100;
constexpr std::uint64_t kTrailing = 50;

Scenario long_chaos(TimeUs duration_us) {
  Scenario scenario;
  scenario.name = "snapshot-chaos";
  scenario.path = "(snapshot test)";
  scenario.nodes = 5;
  scenario.duration_us = duration_us;
  scenario.raft.snapshot_threshold_entries = kThreshold;
  scenario.raft.snapshot_trailing_entries = kTrailing;
  scenario.network.loss_ppm = 20'000;
  scenario.network.duplicate_ppm = 10'000;
  scenario.workload.clients = 8;
  scenario.nemesis.partitions_per_minute = 10;
  scenario.nemesis.crashes_per_minute = 10;
  scenario.nemesis.heal_after_min_us = 500'000;
  scenario.nemesis.heal_after_max_us = 4'000'000;
  return scenario;
}

LogIndex log_length(const node::Node& node) {
  const raft::RaftLog& log = node.raft().log();
  return log.last_index() - log.compacted_index();
}

// Every node up, one leader, all applied its commit index with one digest.
bool converged(const World& world) {
  const NodeId leader = world.leader();
  if (leader == kNoNode) return false;
  const LogIndex commit = world.node(leader)->status().commit;
  const std::uint64_t digest = world.node(leader)->store().digest();
  for (NodeId id = 1; id <= static_cast<NodeId>(world.node_count()); ++id) {
    const node::Node* node = world.node(id);
    if (node == nullptr || node->applied_index() != commit || node->store().digest() != digest) return false;
  }
  return true;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t found = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) found += 1;
  return found;
}

// The memory bound: a minute of simulated chaos with a snapshot every 100
// entries. A node's log holds at most the entries since its last snapshot,
// the trailing ones behind it and what is not yet committed or applied; it
// is sampled every 100 ms and must stay below a fixed bound however long the
// run. At the end every node converges to one state.
TEST(SnapshotSim, LongRunKeepsEveryLogBoundedAndConverges) {
  const Scenario scenario = long_chaos(60'000'000);
  std::ostringstream trace_text;
  Trace trace(&trace_text);
  World world(scenario, 7, trace);
  world.start();
  LogIndex max_length = 0;
  LogIndex max_commit = 0;
  for (TimeUs t = 100'000; t <= scenario.duration_us && !world.invariants().violated(); t += 100'000) {
    world.run_until(t);
    for (NodeId id = 1; id <= 5; ++id) {
      if (const node::Node* node = world.node(id)) {
        max_length = std::max(max_length, log_length(*node));
        max_commit = std::max(max_commit, node->status().commit);
      }
    }
  }
  ASSERT_FALSE(world.invariants().violated()) << world.invariants().violation();
  world.stop_clients();
  world.heal();
  for (NodeId id = 1; id <= 5; ++id) world.restart(id);
  const TimeUs deadline_us = world.now_us() + 10'000'000;
  while (!converged(world) && world.now_us() < deadline_us && !world.invariants().violated()) {
    world.run_until(world.now_us() + 100'000);
  }
  ASSERT_FALSE(world.invariants().violated()) << world.invariants().violation();
  ASSERT_TRUE(converged(world));
  LogIndex final_max = 0;
  for (NodeId id = 1; id <= 5; ++id) final_max = std::max(final_max, log_length(*world.node(id)));
  const std::string text = trace_text.str();
  std::cout << "[ snapshot ] commit index " << max_commit << ", longest in-memory log " << max_length
            << " entries (at the end " << final_max << "), snapshots installed "
            << count(text, "\"kind\":\"snapshot\"") << ", compactions " << count(text, "\"kind\":\"compact\"")
            << "\n";
  // Without compaction the logs would hold every entry ever committed.
  EXPECT_GT(max_commit, 20 * kThreshold) << "the run should commit far more than the bound";
  EXPECT_LT(final_max, kThreshold + kTrailing);
  EXPECT_LT(max_length, 1000u);
  EXPECT_GT(count(text, "\"kind\":\"compact\""), 50u);
  EXPECT_GT(count(text, "\"kind\":\"snapshot\""), 0u) << "no node ever needed InstallSnapshot";
}

// The same chaos, many seeds, through the full run (safety phase, liveness
// and convergence phases, linearizability check): snapshots and installs
// break nothing the checkers can see.
TEST(SnapshotSim, ChaosSeedsWithFrequentSnapshotsPass) {
  const Scenario scenario = long_chaos(8'000'000);
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const RunResult result = run_scenario(scenario, seed);
    EXPECT_TRUE(result.passed()) << summary_line(result) << "\n  violation: " << result.violation
                                 << "\n  reproduce: " << reproduce_command(result);
  }
}

// DESIGN.md determinism rule, with snapshots in the trace.
TEST(SnapshotSim, SameSeedSameTraceHash) {
  const Scenario scenario = long_chaos(8'000'000);
  const RunResult first = run_scenario(scenario, 11);
  const RunResult second = run_scenario(scenario, 11);
  EXPECT_TRUE(first.passed()) << first.violation;
  EXPECT_EQ(first.trace_hash, second.trace_hash);
  EXPECT_EQ(first.events, second.events);
}

}  // namespace
}  // namespace confman::sim

namespace confman::sim {
namespace {

// Every scenario in scenarios/, with a snapshot every 25 entries and 10 kept
// behind it, so that compaction and InstallSnapshot happen throughout each
// run, under each scenario's own faults. Set CONFMAN_SNAPSHOT_SEEDS to run
// more seeds than the default.
TEST(SnapshotSim, EveryScenarioWithFrequentSnapshotsPasses) {
  std::uint64_t seeds = 5;
  if (const char* text = std::getenv("CONFMAN_SNAPSHOT_SEEDS")) seeds = std::stoull(text);
  std::vector<Scenario> scenarios;
  for (const std::string& path : scenario_paths(std::string(CONFMAN_SOURCE_DIR) + "/scenarios")) {
    auto scenario = load_scenario(path);
    ASSERT_TRUE(scenario.ok()) << scenario.error().message;
    scenario->raft.snapshot_threshold_entries = 25;
    scenario->raft.snapshot_trailing_entries = 10;
    scenarios.push_back(std::move(scenario).value());
  }
  ASSERT_GT(scenarios.size(), 3u);
  SweepOptions options;
  options.first_seed = 1;
  options.last_seed = seeds;
  options.jobs = 2;
  for (const ScenarioSummary& summary : run_sweep(scenarios, options)) {
    EXPECT_EQ(summary.passed, summary.seeds) << summary.name;
    for (const RunResult& failure : summary.failures) {
      ADD_FAILURE() << summary_line(failure) << "\n  violation: " << failure.violation
                    << "\n  reproduce (with snapshot_threshold_entries 25, trailing 10): "
                    << reproduce_command(failure);
    }
  }
}

}  // namespace
}  // namespace confman::sim
