#pragma once
// One confman-nemesis run, start to verdict: namespaces, servers, clients,
// the fault plan executed in real time, then heal, convergence, final
// reads from every node, the linearizability check of the history, the
// count of lost acknowledged writes and the failover windows. Everything
// the run made (history, server logs, data) stays in the work folder when
// the run fails, or when asked.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tools/nemesis/fault_plan.h"
#include "tools/nemesis/link_proxy.h"
#include "tools/nemesis/server_nodes.h"

namespace confman::nemesis {

struct RunSettings {
  std::uint64_t seed = 1;
  std::uint64_t duration_ms = 60'000;
  std::size_t nodes = 3;
  std::size_t clients = 8;
  std::size_t keys = 5;
  std::vector<FaultKind> fault_kinds{std::begin(kAllFaultKinds), std::end(kAllFaultKinds)};  // drawn from
  std::vector<PlannedFault> timeline;  // a scenario's faults, on top of the drawn ones (scenario_faults.h)
  std::string scenario_path;           // the scenario they came from, if any
  // Every link into a node, all run long (link_proxy.h); faults may worsen it.
  LinkConditions baseline_links;
  std::string link_proxy_path = "confman-link-proxy";
  // Each node's wall clock runs off by up to this, drawn at each start.
  std::int64_t clock_offset_max_s = 0;
  // Each client's patience: one HTTP exchange, and attempts per operation
  // across the nodes. Short ones turn more faults into writes of unknown
  // outcome, which is what the checker must then decide.
  std::uint32_t request_timeout_ms = 1000;
  std::uint32_t attempts = 10;
  ServerSettings server;
  std::size_t disk_mb = 256;  // each node's tmpfs (data_disks.h); a WAL segment takes 64 MiB
  std::filesystem::path work_dir;  // empty: a fresh folder under the system's temp folder
  bool keep_work_dir = false;
  // A run fails when a leader fault's failover window exceeds this.
  std::uint64_t failover_bound_ms = 5'000;
  std::uint64_t check_timeout_ms = 60'000;
};

struct RunSummary {
  bool setup_failed = false;
  std::string setup_error;
  std::uint64_t ops_ok = 0, ops_failed = 0, ops_unknown = 0, writes_acked = 0;
  std::vector<PlannedFault> faults;
  std::string linearizability;  // "linearizable", "not linearizable", "unknown"
  std::string check_summary;
  std::size_t lost_acked_writes = 0;
  bool converged = false;         // every node named one leader and applied the same index
  std::size_t diverged_keys = 0;  // keys whose value differs between nodes at the end
  std::size_t unexpected_exits = 0;
  std::size_t disk_stops = 0;  // nodes that fail-stopped on a full or failing disk (expected)
  std::vector<std::string> fault_errors;  // a fault that could not be injected or undone
  bool interrupted_run = false;
  std::vector<std::int64_t> failover_windows_ms;
  bool failover_within_bound = true;
  std::filesystem::path work_dir;
  bool passed() const;
  // One line, like confman-sim run's: seed, duration, ops, faults, verdicts.
  std::string line(const RunSettings& settings) const;
};

RunSummary run_nemesis(const RunSettings& settings);

// Ends the run early (from a signal handler: it only sets a flag); the run
// still heals, checks and removes what it made.
void request_interrupt();

}  // namespace confman::nemesis
