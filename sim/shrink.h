#pragma once
// Shrinking a failing seed (delta debugging, Zeller & Hildebrandt 2002): the
// faults a failing run injected are replayed as an explicit timeline with
// the random nemesis off, then subsets of them are removed while the run
// still fails the same way. The result is a scenario file with the smallest
// fault timeline found that still reproduces the failure with the seed.

#include <cstdint>
#include <functional>
#include <string>

#include "sim/runner.h"
#include "sim/scenario.h"

namespace confman::sim {

struct ShrinkOptions {
  std::size_t max_runs = 400;  // bound on replays
  std::function<void(const std::string&)> progress;  // optional status lines
};

struct ShrinkResult {
  bool original_failed = false;  // false: the seed passes, nothing to shrink
  bool replay_failed = false;    // the faults replayed as a timeline still fail
  ViolationKind violation_kind = ViolationKind::None;
  std::size_t original_faults = 0;
  std::size_t runs = 0;
  Scenario minimal;              // the shrunk scenario (timeline = the faults kept)
  RunResult minimal_result;
};

ShrinkResult shrink(const Scenario& scenario, std::uint64_t seed, const ShrinkOptions& options = {});

}  // namespace confman::sim
