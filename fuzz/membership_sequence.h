#pragma once
// Random operation sequences for the membership property suite: add a voter
// or a learner, promote, remove, transfer leadership, crash, restart,
// partition, heal, and let time pass, while a client workload of writes and
// reads runs throughout. A sequence becomes an ordinary scenario (its ops a
// timeline), so a failing one is replayed, shrunk and shared as a scenario
// file like any other.

#include <cstdint>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "sim/scenario.h"

namespace confman::fuzz {

enum class OpKind : std::uint8_t {
  AddVoter,
  AddLearner,
  Promote,
  Remove,
  TransferLeader,
  Crash,
  Restart,
  Partition,  // side: one side of a two-way partition
  Heal,
  Wait,       // wait_ms: time passes; ops between waits happen at the same instant
};

struct Op {
  OpKind kind = OpKind::Wait;
  NodeId node = kNoNode;
  std::vector<NodeId> side{};
  std::uint32_t wait_ms = 0;
};

// The cluster every sequence runs on: three founding voters and two spares.
constexpr int kFoundingVoters = 3;
constexpr int kSpareNodes = 2;

rc::Gen<Op> gen_op();
rc::Gen<std::vector<Op>> gen_sequence();

// The scenario that runs `ops` (then heals, and the runner's liveness and
// convergence phases follow).
sim::Scenario sequence_scenario(const std::vector<Op>& ops);
std::string describe(const std::vector<Op>& ops);

}  // namespace confman::fuzz

namespace rc {
template <>
struct Arbitrary<confman::fuzz::Op> {
  static Gen<confman::fuzz::Op> arbitrary() { return confman::fuzz::gen_op(); }
};
}  // namespace rc
