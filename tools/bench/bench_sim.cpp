// Simulator throughput: how many simulated seconds one core runs per
// wall-clock second, and events per second, for a 5-node cluster with 16
// clients (the goal is at least 1000x real time).
//
// Two loads: "config" — each client thinks 100-500 ms between operations
// (~50 ops/s in all, a busy configuration store) — and "saturating" — each
// thinks 1-20 ms (~600 ops/s). The ratio scales with the load, since the cost
// is per event; both are reported.
//
//   build/tools/bench/bench_sim --benchmark_counters_tabular=true

#include <benchmark/benchmark.h>

#include "sim/runner.h"
#include "sim/scenario.h"

namespace {

using namespace confman::sim;

enum class Load { Config, Saturating };

Scenario five_nodes_sixteen_clients(Load load, bool faults) {
  Scenario scenario;
  scenario.name = "bench-5x16";
  scenario.path = "(benchmark)";
  scenario.nodes = 5;
  scenario.duration_us = load == Load::Config ? 60'000'000 : 10'000'000;
  scenario.workload.clients = 16;
  scenario.workload.keys = 8;
  if (load == Load::Config) {
    scenario.workload.think_min_us = 100'000;
    scenario.workload.think_max_us = 500'000;
  }
  if (faults) {
    // The full fault mix: every network, process, clock and disk fault.
    scenario.network.loss_ppm = 20'000;
    scenario.network.duplicate_ppm = 10'000;
    scenario.network.corrupt_ppm = 5'000;
    scenario.network.tail_ppm = 5'000;
    scenario.clock.max_drift_ppm = 1'000;
    scenario.clock.timer_late_ppm = 10'000;
    scenario.clock.timer_late_max_us = 100'000;
    scenario.nemesis.partitions_per_minute = 6;
    scenario.nemesis.crashes_per_minute = 6;
    scenario.nemesis.pauses_per_minute = 4;
    scenario.nemesis.clock_jumps_per_minute = 4;
    scenario.nemesis.disk_faults_per_minute = 4;
  }
  return scenario;
}

void run_benchmark(benchmark::State& state, Load load, bool faults) {
  const Scenario scenario = five_nodes_sixteen_clients(load, faults);
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

void BM_Sim5x16ConfigLoad(benchmark::State& state) { run_benchmark(state, Load::Config, false); }
void BM_Sim5x16ConfigLoadFaults(benchmark::State& state) { run_benchmark(state, Load::Config, true); }
void BM_Sim5x16SaturatingLoad(benchmark::State& state) { run_benchmark(state, Load::Saturating, false); }
void BM_Sim5x16SaturatingLoadFaults(benchmark::State& state) { run_benchmark(state, Load::Saturating, true); }

BENCHMARK(BM_Sim5x16ConfigLoad)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Sim5x16ConfigLoadFaults)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Sim5x16SaturatingLoad)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Sim5x16SaturatingLoadFaults)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
