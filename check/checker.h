#pragma once
// confman-check as a library: the linearizability verdict on a client history.
//
//   auto history = parse_history(text, Format::Auto, "run.history.jsonl");
//   if (!history) { report history.error().describe(); }
//   CheckReport report = check_history(*history, CheckOptions{});
//
// The verdict is honest about what it could not decide: a search that runs
// out of steps, memory or time says Unknown (and which limit), never
// Linearizable. The simulator must bound the search by steps only (the
// default options), so that a seed gives the same verdict on any machine.
//
// Method: the Wing & Gong (1993) search with Lowe's (2017) memoisation,
// run per key where the model allows it (P-compositionality, Horn & Kroening
// 2015), the keys in rounds of growing step budgets so that one hard key
// cannot hide another's violation (checker.cpp, search_in_rounds). See
// wgl.h, partition.h and the models in model_*.h.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check/history.h"
#include "check/parse.h"

namespace confman::check {

enum class Verdict : std::uint8_t { Linearizable, NotLinearizable, Unknown };

struct CheckOptions {
  // "confman-kv", "cas-register" or "append-kv"; "" = the default for the
  // history's format (default_model()).
  std::string model;
  // Deterministic bound on the search of one partition (one key); 0 = none.
  std::uint64_t max_steps_per_partition = 200'000'000;
  // Bound on the search's memo and interned states, per partition; 0 = the
  // ceiling every search keeps, 16 GiB (kMemoryCeilingBytes in wgl.h).
  std::size_t memory_limit_bytes = std::size_t{2} << 30;
  // Wall-clock bound on the whole check; 0 = none. For the CLI only: it
  // makes the verdict depend on the machine.
  std::uint64_t timeout_ms = 0;
  // How many violating partitions the explanation describes in full.
  std::size_t max_explained_violations = 3;
  // Search every partition to its verdict, even after one is proven not
  // linearizable (by default the check stops after that round).
  bool all_partitions = false;
  // Threads that search partitions side by side. The outcome is the same
  // for any number; the simulator keeps 1 (its sweep runs in parallel
  // already), the CLI uses the cores.
  std::size_t threads = 1;
  // Measure each partition's wall time (PartitionReport::elapsed_ms). For
  // the CLI only: a timing makes the report differ from run to run.
  bool measure_time = false;
  // Render CheckReport::explanation_json. The CLI's text output does
  // without it (it was a tenth of the time on the Jepsen histories).
  bool explanation_json = true;
};

struct PartitionReport {
  std::string key;
  std::size_t operation_count = 0;
  Verdict verdict = Verdict::Linearizable;
  std::uint64_t steps = 0;
  std::size_t memo_entries = 0;
  std::size_t peak_memory_bytes = 0;
  double elapsed_ms = 0;  // summed over rounds; with CheckOptions::measure_time only
  std::string unknown_reason;  // which limit was hit, when Unknown
  // Unknown because another partition was proven not linearizable first
  // and the check stopped there (CheckOptions::all_partitions).
  bool stopped_early = false;
};

struct CheckReport {
  Verdict verdict = Verdict::Linearizable;
  std::string model;
  std::size_t operation_count = 0;
  std::size_t partition_count = 0;
  std::uint64_t total_steps = 0;
  // One line: why not linearizable, or why unknown; "" when linearizable.
  std::string summary;
  // For a person: the violations (partition, longest linearizable prefix, the
  // operations that cannot come next and why) or the limits hit; "" when
  // linearizable. Deterministic: no timings.
  std::string explanation_text;
  // The same as one JSON object (unless CheckOptions::explanation_json is
  // false: then "").
  std::string explanation_json;
  std::vector<PartitionReport> partitions;  // in key order
  // Set when the history does not fit the model (verdict Unknown); for the
  // CLI this is bad input (exit code 2).
  std::optional<ParseError> input_error;
};

CheckReport check_history(const History& history, const CheckOptions& options);

// Parses our JSON Lines history (sim/HISTORY.md) and checks it with the
// confman-kv model (unless options.model says otherwise). A parse error gives
// verdict Unknown with input_error set.
CheckReport check_confman_history(std::string_view jsonl, const CheckOptions& options,
                                  std::string_view name = "history");

// "confman-kv" for confman histories, "cas-register" for Jepsen logs and for
// EDN histories that only read, write and cas, else "append-kv".
std::string default_model(const History& history);

// Whether `name` is one of the model names above.
bool is_model_name(std::string_view name);

// "linearizable", "not linearizable", "unknown".
const char* verdict_name(Verdict verdict);

}  // namespace confman::check
