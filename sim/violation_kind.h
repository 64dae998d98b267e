#pragma once
// What a failed run found, as one type shared by everything that writes or
// reads a verdict: the invariant checker, the runner, the shrinker (which
// keeps a failure "the same" while it removes faults), the sweep and the
// scenario files' [expect] section (violation = "<name>").

#include <cstdint>
#include <optional>
#include <string_view>

namespace confman::sim {

enum class ViolationKind : std::uint8_t {
  None,
  ElectionSafety,       // two leaders in one term (Raft §5.2)
  LogMatching,          // two logs disagree below a shared (index, term) (§5.3)
  LeaderCompleteness,   // a leader lacks an entry some node applied (§5.4)
  StateMachineSafety,   // different entries or changes applied at one index or revision (§5.4.3)
  CommitRegression,     // a commit index went back, within a run or across a restart
  LogContinuity,        // a node persisted, applied or compacted out of order
  StartFailure,         // a node failed to start from a disk with no injected fault
  Linearizability,      // the client history is not linearizable
  ReadConsistency,      // a read returned a state that never was, or broke read-your-writes
  Watch,                // a watch missed, repeated or reordered a change
  ClusterView,          // cluster watches were told of two leaders in a term, or a term going back
  CheckerUnknown,       // the linearizability checker could not decide
  HistoryUnreadable,    // the simulator wrote a history the checker cannot read
  Liveness,             // a connected majority did not commit a write in time
  Convergence,          // after the final heal, the replicas did not converge in time
  NoProgress,           // no client write was acknowledged in the whole run
  Failover,             // after a clean leader fault, no write was acknowledged within four election timeouts
  RefusedMessage,       // a node refused a peer message no honest peer sends (core/raft/refused_message.h)
};

const char* violation_kind_name(ViolationKind kind);
std::optional<ViolationKind> violation_kind_from_name(std::string_view name);

}  // namespace confman::sim
