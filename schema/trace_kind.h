#pragma once
// The kinds of trace events (sim/trace.h): written by the simulator, read by
// the run page (viz/) and by tests. One type for both sides, so a kind
// renamed in one place cannot silently stop meaning anything in the other.
// Header-only, the standard library only: a schema, below every layer that
// writes or reads traces.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace confman::schema {

enum class TraceKind : std::uint8_t {
  Status,          // a node's role, term, leader or commit index changed
  MembershipView,  // the membership in force on a node changed
  Send,            // a Raft message left a node (to, type, bytes)
  Drop,            // input a paused node could not queue was dropped
  Corrupt,         // the network flipped a bit of a message in flight
  Apply,           // a node applied a log entry (index, term)
  Snapshot,        // a node installed a snapshot (index, term)
  Compact,         // a node's own snapshot is durable; its log starts after `through`
  Fault,           // the nemesis, a timeline or the harness injected or ended a fault
  Corrupted,       // a stored record was corrupted (the record)
  Stopped,         // a node stopped itself after a storage failure (reason)
  StartFailed,     // a node refused to start from its disk (detail)
  DiskFull,        // a node holds a write its disk refused for lack of space
  DiskSpaceBack,   // its disk took a write again
  Membership,      // the operator's membership request settled (action, result)
  Phase,           // the run entered a phase (liveness: the connected quorum)
  Client,          // a client operation completed (client, op, outcome, attempts, read)
  Forward,         // a follower forwarded a request to the leader (to, op)
  Watch,           // a watcher opened, resumed or lost a watch stream (action)
  Repaired,        // the operator cut a damaged log; the node restarts recovering (cut)
  Recovered,       // a recovering node holds the leader's log again and may vote
};

inline constexpr std::array<std::pair<TraceKind, std::string_view>, 21> kTraceKindNames{{
    {TraceKind::Status, "status"},
    {TraceKind::MembershipView, "membership-view"},
    {TraceKind::Send, "send"},
    {TraceKind::Drop, "drop"},
    {TraceKind::Corrupt, "corrupt"},
    {TraceKind::Apply, "apply"},
    {TraceKind::Snapshot, "snapshot"},
    {TraceKind::Compact, "compact"},
    {TraceKind::Fault, "fault"},
    {TraceKind::Corrupted, "corrupted"},
    {TraceKind::Stopped, "stopped"},
    {TraceKind::StartFailed, "start-failed"},
    {TraceKind::DiskFull, "disk-full"},
    {TraceKind::DiskSpaceBack, "disk-space-back"},
    {TraceKind::Membership, "membership"},
    {TraceKind::Phase, "phase"},
    {TraceKind::Client, "client"},
    {TraceKind::Forward, "forward"},
    {TraceKind::Watch, "watch"},
    {TraceKind::Repaired, "repaired"},
    {TraceKind::Recovered, "recovered"},
}};

inline std::string_view trace_kind_name(TraceKind kind) {
  for (const auto& [each, name] : kTraceKindNames) {
    if (each == kind) return name;
  }
  return "unknown";
}

// nullopt for a kind this build does not know (a newer trace, or not a trace).
inline std::optional<TraceKind> trace_kind_from_name(std::string_view name) {
  for (const auto& [kind, each] : kTraceKindNames) {
    if (each == name) return kind;
  }
  return std::nullopt;
}

}  // namespace confman::schema
