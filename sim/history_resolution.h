#pragma once
// Unknown outcomes the simulator can resolve. A write whose client gave up
// ("info") may or may not have taken effect; the linearizability checker
// must try both, and a burst of them (a leader cut off while the others
// lack a quorum) can make its search explode. The simulator knows what the
// replicas applied: if a write's session (client id, sequence) was applied,
// its effect is known exactly. resolve_unknown_writes pins that effect:
// the operation becomes one that completed with the applied result, at the
// end of the history (so it may still take effect at any time after its
// invocation, as the real write may have been applied after its client gave
// up), on a process of its own.
//
// A write no replica had applied when the run ended (every client idle,
// the cluster converged) did not take effect within the history: it
// becomes "fail". Were it to commit later, it would come after every
// operation of the history, where no observation can tell.
//
// Sound: pinning an outcome only removes linearizations, so a resolved
// history that linearizes means the original does; and one that does not
// shows clients' observations contradicting what the replicas really did.
// The history file a run writes keeps what the clients saw.

#include <cstdint>
#include <map>
#include <utility>

#include "core/kv/command.h"
#include "sim/history.h"

namespace confman::sim {

// What each client session's writes did, as the first replica applied them.
using AppliedSessions = std::map<std::pair<std::uint64_t, std::uint64_t>, kv::WriteResult>;

// A copy of history with every unknown write found in applied resolved and,
// when run_ended (no client waits and no write can still be in flight), every
// other unknown write turned into a failure.
History resolve_unknown_writes(const History& history, const AppliedSessions& applied, bool run_ended);

// The first process id resolve_unknown_writes gives resolved operations.
constexpr int kResolvedProcessBase = 1'000'000;

}  // namespace confman::sim
