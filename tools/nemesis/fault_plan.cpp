#include "tools/nemesis/fault_plan.h"

#include <algorithm>

#include "core/util/random.h"

namespace confman::nemesis {

const char* fault_kind_name(FaultKind kind) {
  switch (kind) {
    case FaultKind::Crash: return "crash";
    case FaultKind::Pause: return "pause";
    case FaultKind::Partition: return "partition";
    case FaultKind::IsolateLeader: return "isolate-leader";
    case FaultKind::OneWay: return "one-way";
    case FaultKind::DiskFull: return "disk-full";
    case FaultKind::SlowDisk: return "slow-disk";
    case FaultKind::DiskError: return "disk-error";
    case FaultKind::ClockJump: return "clock-jump";
  }
  return "unknown";
}

std::optional<FaultKind> fault_kind_from_name(std::string_view name) {
  for (const FaultKind kind : kAllFaultKinds) {
    if (name == fault_kind_name(kind)) return kind;
  }
  return std::nullopt;
}

namespace {

std::string list(const std::vector<std::size_t>& ids) {
  std::string text;
  for (const std::size_t id : ids) text += (text.empty() ? "" : ",") + std::to_string(id);
  return text;
}

// Two sides: a random minority (at least one node) and the rest.
void random_sides(Random& random, std::size_t nodes, PlannedFault& fault) {
  std::vector<std::size_t> ids;
  for (std::size_t id = 1; id <= nodes; ++id) ids.push_back(id);
  for (std::size_t i = ids.size(); i > 1; --i) std::swap(ids[i - 1], ids[random.below(i)]);
  const std::size_t minority = 1 + random.below(std::max<std::size_t>(1, (nodes - 1) / 2));
  fault.side_a.assign(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(minority));
  fault.side_b.assign(ids.begin() + static_cast<std::ptrdiff_t>(minority), ids.end());
  std::sort(fault.side_a.begin(), fault.side_a.end());
  std::sort(fault.side_b.begin(), fault.side_b.end());
}

}  // namespace

std::string PlannedFault::describe() const {
  std::string text = std::string(fault_kind_name(kind)) + "@" + std::to_string(at_ms) + "ms";
  switch (kind) {
    case FaultKind::Crash:
    case FaultKind::Pause:
    case FaultKind::DiskFull:
    case FaultKind::DiskError: text += at_leader ? " leader" : " n" + std::to_string(node); break;
    case FaultKind::SlowDisk:
      text += (at_leader ? " leader" : " n" + std::to_string(node)) + " " + std::to_string(amount) + "ms/sync";
      break;
    case FaultKind::ClockJump:
      text += (at_leader ? " leader" : " n" + std::to_string(node)) + " " + (amount < 0 ? "" : "+") +
              std::to_string(amount) + "s";
      break;
    case FaultKind::Partition: text += " " + list(side_a) + "|" + list(side_b); break;
    case FaultKind::OneWay: text += " " + list(side_a) + "->" + list(side_b); break;
    case FaultKind::IsolateLeader: break;
  }
  return text + " for " + std::to_string(duration_ms) + "ms";
}

std::vector<PlannedFault> plan_faults(const PlanSettings& settings) {
  if (settings.kinds.empty()) return {};
  Random random(derive_seed(settings.seed, 0x6e656d65));  // "neme"
  std::vector<PlannedFault> plan;
  std::uint64_t at = settings.first_fault_ms;
  const auto draw = [&random](std::uint64_t low, std::uint64_t high) {
    return static_cast<std::uint64_t>(random.between(static_cast<std::int64_t>(low), static_cast<std::int64_t>(high)));
  };
  while (at + settings.quiet_tail_ms < settings.duration_ms) {
    PlannedFault fault;
    fault.at_ms = at;
    fault.duration_ms = draw(settings.min_fault_ms, settings.max_fault_ms);
    fault.kind = settings.kinds[random.below(settings.kinds.size())];
    fault.at_leader = random.chance(1, 2);
    fault.node = 1 + random.below(settings.nodes);
    if (fault.kind == FaultKind::Partition || fault.kind == FaultKind::OneWay) {
      random_sides(random, settings.nodes, fault);
    }
    if (fault.kind == FaultKind::SlowDisk) fault.amount = random.between(20, 400);
    if (fault.kind == FaultKind::ClockJump) {
      fault.amount = random.between(30, 3600) * (random.chance(1, 2) ? 1 : -1);
    }
    plan.push_back(fault);
    at += fault.duration_ms + draw(settings.min_gap_ms, settings.max_gap_ms);
  }
  return plan;
}

}  // namespace confman::nemesis
