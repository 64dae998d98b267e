// confman-sim: runs simulation scenarios and sweeps.
//
//   confman-sim run SCENARIO --seed N [--trace FILE] [--history FILE] [--html FILE]
//   confman-sim sweep FILE|DIR [--seeds A..B|A..] [--jobs N] [--swarm] [--shard I/N]
//                     [--results FILE] [--until-failure] [--time-budget 10m]
//   confman-sim report FILE...   (merges the --results files of a sweep's shards)
//   confman-sim shrink SCENARIO --seed N [--swarm] [--out FILE]

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <thread>
#include <unistd.h>

#include "core/util/assert.h"
#include "sim/runner.h"
#include "sim/scenario_writer.h"
#include "sim/shrink.h"
#include "sim/swarm.h"
#include "sim/sweep.h"
#include "sim/sweep_results.h"
#include "viz/render.h"

namespace {

using namespace confman;
using namespace confman::sim;

// "N", "A..B", or "A.." (no end: only with --until-failure or --time-budget).
bool parse_seed_range(const std::string& text, SweepOptions& options) {
  const auto dots = text.find("..");
  try {
    if (dots == std::string::npos) {
      options.first_seed = options.last_seed = std::stoull(text);
    } else {
      options.first_seed = std::stoull(text.substr(0, dots));
      options.last_seed = dots + 2 == text.size() ? UINT64_MAX : std::stoull(text.substr(dots + 2));
    }
  } catch (const std::exception&) {
    return false;
  }
  return options.first_seed <= options.last_seed;
}

// "I/N" with 1 <= I <= N.
bool parse_shard(const std::string& text, SweepOptions& options) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) return false;
  try {
    options.shard_index = std::stoull(text.substr(0, slash));
    options.shard_count = std::stoull(text.substr(slash + 1));
  } catch (const std::exception&) {
    return false;
  }
  return options.shard_index >= 1 && options.shard_index <= options.shard_count;
}

// Seconds, or with a suffix: "90", "90s", "10m", "2h".
std::optional<std::uint64_t> parse_duration_ms(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t scale_ms = 1000;
  std::string number = text;
  switch (text.back()) {
    case 's': number.pop_back(); break;
    case 'm': scale_ms = 60'000; number.pop_back(); break;
    case 'h': scale_ms = 3'600'000; number.pop_back(); break;
    default: break;
  }
  if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos || number.size() > 9) {
    return std::nullopt;
  }
  return std::stoull(number) * scale_ms;
}

// Merges the result files of a sweep's shards into its summary table and
// the reproduction commands of its failures.
int report_command(const std::vector<std::string>& files) {
  std::map<std::string, ScenarioSummary> by_scenario;
  std::vector<SweepResultLine> failed;
  std::uint64_t runs = 0;
  for (const std::string& file : files) {
    std::ifstream in(file);
    if (!in) {
      std::cerr << "error: cannot read " << file << "\n";
      return 2;
    }
    std::string text;
    for (std::size_t line_number = 1; std::getline(in, text); ++line_number) {
      if (text.empty()) continue;
      auto line = parse_result_line(text);
      if (!line) {
        std::cerr << "error: " << file << ":" << line_number << ": " << line.error() << "\n";
        return 2;
      }
      ScenarioSummary& summary = by_scenario[line->scenario];
      summary.name = line->scenario;
      summary.path = line->path;
      RunResult run;  // the fields a summary adds up
      run.scenario = line->scenario;
      run.seed = line->seed;
      run.events = line->events;
      run.ops_ok = line->ops_ok;
      run.faults = line->faults;
      run.reads_linearizable = line->reads_linearizable;
      run.reads_read_your_writes = line->reads_read_your_writes;
      run.reads_stale = line->reads_stale;
      run.watch_events = line->watch_events;
      run.forwards = line->forwards;
      run.linearizability = line->linearizability;
      run.election_timeout_us = 1'000'000;
      for (double f : line->failovers) run.failovers_us.push_back(static_cast<TimeUs>(f * 1e6 + 0.5));
      run.failovers_judged = line->failovers_judged;
      if (!line->passed) run.violation = line->violation.empty() ? "(failed)" : line->violation;
      add_to_summary(summary, run, line->wall_ms / 1000);
      if (!line->passed) failed.push_back(*line);
      runs += 1;
    }
  }
  std::vector<ScenarioSummary> summaries;
  for (auto& [name, summary] : by_scenario) summaries.push_back(std::move(summary));
  std::cout << "report: " << runs << " runs from " << files.size() << " file(s)\n"
            << format_sweep_table(summaries) << format_failover_summary(summaries);
  std::sort(failed.begin(), failed.end(), [](const SweepResultLine& a, const SweepResultLine& b) {
    return std::tie(a.scenario, a.seed) < std::tie(b.scenario, b.seed);
  });
  for (const SweepResultLine& line : failed) {
    std::cout << "FAIL " << line.scenario << " seed " << line.seed << " (" << line.violation_kind
              << ")\n  violation: " << line.violation << "\n  reproduce: " << line.reproduce << "\n";
  }
  std::cout << "report: " << runs - failed.size() << " passed, " << failed.size() << " failed\n";
  return failed.empty() ? 0 : 1;
}

// The run as a self-contained HTML timeline (viz/render.h).
bool write_html(const std::string& path, const Scenario& scenario, const RunResult& result) {
  viz::VizInput input;
  input.trace_jsonl = result.trace_jsonl;
  input.history_jsonl = result.history_jsonl;
  input.checker_report_json = result.checker_report_json;
  input.title = scenario.name + " seed " + std::to_string(result.seed);
  input.subtitle = reproduce_command(result) + "  |  " + summary_line(result);
  input.violation_text = result.violation;
  std::ofstream out(path, std::ios::binary);
  out << viz::render_html(input);
  out.close();
  return static_cast<bool>(out);
}

int run_command(const std::string& path, std::uint64_t seed, bool swarm, const RunOptions& options,
                const std::string& html_path) {
  auto scenario = load_scenario(path);
  if (!scenario) {
    std::cerr << "error: " << scenario.error().message << "\n";
    return 2;
  }
  const Scenario to_run = swarm ? draw_swarm_scenario(*scenario, seed) : *scenario;
  if (swarm) std::cout << "# options drawn by seed " << seed << ":\n" << scenario_to_toml(to_run) << "\n";
  RunResult result = run_scenario(to_run, seed, options);
  result.swarm = swarm;
  std::cout << summary_line(result) << "\n";
  if (!html_path.empty()) {
    if (!write_html(html_path, to_run, result)) {
      std::cerr << "error: cannot write " << html_path << "\n";
      return 2;
    }
    std::cout << "html: " << html_path << "\n";
  }
  if (!result.violation.empty()) {
    // An expected violation (a canary scenario) is summarised in one line.
    const std::string shown =
        result.passed() ? result.violation.substr(0, result.violation.find('\n')) : result.violation;
    std::cout << "violation: " << shown << "\n";
  }
  if (!result.passed()) {
    std::cout << "reproduce: " << reproduce_command(result) << "\n";
    return 1;
  }
  return 0;
}

int shrink_command(const std::string& path, std::uint64_t seed, bool swarm, std::string out_path) {
  auto scenario = load_scenario(path);
  if (!scenario) {
    std::cerr << "error: " << scenario.error().message << "\n";
    return 2;
  }
  const Scenario base = swarm ? draw_swarm_scenario(*scenario, seed) : *scenario;
  ShrinkOptions options;
  options.progress = [](const std::string& line) { std::cerr << line << "\n"; };
  const ShrinkResult result = shrink(base, seed, options);
  if (!result.original_failed) {
    std::cout << "seed " << seed << " of " << path << " does not fail: nothing to shrink\n";
    return 2;
  }
  if (!result.replay_failed) {
    std::cout << "seed " << seed << " fails (" << violation_kind_name(result.violation_kind) << "), but not when its " << result.original_faults
              << " faults are replayed as a timeline: the failure depends on the nemesis's own event order\n";
    return 1;
  }
  if (out_path.empty()) out_path = result.minimal.name + ".toml";
  std::ofstream out(out_path);
  out << "# Shrunk from " << path << " --seed " << seed << (swarm ? " --swarm" : "") << ": " << result.original_faults
      << " faults -> " << result.minimal.timeline.size() << ", still failing with \"" << violation_kind_name(result.violation_kind)
      << "\".\n"
      << scenario_to_toml(result.minimal);
  if (!out) {
    std::cerr << "error: cannot write " << out_path << "\n";
    return 2;
  }
  std::cout << "shrunk " << result.original_faults << " faults to " << result.minimal.timeline.size() << " in "
            << result.runs << " runs; still fails with: " << result.minimal_result.violation.substr(0, 300) << "\n"
            << "wrote " << out_path << "\nreproduce: confman-sim run " << out_path << " --seed " << seed << "\n";
  return 0;
}

int sweep_command(const std::string& target, const SweepOptions& options) {
  std::vector<Scenario> scenarios;
  for (const std::string& path : scenario_paths(target)) {
    auto scenario = load_scenario(path);
    if (!scenario) {
      std::cerr << "error: " << scenario.error().message << "\n";
      return 2;
    }
    if (options.swarm && scenario->expect.violation) {
      // A canary expects its own configuration's violation; drawn options
      // may leave out what triggers it, so swarm mode skips canaries.
      std::cout << "sweep: skipping " << path << " in swarm mode (it expects a violation)\n";
      continue;
    }
    scenarios.push_back(std::move(scenario).value());
  }
  if (scenarios.empty()) {
    std::cerr << "error: no *.toml scenario files in " << target << "\n";
    return 2;
  }
  std::cout << "sweep: " << scenarios.size() << " scenario(s)" << (options.swarm ? " in swarm mode" : "") << ", seeds "
            << options.first_seed << ".." << (options.last_seed == UINT64_MAX ? std::string() : std::to_string(options.last_seed));
  if (options.shard_count > 1) std::cout << " (shard " << options.shard_index << " of " << options.shard_count << ")";
  std::cout << ", " << options.jobs << " job(s)\n";
  const auto started = std::chrono::steady_clock::now();
  SweepStop stop;
  const auto summaries = run_sweep(scenarios, options, &stop);
  if (!stop.results_error.empty()) std::cerr << "error: " << stop.results_error << "\n";
  if (stop.stopped_early) std::cout << "sweep: stopped after " << stop.runs << " runs: " << stop.reason << "\n";
  const double wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << format_sweep_table(summaries);
  std::cout << format_failover_summary(summaries);
  std::uint64_t runs = 0;
  std::uint64_t failures = 0;
  for (const ScenarioSummary& summary : summaries) {
    runs += summary.seeds;
    for (const RunResult& failure : summary.failures) {
      failures += 1;
      if (failure.swarm) std::cout << "# options drawn by seed " << failure.seed << ":\n" << failure.drawn_options;
      std::cout << "FAIL " << summary_line(failure) << "\n  violation: "
                << (failure.violation.empty() ? "(none found, one was expected)" : failure.violation)
                << "\n  reproduce: " << reproduce_command(failure) << "\n";
    }
  }
  std::uint64_t events = 0;
  for (const ScenarioSummary& summary : summaries) events += summary.events;
  char timing[160];
  std::snprintf(timing, sizeof timing, " in %.1f s wall time (%.2f M simulated events/s)", wall_seconds,
                wall_seconds > 0 ? static_cast<double>(events) / wall_seconds / 1e6 : 0.0);
  std::cout << "sweep: " << runs - failures << " passed, " << failures << " failed" << timing << "\n";
  if (!stop.results_error.empty()) return 2;
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  install_assertion_reporter();
  CLI::App app{"confman-sim: deterministic simulation of Confman clusters"};
  app.require_subcommand(1);

  auto* run = app.add_subcommand("run", "Run one scenario with one seed");
  std::string run_path;
  std::uint64_t seed = 1;
  std::string trace_path;
  std::string history_path;
  run->add_option("scenario", run_path, "Scenario file (TOML)")->required();
  run->add_option("--seed", seed, "Run seed (everything random derives from it)");
  run->add_option("--trace", trace_path, "Write the trace as JSON Lines to FILE");
  run->add_option("--history", history_path, "Write the client history as JSON Lines to FILE");
  std::string html_path;
  run->add_option("--html", html_path, "Write the run as a self-contained HTML timeline to FILE");
  bool run_swarm = false;
  run->add_flag("--swarm", run_swarm, "Draw cluster size, faults and workload from the seed (as sweep --swarm)");

  auto* sweep = app.add_subcommand("sweep", "Run many seeds of one scenario or a directory of scenarios");
  std::string sweep_path;
  std::string seeds = "1..20";
  SweepOptions sweep_options;
  sweep_options.jobs = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  sweep->add_option("target", sweep_path, "Scenario file or directory")->required();
  sweep->add_option("--seeds", seeds, "Seed range A..B (inclusive)");
  sweep->add_option("--jobs", sweep_options.jobs, "Parallel runs (default: number of cores)")->check(CLI::Range(1, 256));
  sweep->add_flag("--swarm", sweep_options.swarm, "Each seed draws its own cluster size (3-7), faults and workload");
  std::string shard;
  std::string time_budget;
  sweep->add_option("--shard", shard, "Run only shard I of N of the seeds (I/N), for sweeps spread over machines");
  sweep->add_option("--results", sweep_options.results_path,
                    "Write each run as a JSON line to FILE (default with --shard: sweep-shard-I-of-N.jsonl)");
  sweep->add_flag("--until-failure", sweep_options.until_failure, "Stop starting runs after the first failure");
  sweep->add_option("--time-budget", time_budget, "Stop starting runs after this long: 600, 90s, 10m, 2h");

  auto* report_cmd = app.add_subcommand("report", "Merge the --results files of a sweep's shards into one summary");
  std::vector<std::string> report_files;
  report_cmd->add_option("files", report_files, "Result files (JSON Lines)")->required();

  auto* shrink_cmd = app.add_subcommand("shrink", "Reduce a failing seed's faults to a minimal scenario file");
  std::string shrink_path;
  std::uint64_t shrink_seed = 1;
  bool shrink_swarm = false;
  std::string shrink_out;
  shrink_cmd->add_option("scenario", shrink_path, "Scenario file (TOML)")->required();
  shrink_cmd->add_option("--seed", shrink_seed, "The failing seed")->required();
  shrink_cmd->add_flag("--swarm", shrink_swarm, "The seed failed in swarm mode");
  shrink_cmd->add_option("--out", shrink_out, "Where to write the minimal scenario (default: NAME-seedN-shrunk.toml)");

  CLI11_PARSE(app, argc, argv);

  if (*shrink_cmd) return shrink_command(shrink_path, shrink_seed, shrink_swarm, shrink_out);
  if (*report_cmd) return report_command(report_files);

  if (*run) {
    RunOptions options;
    if (!trace_path.empty()) options.trace_path = trace_path;
    if (!history_path.empty()) options.history_path = history_path;
    options.keep_jsonl = !html_path.empty();
    return run_command(run_path, seed, run_swarm, options, html_path);
  }
  if (!parse_seed_range(seeds, sweep_options)) {
    std::cerr << "error: --seeds must be N, A..B with A <= B, or A.. (no end), not '" << seeds << "'\n";
    return 2;
  }
  if (!shard.empty()) {
    if (!parse_shard(shard, sweep_options)) {
      std::cerr << "error: --shard must be I/N with 1 <= I <= N, not '" << shard << "'\n";
      return 2;
    }
    if (sweep_options.results_path.empty()) {
      sweep_options.results_path = "sweep-shard-" + std::to_string(sweep_options.shard_index) + "-of-" +
                                   std::to_string(sweep_options.shard_count) + ".jsonl";
    }
  }
  if (!time_budget.empty()) {
    const auto budget = parse_duration_ms(time_budget);
    if (!budget || *budget == 0) {
      std::cerr << "error: --time-budget must be seconds or a number with s, m or h, not '" << time_budget << "'\n";
      return 2;
    }
    sweep_options.time_budget_ms = *budget;
  }
  if (sweep_options.last_seed == UINT64_MAX && !sweep_options.until_failure && sweep_options.time_budget_ms == 0) {
    std::cerr << "error: --seeds " << seeds << " has no end: add --until-failure or --time-budget\n";
    return 2;
  }
  sweep_options.progress = isatty(fileno(stderr)) != 0;
  return sweep_command(sweep_path, sweep_options);
}
