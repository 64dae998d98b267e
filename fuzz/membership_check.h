#pragma once
// The membership property, shared by the suite and its canary (each links a
// different core): run the sequence's scenario and require every invariant,
// a linearizable history, liveness and convergence after the final heal.
// On failure RapidCheck shrinks the sequence and this prints the minimal one
// as a scenario file with the command that replays it.

#include <rapidcheck.h>

#include "fuzz/membership_sequence.h"
#include "sim/runner.h"
#include "sim/scenario_writer.h"

namespace confman::fuzz {

inline void check_membership_sequence() {
  const std::vector<Op> ops = *gen_sequence();
  const auto seed = *rc::gen::inRange<std::uint64_t>(1, 1'000'000);
  const sim::Scenario scenario = sequence_scenario(ops);
  const sim::RunResult result = sim::run_scenario(scenario, seed);
  RC_LOG() << "sequence: " << describe(ops) << "\n"
           << "violation: " << result.violation << "\n"
           << "replay: save the scenario below as membership-sequence.toml, then\n"
           << "  confman-sim run membership-sequence.toml --seed " << seed << "\n"
           << "---- membership-sequence.toml ----\n"
           << sim::scenario_to_toml(scenario) << "----\n";
  RC_ASSERT(result.passed());
}

}  // namespace confman::fuzz
