// Simulator throughput: how many simulated seconds one core runs per
// wall-clock second, and events per second, for a 5-node cluster with 16
// clients (the DESIGN goal is at least 1000x real time).
//
//   build/tools/bench/bench_sim --benchmark_counters_tabular=true

#include <benchmark/benchmark.h>

#include "sim/runner.h"
#include "sim/scenario.h"

namespace {

using namespace confman::sim;

Scenario five_nodes_sixteen_clients(bool faults) {
  Scenario scenario;
  scenario.name = faults ? "bench-5x16-faults" : "bench-5x16";
  scenario.path = "(benchmark)";
  scenario.nodes = 5;
  scenario.duration_us = 10'000'000;
  scenario.workload.clients = 16;
  scenario.workload.keys = 8;
  if (faults) {
    scenario.network.loss_ppm = 20'000;
    scenario.network.duplicate_ppm = 10'000;
    scenario.nemesis.partitions_per_minute = 6;
    scenario.nemesis.crashes_per_minute = 6;
  }
  return scenario;
}

void run_benchmark(benchmark::State& state, bool faults) {
  const Scenario scenario = five_nodes_sixteen_clients(faults);
  std::uint64_t seed = 1;
  double simulated_seconds = 0;
  double events = 0;
  for (auto _ : state) {
    const RunResult result = run_scenario(scenario, seed++);
    if (!result.passed()) state.SkipWithError(("run failed: " + result.violation).c_str());
    simulated_seconds += static_cast<double>(result.virtual_us) / 1e6;
    events += static_cast<double>(result.events);
  }
  state.counters["sim_s_per_s"] = benchmark::Counter(simulated_seconds, benchmark::Counter::kIsRate);
  state.counters["events_per_s"] = benchmark::Counter(events, benchmark::Counter::kIsRate);
}

void BM_Sim5Nodes16Clients(benchmark::State& state) { run_benchmark(state, false); }
void BM_Sim5Nodes16ClientsFaults(benchmark::State& state) { run_benchmark(state, true); }

BENCHMARK(BM_Sim5Nodes16Clients)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Sim5Nodes16ClientsFaults)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
