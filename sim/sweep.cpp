#include "sim/sweep.h"

#include "sim/scenario_writer.h"
#include "sim/failover.h"
#include "sim/swarm.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

namespace confman::sim {

std::vector<std::string> scenario_paths(const std::string& file_or_directory) {
  namespace fs = std::filesystem;
  std::vector<std::string> paths;
  if (fs::is_directory(file_or_directory)) {
    for (const auto& entry : fs::directory_iterator(file_or_directory)) {
      if (entry.is_regular_file() && entry.path().extension() == ".toml") paths.push_back(entry.path().string());
    }
    std::sort(paths.begin(), paths.end());  // directory order is not deterministic
  } else {
    paths.push_back(file_or_directory);
  }
  return paths;
}

RunResult run_one(const Scenario& base, std::uint64_t seed, bool swarm) {
  if (!swarm) return run_scenario(base, seed);
  const Scenario drawn = draw_swarm_scenario(base, seed);
  RunResult result = run_scenario(drawn, seed);
  result.swarm = true;
  if (!result.passed()) result.drawn_options = scenario_to_toml(drawn);
  return result;
}

std::vector<ScenarioSummary> run_sweep(const std::vector<Scenario>& scenarios, const SweepOptions& options) {
  struct Job {
    std::size_t scenario;
    std::uint64_t seed;
  };
  std::vector<Job> jobs;
  for (std::size_t s = 0; s < scenarios.size(); ++s) {
    for (std::uint64_t seed = options.first_seed; seed <= options.last_seed; ++seed) jobs.push_back({s, seed});
  }
  std::vector<RunResult> results(jobs.size());
  std::vector<double> seconds(jobs.size());
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::mutex progress_mutex;
  auto worker = [&] {
    for (std::size_t i = next++; i < jobs.size(); i = next++) {
      const auto start = std::chrono::steady_clock::now();
      results[i] = run_one(scenarios[jobs[i].scenario], jobs[i].seed, options.swarm);
      seconds[i] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const std::size_t finished = ++done;
      if (options.progress) {
        std::lock_guard lock(progress_mutex);
        std::fprintf(stderr, "\r[%zu/%zu] %s seed %llu          ", finished, jobs.size(),
                     results[i].scenario.c_str(), static_cast<unsigned long long>(jobs[i].seed));
        if (finished == jobs.size()) std::fprintf(stderr, "\n");
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < std::max(1, options.jobs); ++t) threads.emplace_back(worker);
  worker();
  for (auto& thread : threads) thread.join();

  std::vector<ScenarioSummary> summaries(scenarios.size());
  for (std::size_t s = 0; s < scenarios.size(); ++s) {
    summaries[s].name = scenarios[s].name;
    summaries[s].path = scenarios[s].path;
  }
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    ScenarioSummary& summary = summaries[jobs[i].scenario];
    const RunResult& result = results[i];
    summary.seeds += 1;
    summary.ops_ok += result.ops_ok;
    summary.faults += result.faults;
    summary.events += result.events;
    summary.reads_linearizable += result.reads_linearizable;
    summary.reads_read_your_writes += result.reads_read_your_writes;
    summary.reads_stale += result.reads_stale;
    summary.watch_events += result.watch_events;
    summary.forwards += result.forwards;
    for (TimeUs failover_us : result.failovers_us) {
      const double in_timeouts = static_cast<double>(failover_us) / static_cast<double>(result.election_timeout_us);
      (result.failovers_judged ? summary.failovers : summary.failovers_exempt).push_back(in_timeouts);
    }
    if (result.linearizability == "unknown") summary.linearizability_unknown += 1;
    if (result.passed()) summary.passed += 1;
    else summary.failures.push_back(result);
    if (seconds[i] > summary.slowest_seconds) {
      summary.slowest_seconds = seconds[i];
      summary.slowest_seed = result.seed;
    }
  }
  return summaries;
}

namespace {

// The q-quantile (0..1) of values, by the nearest-rank method; 0 if empty.
double quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::min(values.size() - 1, rank == 0 ? 0 : rank - 1)];
}

std::string format_failovers(const std::vector<double>& failovers) {
  if (failovers.empty()) return "-";
  char text[64];
  std::snprintf(text, sizeof text, "%.2f/%.2f/%.2f", quantile(failovers, 0.5), quantile(failovers, 0.95),
                quantile(failovers, 1.0));
  return text;
}

}  // namespace

std::string format_failover_summary(const std::vector<ScenarioSummary>& summaries) {
  std::vector<double> judged;
  std::vector<double> exempt;
  for (const ScenarioSummary& s : summaries) {
    judged.insert(judged.end(), s.failovers.begin(), s.failovers.end());
    exempt.insert(exempt.end(), s.failovers_exempt.begin(), s.failovers_exempt.end());
  }
  std::string text;
  char line[256];
  if (judged.empty()) {
    text += "failover: no clean leader fault in the runs held to the limit\n";
  } else {
    std::snprintf(line, sizeof line,
                  "failover: %zu clean leader faults; first write acknowledged after p50 %.2f, p95 %.2f, max %.2f "
                  "election timeouts (limit %lld)\n",
                  judged.size(), quantile(judged, 0.5), quantile(judged, 0.95), quantile(judged, 1.0),
                  static_cast<long long>(kFailoverLimitElectionTimeouts));
    text += line;
  }
  if (!exempt.empty()) {
    std::snprintf(line, sizeof line,
                  "failover: %zu more in runs too slow or lossy to hold to it: p50 %.2f, p95 %.2f, max %.2f\n",
                  exempt.size(), quantile(exempt, 0.5), quantile(exempt, 0.95), quantile(exempt, 1.0));
    text += line;
  }
  return text;
}

std::string format_sweep_table(const std::vector<ScenarioSummary>& summaries) {
  std::string table;
  char line[512];
  std::snprintf(line, sizeof line, "%-28s %6s %6s %6s %10s %8s %12s %9s %9s %9s %10s %9s %8s %16s %14s\n", "scenario",
                "seeds", "passed", "failed", "ops_ok", "faults", "events", "reads_lin", "reads_ryw", "reads_stl",
                "watch_evts", "forwards", "lin_unk", "failover_T", "slowest seed");
  table += line;
  for (const ScenarioSummary& s : summaries) {
    char slowest[64];
    std::snprintf(slowest, sizeof slowest, "%llu (%.2fs)", static_cast<unsigned long long>(s.slowest_seed), s.slowest_seconds);
    auto n = [](std::uint64_t value) { return static_cast<unsigned long long>(value); };
    std::snprintf(line, sizeof line, "%-28s %6llu %6llu %6zu %10llu %8llu %12llu %9llu %9llu %9llu %10llu %9llu %8llu %16s %14s\n",
                  s.name.c_str(), n(s.seeds), n(s.passed), s.failures.size(), n(s.ops_ok), n(s.faults), n(s.events),
                  n(s.reads_linearizable), n(s.reads_read_your_writes), n(s.reads_stale), n(s.watch_events),
                  n(s.forwards), n(s.linearizability_unknown), format_failovers(s.failovers).c_str(), slowest);
    table += line;
  }
  return table;
}

}  // namespace confman::sim
