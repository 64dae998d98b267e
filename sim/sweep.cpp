#include "sim/sweep.h"

#include "sim/scenario_writer.h"
#include "sim/failover.h"
#include "sim/swarm.h"
#include "sim/sweep_results.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
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

void add_to_summary(ScenarioSummary& summary, const RunResult& result, double seconds) {
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
  if (result.passed()) {
    summary.passed += 1;
  } else {
    summary.failures.push_back(result);
  }
  if (seconds > summary.slowest_seconds) {
    summary.slowest_seconds = seconds;
    summary.slowest_seed = result.seed;
  }
}

namespace {

// The seeds of one shard, every scenario per seed: job j is scenario
// j % scenarios of the (j / scenarios)-th seed of the shard.
struct JobSpace {
  std::uint64_t first = 1;
  std::uint64_t stride = 1;
  std::uint64_t seeds = 0;  // in this shard
  std::uint64_t scenarios = 0;
  std::uint64_t total() const {
    return seeds > UINT64_MAX / std::max<std::uint64_t>(scenarios, 1) ? UINT64_MAX : seeds * scenarios;
  }
};

JobSpace job_space(const SweepOptions& options, std::size_t scenarios) {
  JobSpace space;
  space.first = options.first_seed + (options.shard_index - 1);
  space.stride = options.shard_count;
  space.scenarios = scenarios;
  if (options.shard_index >= 1 && space.first >= options.first_seed && space.first <= options.last_seed) {
    space.seeds = (options.last_seed - space.first) / space.stride + 1;
  }
  return space;
}

void print_progress(std::uint64_t done, std::uint64_t total, std::uint64_t failures, double elapsed_s) {
  const double rate = elapsed_s > 0 ? static_cast<double>(done) / elapsed_s : 0;
  char eta[32] = "-";
  if (total != UINT64_MAX && rate > 0) {
    std::snprintf(eta, sizeof eta, "%.0f s", static_cast<double>(total - done) / rate);
  }
  std::fprintf(stderr, "\r%llu runs, %.1f runs/s, %llu failed, ETA %s          ",
               static_cast<unsigned long long>(done), rate, static_cast<unsigned long long>(failures), eta);
}

}  // namespace

std::vector<ScenarioSummary> run_sweep(const std::vector<Scenario>& scenarios, const SweepOptions& options,
                                       SweepStop* stop) {
  const JobSpace space = job_space(options, scenarios.size());
  const std::uint64_t total = space.total();
  std::vector<ScenarioSummary> summaries(scenarios.size());
  for (std::size_t s = 0; s < scenarios.size(); ++s) {
    summaries[s].name = scenarios[s].name;
    summaries[s].path = scenarios[s].path;
  }
  std::FILE* results = options.results_path.empty() ? nullptr : std::fopen(options.results_path.c_str(), "w");
  SweepStop local;
  SweepStop& ended = stop != nullptr ? *stop : local;
  if (!options.results_path.empty() && results == nullptr) {
    ended.results_error = "cannot write " + options.results_path;
  }
  const auto started = std::chrono::steady_clock::now();
  std::atomic<std::uint64_t> next{0};
  std::atomic<bool> stopping{false};
  std::mutex mutex;  // guards summaries, results, ended and the progress line
  std::uint64_t done = 0;
  std::uint64_t failures = 0;
  auto worker = [&] {
    for (std::uint64_t j = next++; j < total && !stopping; j = next++) {
      const std::size_t scenario = static_cast<std::size_t>(j % space.scenarios);
      const std::uint64_t seed = space.first + (j / space.scenarios) * space.stride;
      const auto start = std::chrono::steady_clock::now();
      const RunResult result = run_one(scenarios[scenario], seed, options.swarm);
      const auto finished = std::chrono::steady_clock::now();
      const double seconds = std::chrono::duration<double>(finished - start).count();
      std::lock_guard lock(mutex);
      add_to_summary(summaries[scenario], result, seconds);
      done += 1;
      if (!result.passed()) failures += 1;
      if (results != nullptr) {
        std::fprintf(results, "%s\n", to_json_line(result_line(result, seconds * 1000)).c_str());
      }
      if (options.until_failure && !result.passed() && !stopping) {
        stopping = true;
        ended.stopped_early = true;
        ended.reason = "the first failure";
      }
      const double elapsed_s = std::chrono::duration<double>(finished - started).count();
      if (options.time_budget_ms != 0 && elapsed_s * 1000 >= static_cast<double>(options.time_budget_ms) &&
          !stopping) {
        stopping = true;
        ended.stopped_early = true;
        ended.reason = "the time budget";
      }
      if (options.progress) print_progress(done, total, failures, elapsed_s);
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < std::max(1, options.jobs); ++t) threads.emplace_back(worker);
  worker();
  for (auto& thread : threads) thread.join();
  if (options.progress && done > 0) std::fprintf(stderr, "\n");
  if (results != nullptr && std::fclose(results) != 0) ended.results_error = "cannot write " + options.results_path;
  ended.runs = done;
  if (ended.stopped_early && done >= total) ended.stopped_early = false;  // it had finished anyway
  // Threads finish in any order: list failures by seed.
  for (ScenarioSummary& summary : summaries) {
    std::sort(summary.failures.begin(), summary.failures.end(),
              [](const RunResult& a, const RunResult& b) { return a.seed < b.seed; });
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
