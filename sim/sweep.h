#pragma once
// Runs many seeds of many scenarios, in parallel threads (each run stays
// single-threaded and shares nothing), and summarises them.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/runner.h"
#include "sim/scenario.h"

namespace confman::sim {

struct SweepOptions {
  std::uint64_t first_seed = 1;
  std::uint64_t last_seed = 20;
  int jobs = 1;
  bool progress = false;  // print a progress line to stderr
  bool swarm = false;     // each seed draws its own cluster size, faults and workload
  // Distributed sweeps: this process runs shard shard_index of shard_count
  // (1-based), the seeds first_seed + shard_index - 1 + k * shard_count.
  // The shards are disjoint and together cover the range.
  std::uint64_t shard_index = 1;
  std::uint64_t shard_count = 1;
  // Stop starting runs after the first failure, or once the budget has
  // passed (0: none); runs under way finish. Seeds are taken in order, every
  // scenario for one seed before the next seed.
  bool until_failure = false;
  std::uint64_t time_budget_ms = 0;
  // Each finished run as one JSON line (sweep_results.h), if set.
  std::string results_path;
};

// How a sweep ended: every run of the range, or stopped early.
struct SweepStop {
  std::uint64_t runs = 0;
  bool stopped_early = false;
  std::string reason;  // "the first failure", "the time budget"
  std::string results_error;  // set if the results file could not be written
};

struct ScenarioSummary {
  std::string name;
  std::string path;
  std::uint64_t seeds = 0;
  std::uint64_t passed = 0;
  std::uint64_t ops_ok = 0;
  std::uint64_t faults = 0;
  std::uint64_t events = 0;
  std::uint64_t linearizability_unknown = 0;  // the checker hit its step budget
  // The request layer as the runs exercised it (RunResult).
  std::uint64_t reads_linearizable = 0;
  std::uint64_t reads_read_your_writes = 0;
  std::uint64_t reads_stale = 0;
  std::uint64_t watch_events = 0;
  std::uint64_t forwards = 0;
  // Time from each clean leader fault to the first acknowledged write, in
  // election timeouts (failover.h).
  std::vector<double> failovers;          // in runs held to the limit
  std::vector<double> failovers_exempt;   // in runs whose conditions exempt them (failover.h)
  std::uint64_t slowest_seed = 0;
  double slowest_seconds = 0;
  std::vector<RunResult> failures;
};

// One run; with swarm, of the options the seed draws from the base scenario.
RunResult run_one(const Scenario& base, std::uint64_t seed, bool swarm);

std::vector<ScenarioSummary> run_sweep(const std::vector<Scenario>& scenarios, const SweepOptions& options,
                                       SweepStop* stop = nullptr);
// Adds one run to its scenario's summary (as run_sweep does, and as
// `confman-sim report` does from result lines).
void add_to_summary(ScenarioSummary& summary, const RunResult& result, double seconds);
std::string format_sweep_table(const std::vector<ScenarioSummary>& summaries);
// One line: the failover times of every scenario together (p50, p95, max).
std::string format_failover_summary(const std::vector<ScenarioSummary>& summaries);

// Expands a file or a directory of *.toml files into sorted scenario paths.
std::vector<std::string> scenario_paths(const std::string& file_or_directory);

}  // namespace confman::sim
