#pragma once
// Swarm testing (Groce et al., "Swarm Testing", ISSTA 2012): instead of one
// fixed mix of faults, each seed draws its own cluster size (3-7), fault
// probabilities and workload, so some seeds hammer one fault family hard and
// others leave it out entirely. The draw depends only on the seed; the base
// scenario keeps its name, duration, read mode and expectations.

#include <cstdint>

#include "sim/scenario.h"

namespace confman::sim {

Scenario draw_swarm_scenario(const Scenario& base, std::uint64_t seed);

}  // namespace confman::sim
