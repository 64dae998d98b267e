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
    case FaultKind::Bridge: return "bridge";
    case FaultKind::LossyLinks: return "lossy-links";
    case FaultKind::TransferLeader: return "transfer-leader";
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

std::string list(const std::vector<std::vector<std::size_t>>& groups, const char* between) {
  std::string text;
  for (const auto& group : groups) text += (text.empty() ? "" : between) + list(group);
  return text;
}

std::vector<std::size_t> shuffled_ids(Random& random, std::size_t nodes) {
  std::vector<std::size_t> ids;
  for (std::size_t id = 1; id <= nodes; ++id) ids.push_back(id);
  for (std::size_t i = ids.size(); i > 1; --i) std::swap(ids[i - 1], ids[random.below(i)]);
  return ids;
}

std::vector<std::size_t> sorted_slice(const std::vector<std::size_t>& ids, std::size_t from, std::size_t to) {
  std::vector<std::size_t> slice(ids.begin() + static_cast<std::ptrdiff_t>(from),
                                 ids.begin() + static_cast<std::ptrdiff_t>(to));
  std::sort(slice.begin(), slice.end());
  return slice;
}

// Two sides: a random minority (at least one node) and the rest.
void random_sides(Random& random, std::size_t nodes, PlannedFault& fault) {
  const std::vector<std::size_t> ids = shuffled_ids(random, nodes);
  const std::size_t minority = 1 + random.below(std::max<std::size_t>(1, (nodes - 1) / 2));
  fault.groups = {sorted_slice(ids, 0, minority), sorted_slice(ids, minority, nodes)};
}

// A bridge: one node x, and the others split in two non-empty sides.
void random_bridge(Random& random, std::size_t nodes, PlannedFault& fault) {
  const std::vector<std::size_t> ids = shuffled_ids(random, nodes);
  const std::size_t side_a = 1 + random.below(nodes - 2);
  fault.groups = {sorted_slice(ids, 1, 1 + side_a), sorted_slice(ids, 1 + side_a, nodes), {ids[0]}};
}

std::size_t group_of(const std::vector<std::vector<std::size_t>>& groups, std::size_t id) {
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (std::count(groups[g].begin(), groups[g].end(), id) != 0) return g;
  }
  return groups.size();
}

}  // namespace

bool PlannedFault::on_a_node() const {
  return kind != FaultKind::Partition && kind != FaultKind::OneWay && kind != FaultKind::IsolateLeader &&
         kind != FaultKind::Bridge;
}

std::string PlannedFault::describe() const {
  std::string text = std::string(fault_kind_name(kind)) + "@" + std::to_string(at_ms) + "ms";
  switch (kind) {
    case FaultKind::Crash:
    case FaultKind::Pause:
    case FaultKind::DiskFull:
    case FaultKind::DiskError:
    case FaultKind::TransferLeader: text += at_leader ? " leader" : " n" + std::to_string(node); break;
    case FaultKind::SlowDisk:
      text += (at_leader ? " leader" : " n" + std::to_string(node)) + " " + std::to_string(amount) + "ms/sync";
      break;
    case FaultKind::ClockJump:
      text += (at_leader ? " leader" : " n" + std::to_string(node)) + " " + (amount < 0 ? "" : "+") +
              std::to_string(amount) + "s";
      break;
    case FaultKind::LossyLinks:
      text += (at_leader ? " leader" : " n" + std::to_string(node)) + " <=" + std::to_string(amount) + "ms";
      break;
    case FaultKind::Partition: text += " " + list(groups, "|"); break;
    case FaultKind::OneWay: text += " " + list(groups, "->"); break;
    case FaultKind::Bridge: text += " " + list(groups, "|") + "(bridge)"; break;
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
    if (fault.kind == FaultKind::Bridge) random_bridge(random, settings.nodes, fault);
    if (fault.kind == FaultKind::SlowDisk) fault.amount = random.between(20, 400);
    if (fault.kind == FaultKind::LossyLinks) fault.amount = random.between(20, 200);
    if (fault.kind == FaultKind::ClockJump) {
      fault.amount = random.between(30, 3600) * (random.chance(1, 2) ? 1 : -1);
    }
    plan.push_back(fault);
    at += fault.duration_ms + draw(settings.min_gap_ms, settings.max_gap_ms);
  }
  return plan;
}

std::vector<std::pair<std::size_t, std::size_t>> links_cut(const PlannedFault& fault, std::size_t nodes,
                                                           std::size_t leader) {
  std::vector<std::pair<std::size_t, std::size_t>> cut;
  const auto each_pair = [&](auto cuts) {
    for (std::size_t a = 1; a <= nodes; ++a) {
      for (std::size_t b = 1; b <= nodes; ++b) {
        if (a != b && cuts(a, b)) cut.emplace_back(a, b);
      }
    }
  };
  const auto in = [&fault](std::size_t g, std::size_t id) {
    return g < fault.groups.size() && std::count(fault.groups[g].begin(), fault.groups[g].end(), id) != 0;
  };
  switch (fault.kind) {
    case FaultKind::Partition:
      each_pair([&](std::size_t a, std::size_t b) {
        const std::size_t group = group_of(fault.groups, a);
        return group == fault.groups.size() || group != group_of(fault.groups, b);
      });
      break;
    case FaultKind::OneWay: each_pair([&](std::size_t a, std::size_t b) { return in(0, a) && in(1, b); }); break;
    case FaultKind::Bridge:
      each_pair([&](std::size_t a, std::size_t b) { return (in(0, a) && in(1, b)) || (in(1, a) && in(0, b)); });
      break;
    case FaultKind::IsolateLeader:
      if (leader != 0) each_pair([&](std::size_t a, std::size_t b) { return a == leader || b == leader; });
      break;
    default: break;
  }
  return cut;
}

std::vector<ScheduleStep> schedule_steps(const std::vector<PlannedFault>& faults) {
  std::vector<ScheduleStep> steps;
  for (std::size_t i = 0; i < faults.size(); ++i) {
    steps.push_back({faults[i].at_ms, i, true});
    steps.push_back({faults[i].at_ms + faults[i].duration_ms, i, false});
  }
  std::stable_sort(steps.begin(), steps.end(), [](const ScheduleStep& a, const ScheduleStep& b) {
    return a.at_ms != b.at_ms ? a.at_ms < b.at_ms : (!a.begins && b.begins);
  });
  return steps;
}

}  // namespace confman::nemesis
