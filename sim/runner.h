#pragma once
// One simulation run of a scenario and seed: the safety phase under faults,
// then a convergence phase (heal, restart every node, stop the clients) that
// requires every node to reach the same applied state within the scenario's
// liveness bound. The verdict is a pass when what was found matches what the
// scenario expects.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario.h"
#include "sim/violation_kind.h"

namespace confman::sim {

struct RunOptions {
  std::optional<std::string> trace_path;
  std::optional<std::string> history_path;
  // Keep the trace and the client history as JSON Lines in the result (for
  // the visualizer, `confman-sim run --html`). The trace is fed the same
  // events either way, so the trace hash does not change.
  bool keep_jsonl = false;
};

struct RunResult {
  std::string scenario;
  std::string scenario_path;
  std::uint64_t seed = 0;
  TimeUs virtual_us = 0;
  std::uint64_t ops_ok = 0;
  std::uint64_t ops_failed = 0;
  std::uint64_t ops_unknown = 0;
  std::uint64_t writes_acknowledged = 0;
  std::uint64_t faults = 0;
  std::uint64_t events = 0;
  // How the request layer was exercised: gets by how they read, watch
  // events delivered, watch streams resumed, requests forwarded by a
  // follower to the leader and answers that redirected a client.
  std::uint64_t reads_linearizable = 0;
  std::uint64_t reads_read_your_writes = 0;
  std::uint64_t reads_stale = 0;
  std::uint64_t watch_events = 0;
  std::uint64_t watch_resumptions = 0;
  std::uint64_t forwards = 0;
  std::uint64_t redirects = 0;
  // Time from each clean leader fault to the first write acknowledged after
  // it (failover.h), and the run's election timeout to measure them by.
  std::vector<TimeUs> failovers_us;
  TimeUs election_timeout_us = 0;
  bool failovers_judged = false;  // the run's conditions put it under the limit (failover_limit_exemption)
  std::uint64_t trace_hash = 0;
  std::string violation;  // empty: none found
  ViolationKind violation_kind = ViolationKind::None;
  // The linearizability checker's verdict on the client history:
  // "linearizable", "not linearizable" or "unknown" (a search limit was hit).
  std::string linearizability;
  std::uint64_t checker_steps = 0;
  // The checker's report as JSON (check::CheckReport::explanation_json):
  // for a violation, the operations it could not place and why.
  std::string checker_report_json;
  std::string trace_jsonl;    // with RunOptions::keep_jsonl
  std::string history_jsonl;  // with RunOptions::keep_jsonl
  bool expected_violation = false;
  std::optional<ViolationKind> expected_violation_kind;  // with expected_violation: this kind, or any
  bool swarm = false;          // options were drawn from the seed (--swarm)
  std::string drawn_options;   // swarm: the drawn scenario as TOML
  // The faults injected during the safety phase, as timeline events; a
  // scenario with this timeline and no nemesis replays them (for shrinking).
  std::vector<TimelineEvent> injected_faults;
  bool passed() const {
    if (!expected_violation) return violation.empty();
    return !violation.empty() && (!expected_violation_kind || *expected_violation_kind == violation_kind);
  }
  // Records the first violation found; later ones are ignored.
  void set_violation(ViolationKind kind, std::string text) {
    if (!violation.empty()) return;
    violation_kind = kind;
    violation = std::move(text);
  }
};

RunResult run_scenario(const Scenario& scenario, std::uint64_t seed, const RunOptions& options = {});

// Makes a failed core assertion print the reproduction command of the run
// in progress on that thread before the process aborts.
void install_assertion_reporter();

std::string summary_line(const RunResult& result);
std::string reproduce_command(const RunResult& result);

}  // namespace confman::sim
