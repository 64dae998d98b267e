#pragma once
// Writes a Scenario back as a TOML scenario file, in the format
// load_scenario() reads (scenarios/README.md). Used to print the options a
// swarm seed drew and to save a shrunk scenario; the output loads back into
// an equal Scenario.

#include <string>

#include "sim/scenario.h"

namespace confman::sim {

std::string scenario_to_toml(const Scenario& scenario);

}  // namespace confman::sim
