// The main job's cost: the wall time of a sweep of every scenario in
// scenarios/ over a range of seeds, on two worker threads (the CI machine
// has two cores), with the peak resident memory of the process.
//
//   build/tools/bench/bench_sweep --benchmark_filter=seeds:100/   # ~45 s
//   build/tools/bench/bench_sweep --benchmark_filter=seeds:1000/  # the 1000-seed figure, ~10 min
//
// Each benchmark runs once (a sweep is long and its runs are deterministic);
// a failing run fails the benchmark with its reproduction command.

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <string>
#include <vector>

#include "sim/scenario.h"
#include "sim/sweep.h"

namespace {

using namespace confman::sim;

std::vector<Scenario> all_scenarios() {
  std::vector<Scenario> scenarios;
  for (const std::string& path : scenario_paths(std::string(CONFMAN_SOURCE_DIR) + "/scenarios")) {
    auto scenario = load_scenario(path);
    if (scenario) scenarios.push_back(std::move(scenario).value());
  }
  return scenarios;
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

void BM_SweepAllScenarios(benchmark::State& state) {
  const std::vector<Scenario> scenarios = all_scenarios();
  if (scenarios.empty()) {
    state.SkipWithError("no scenarios found under " CONFMAN_SOURCE_DIR "/scenarios");
    return;
  }
  SweepOptions options;
  options.first_seed = 1;
  options.last_seed = static_cast<std::uint64_t>(state.range(0));
  options.jobs = static_cast<int>(state.range(1));
  double runs = 0;
  double events = 0;
  for (auto _ : state) {
    for (const ScenarioSummary& summary : run_sweep(scenarios, options)) {
      runs += static_cast<double>(summary.seeds);
      events += static_cast<double>(summary.events);
      if (!summary.failures.empty()) {
        const RunResult& failure = summary.failures.front();
        state.SkipWithError(("seed " + std::to_string(failure.seed) + " of " + summary.name +
                             " failed: " + failure.violation).c_str());
      }
    }
  }
  state.counters["scenarios"] = static_cast<double>(scenarios.size());
  state.counters["runs"] = runs;
  state.counters["runs_per_s"] = benchmark::Counter(runs, benchmark::Counter::kIsRate);
  state.counters["events_per_s"] = benchmark::Counter(events, benchmark::Counter::kIsRate);
  state.counters["peak_rss_MiB"] = peak_rss_mib();
}

BENCHMARK(BM_SweepAllScenarios)
    ->ArgNames({"seeds", "jobs"})
    ->Args({100, 2})
    ->Args({1000, 2})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
