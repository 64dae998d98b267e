#pragma once
// A scenario file (sim/scenario.h, scenarios/README.md) driving the real
// cluster: the same file that confman-sim runs, read by the same parser,
// turned into a nemesis run's settings. What exists on real processes is
// carried over: the cluster size, the run's length, clients and keys, the
// Raft timing, the network's delay and loss (link proxies), clock offsets,
// the random nemesis's fault families, and the timeline (partition, heal,
// crash, restart, isolate-leader, one-way, bridge, flap, pause, clock-jump,
// disk-error, disk-full, slow-disk). A timeline action that exists only in
// the simulator (bit flips in stored records, read errors, membership
// changes) or a scenario that expects a violation is refused with the
// reason; options that only the simulator models (duplication, corruption
// in transit, clock drift) are listed as notes, not silently dropped.

#include <string>
#include <vector>

#include "core/util/result.h"
#include "sim/scenario.h"
#include "tools/nemesis/nemesis_run.h"

namespace confman::nemesis {

struct ScenarioTranslation {
  std::vector<std::string> notes;  // what the real run leaves out
};

// Sets `settings` from `scenario`; an error names what cannot run for real.
Result<ScenarioTranslation, std::string> apply_scenario(const sim::Scenario& scenario, RunSettings& settings);

// The timeline alone, as faults with their durations (each network fault
// lasts until the next heal, a crash or disk error until the node's
// restart, a clock jump until the end).
Result<std::vector<PlannedFault>, std::string> timeline_faults(const sim::Scenario& scenario);

}  // namespace confman::nemesis
