#include "sim/violation_kind.h"

#include <array>

namespace confman::sim {

namespace {
constexpr std::array kAll{ViolationKind::None,          ViolationKind::ElectionSafety,
                          ViolationKind::LogMatching,   ViolationKind::LeaderCompleteness,
                          ViolationKind::StateMachineSafety, ViolationKind::CommitRegression,
                          ViolationKind::LogContinuity, ViolationKind::StartFailure,
                          ViolationKind::Linearizability, ViolationKind::ReadConsistency,
                          ViolationKind::Watch,         ViolationKind::ClusterView,
                          ViolationKind::CheckerUnknown,
                          ViolationKind::HistoryUnreadable, ViolationKind::Liveness,
                          ViolationKind::Convergence,   ViolationKind::NoProgress,
                          ViolationKind::Failover,      ViolationKind::RefusedMessage};
}  // namespace

const char* violation_kind_name(ViolationKind kind) {
  switch (kind) {
    case ViolationKind::None: return "none";
    case ViolationKind::ElectionSafety: return "election-safety";
    case ViolationKind::LogMatching: return "log-matching";
    case ViolationKind::LeaderCompleteness: return "leader-completeness";
    case ViolationKind::StateMachineSafety: return "state-machine-safety";
    case ViolationKind::CommitRegression: return "commit-regression";
    case ViolationKind::LogContinuity: return "log-continuity";
    case ViolationKind::StartFailure: return "start-failure";
    case ViolationKind::Linearizability: return "linearizability";
    case ViolationKind::ReadConsistency: return "read-consistency";
    case ViolationKind::Watch: return "watch";
    case ViolationKind::ClusterView: return "cluster-view";
    case ViolationKind::CheckerUnknown: return "checker-unknown";
    case ViolationKind::HistoryUnreadable: return "history-unreadable";
    case ViolationKind::Liveness: return "liveness";
    case ViolationKind::Convergence: return "convergence";
    case ViolationKind::NoProgress: return "no-progress";
    case ViolationKind::Failover: return "failover";
    case ViolationKind::RefusedMessage: return "refused-message";
  }
  return "unknown";
}

std::optional<ViolationKind> violation_kind_from_name(std::string_view name) {
  for (ViolationKind kind : kAll) {
    if (name == violation_kind_name(kind)) return kind;
  }
  return std::nullopt;
}

}  // namespace confman::sim
