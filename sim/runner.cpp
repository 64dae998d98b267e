#include "sim/runner.h"

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "check/checker.h"
#include "check/cluster_check.h"
#include "check/read_check.h"
#include "check/watch_check.h"
#include "core/util/assert.h"
#include "sim/failover.h"
#include "sim/phases.h"
#include "sim/world.h"

namespace confman::sim {

namespace {

// The run in progress on this thread (runs in a sweep share nothing else).
thread_local std::string t_current_run;

void report_assertion(std::string_view condition, std::string_view message, std::string_view file, int line) {
  std::fprintf(stderr, "assertion failed: %.*s (%.*s) at %.*s:%d\n", static_cast<int>(message.size()), message.data(),
               static_cast<int>(condition.size()), condition.data(), static_cast<int>(file.size()), file.data(), line);
  if (!t_current_run.empty()) std::fprintf(stderr, "reproduce: %s\n", t_current_run.c_str());
}

// Deterministic bound on the checker's search per key, so a seed gives the
// same verdict on every machine (no wall-clock limit in the simulator).
constexpr std::uint64_t kCheckerStepsPerKey = 50'000'000;

check::ReadMode read_mode_of(ReadConsistency consistency) {
  switch (consistency) {
    case ReadConsistency::Linearizable: return check::ReadMode::Linearizable;
    case ReadConsistency::ReadYourWrites: return check::ReadMode::ReadYourWrites;
    case ReadConsistency::Stale: return check::ReadMode::Stale;
  }
  return check::ReadMode::Linearizable;
}

// Every client's completed operations, in the order it completed them.
std::vector<check::SessionOperation> session_operations(const History& history) {
  std::vector<check::SessionOperation> operations;
  for (const HistoryEvent& event : history.events()) {
    if (event.type != EventType::Ok) continue;
    check::SessionOperation op{.process = event.process, .key = event.key, .time_us = event.time_us};
    if (event.f == OpKind::Get) {
      op.read = true;
      op.mode = read_mode_of(event.consistency);
      op.found = event.found;
      op.value = event.value;
      op.mod_revision = event.mod_revision;
      op.read_revision = event.read_revision;
    } else if (event.result == "ok") {
      op.write_revision = event.revision;
    }
    operations.push_back(std::move(op));
  }
  return operations;
}

// Reads against the committed revisions (every mode), and watches.
void check_reads_and_watches(const World& world, RunResult& result) {
  const check::ReadCheckResult reads = check::check_reads(session_operations(world.history()), world.committed());
  if (!reads.violation.empty()) result.set_violation(ViolationKind::ReadConsistency, reads.violation);
  const check::WatchCheckResult watches = check::check_watches(world.watch_segments(), world.committed());
  if (!watches.violation.empty()) result.set_violation(ViolationKind::Watch, watches.violation);
  const check::ClusterCheckResult views = check::check_cluster_observations(world.cluster_observations());
  if (!views.violation.empty()) result.set_violation(ViolationKind::ClusterView, views.violation);
}

void check_linearizability(const World& world, const Scenario& scenario, RunResult& result) {
  check::CheckOptions options;
  options.model = "confman-kv";
  options.max_steps_per_partition = kCheckerStepsPerKey;
  // Unknown outcomes the replicas settled are resolved first (history_resolution.h).
  const History resolved =
      resolve_unknown_writes(world.history(), world.applied_sessions(), world.clients_idle() && result.violation.empty());
  const check::CheckReport report = check::check_confman_history(resolved.to_jsonl(), options, "history");
  result.linearizability = check::verdict_name(report.verdict);
  result.checker_steps = report.total_steps;
  result.checker_report_json = report.explanation_json;
  if (report.verdict == check::Verdict::NotLinearizable) {
    result.set_violation(ViolationKind::Linearizability,
                         "client history is not linearizable: " + report.summary + "\n" + report.explanation_text);
  }
  if (report.verdict == check::Verdict::Unknown && !scenario.expect.allow_unknown) {
    // A checker that could not decide has not passed the run.
    result.set_violation(ViolationKind::CheckerUnknown,
                         "the linearizability checker could not decide (unknown): " + report.summary);
  }
  if (report.input_error) {
    // The simulator wrote a history the checker cannot read: a bug here.
    result.set_violation(ViolationKind::HistoryUnreadable,
                         "the client history could not be checked: " + report.input_error->describe());
  }
}

}  // namespace

void install_assertion_reporter() { set_assertion_handler(report_assertion); }

RunResult run_scenario(const Scenario& scenario, std::uint64_t seed, const RunOptions& options) {
  t_current_run = "confman-sim run " + scenario.path + " --seed " + std::to_string(seed);
  std::unique_ptr<std::ofstream> trace_file;
  std::ostringstream trace_text;  // keep_jsonl without a trace file: the trace in memory
  if (options.trace_path) trace_file = std::make_unique<std::ofstream>(*options.trace_path);
  std::ostream* trace_out = trace_file ? static_cast<std::ostream*>(trace_file.get())
                            : options.keep_jsonl ? static_cast<std::ostream*>(&trace_text)
                                                 : nullptr;
  Trace trace(trace_out);
  World world(scenario, seed, trace);
  LivenessPhase liveness(world, seed);
  world.start();
  world.run_until(scenario.duration_us);
  std::vector<TimelineEvent> injected_faults = world.fault_log();
  const std::vector<LeaderFault> leader_faults = world.leader_faults();
  const TimeUs leader_time_us = world.cluster().leader_time_us();

  RunResult result;
  result.scenario = scenario.name;
  result.scenario_path = scenario.path;
  result.seed = seed;
  result.expected_violation = scenario.expect.violation;
  result.expected_violation_kind = scenario.expect.violation_kind;
  result.injected_faults = std::move(injected_faults);
  if (!world.invariants().violated()) {
    const std::string live = liveness.run(scenario);
    if (!live.empty()) result.set_violation(ViolationKind::Liveness, live);
  }
  if (result.violation.empty() && !world.invariants().violated()) {
    const std::string convergence = run_convergence_phase(world, scenario);
    if (!convergence.empty()) result.set_violation(ViolationKind::Convergence, convergence);
  }
  if (world.invariants().violated()) {
    result.set_violation(world.invariants().violation_kind(), world.invariants().violation());
  }
  // A workload that never got a write through, on a cluster that had a
  // leader half the time or more, is broken (a cluster that hardly ever had
  // one is judged by the liveness phase instead).
  if (result.violation.empty() && world.writes_acknowledged() == 0 && scenario.workload.clients > 0 &&
      scenario.workload.put_weight + scenario.workload.delete_weight + scenario.workload.cas_weight > 0 &&
      2 * leader_time_us >= scenario.duration_us) {
    result.set_violation(ViolationKind::NoProgress, "no client write was acknowledged in the whole run");
  }
  check_linearizability(world, scenario, result);
  check_reads_and_watches(world, result);
  // The clean leader faults of the safety phase: four election timeouts to
  // the first acknowledged write (failover.h).
  const TimeUs failover_limit_us =
      failover_limit_exemption(scenario) ? 0 : kFailoverLimitElectionTimeouts * scenario.raft.election_timeout_us;
  const FailoverReport failovers =
      measure_failovers(leader_faults, result.injected_faults, world.history(), failover_limit_us, scenario.duration_us);
  for (const FailoverSample& sample : failovers.samples) result.failovers_us.push_back(sample.duration_us);
  result.election_timeout_us = scenario.raft.election_timeout_us;
  result.failovers_judged = failover_limit_us > 0;
  if (!failovers.violation.empty()) result.set_violation(ViolationKind::Failover, failovers.violation);
  const ClientStats stats = world.client_stats();
  result.reads_linearizable = stats.reads_linearizable;
  result.reads_read_your_writes = stats.reads_read_your_writes;
  result.reads_stale = stats.reads_stale;
  result.redirects = stats.redirects;
  result.watch_events = world.watch_events();
  result.watch_resumptions = world.watch_resumptions();
  result.forwards = world.forwards();
  result.virtual_us = world.now_us();
  result.ops_ok = stats.ok;
  result.ops_failed = stats.fail;
  result.ops_unknown = stats.info;
  result.writes_acknowledged = stats.writes_ok;
  result.faults = world.faults();
  result.events = world.events();
  result.trace_hash = trace.hash();
  if (options.history_path) {
    std::ofstream history(*options.history_path);
    world.history().write_jsonl(history);
  }
  if (options.keep_jsonl) {
    if (trace_file) {
      // The file was streamed (a run that aborts still leaves its trace); read it back.
      trace_file->close();
      std::ifstream written(*options.trace_path, std::ios::binary);
      trace_text << written.rdbuf();
    }
    result.trace_jsonl = std::move(trace_text).str();
    result.history_jsonl = world.history().to_jsonl();
  }
  return result;
}


std::string reproduce_command(const RunResult& result) {
  return "confman-sim run " + result.scenario_path + " --seed " + std::to_string(result.seed) +
         (result.swarm ? " --swarm" : "");
}

std::string summary_line(const RunResult& result) {
  char virtual_seconds[32];
  std::snprintf(virtual_seconds, sizeof virtual_seconds, "%.3fs", static_cast<double>(result.virtual_us) / 1e6);
  std::string verdict;
  if (result.passed()) {
    verdict = result.expected_violation ? "ok (expected violation found)" : "ok";
  } else if (!result.expected_violation) {
    verdict = "FAIL";
  } else {
    verdict = result.violation.empty() ? "FAIL (expected a violation, none found)"
                                       : std::string("FAIL (expected a ") +
                                             violation_kind_name(*result.expected_violation_kind) + " violation, found " +
                                             violation_kind_name(result.violation_kind) + ")";
  }
  std::string failovers_ms;
  for (TimeUs failover_us : result.failovers_us) {
    failovers_ms += (failovers_ms.empty() ? "" : ",") + std::to_string(failover_us / 1000);
  }
  if (failovers_ms.empty()) failovers_ms = "-";
  return "scenario=" + result.scenario + " seed=" + std::to_string(result.seed) + " virtual=" + virtual_seconds +
         " ops_ok=" + std::to_string(result.ops_ok) + " ops_failed=" + std::to_string(result.ops_failed) +
         " ops_unknown=" + std::to_string(result.ops_unknown) + " writes_acked=" +
         std::to_string(result.writes_acknowledged) + " faults=" + std::to_string(result.faults) +
         " events=" + std::to_string(result.events) + " reads=" + std::to_string(result.reads_linearizable) + "/" +
         std::to_string(result.reads_read_your_writes) + "/" + std::to_string(result.reads_stale) +
         " watch_events=" + std::to_string(result.watch_events) + " forwards=" + std::to_string(result.forwards) +
         " failovers_ms=" + failovers_ms + " linearizability=" + result.linearizability +
         " trace=" + format_hash(result.trace_hash) + " verdict=" + verdict;
}

}  // namespace confman::sim
