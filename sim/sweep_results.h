#pragma once
// One line per run of a sweep, as JSON, in the file `sweep --results`
// writes and `confman-sim report` merges (distributed sweeps: each shard of
// the seed space writes its own file). One type for the writer and the
// reader, so a field renamed on one side cannot silently vanish on the other.
//
// A line: {"scenario", "path", "seed", "swarm", "passed", "violation_kind",
// "violation", "trace_hash" (16 hex digits), "events", "ops_ok", "faults",
// "reads_linearizable", "reads_read_your_writes", "reads_stale",
// "watch_events", "forwards", "linearizability", "failovers" (election
// timeouts), "failovers_judged", "wall_ms", "reproduce"}. Every field but
// wall_ms is the same on any machine for the same scenario and seed.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/result.h"
#include "sim/runner.h"

namespace confman::sim {

struct SweepResultLine {
  std::string scenario;
  std::string path;
  std::uint64_t seed = 0;
  bool swarm = false;
  bool passed = false;
  std::string violation_kind;  // violation_kind_name(); "none" when passed
  std::string violation;       // its first line
  std::string trace_hash;      // 16 hex digits
  std::uint64_t events = 0;
  std::uint64_t ops_ok = 0;
  std::uint64_t faults = 0;
  std::uint64_t reads_linearizable = 0;
  std::uint64_t reads_read_your_writes = 0;
  std::uint64_t reads_stale = 0;
  std::uint64_t watch_events = 0;
  std::uint64_t forwards = 0;
  std::string linearizability;
  std::vector<double> failovers;  // in election timeouts
  bool failovers_judged = false;
  double wall_ms = 0;
  std::string reproduce;
};

SweepResultLine result_line(const RunResult& result, double wall_ms);
std::string to_json_line(const SweepResultLine& line);  // no newline
// The line parsed, or what is wrong with it.
Result<SweepResultLine, std::string> parse_result_line(std::string_view text);

}  // namespace confman::sim
