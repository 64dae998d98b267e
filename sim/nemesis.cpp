#include "sim/nemesis.h"

#include <algorithm>

#include "core/raft/quorum.h"

namespace confman::sim {

namespace {
constexpr std::uint64_t kStreamNemesis = 2;  // derive_seed label (cluster.cpp lists the others)
constexpr TimeUs kNemesisTickUs = 100'000;
constexpr std::uint64_t kNemesisTicksPerMinute = 600;
}  // namespace

Nemesis::Nemesis(const Scenario& scenario, std::uint64_t seed, Cluster& cluster, Operator& ops, EventQueue& queue)
    : scenario_(scenario),
      cluster_(cluster),
      operator_(ops),
      queue_(queue),
      random_(derive_seed(seed, kStreamNemesis)) {
  // A node that stopped itself (fail-stop) or failed a start on a read
  // error is brought back later, as an operator or supervisor would.
  cluster_.on_restart_needed([this](NodeId id) { schedule_restart(id); });
}

void Nemesis::start() {
  for (const TimelineEvent& event : scenario_.timeline) {
    queue_.schedule_at(event.at_us, [this, event] { apply(event); });
  }
  schedule_tick();
}

void Nemesis::record(TimelineEvent event) {
  event.at_us = queue_.now_us();
  if (disturbs(event.action)) {
    // A fault with a duration settles two election timeouts after it ends;
    // a partition, two after the heal that ends it (before_fault checks the
    // links themselves).
    settled_at_us_ = std::max(settled_at_us_, event.at_us + event.duration_us + 2 * scenario_.raft.election_timeout_us);
  }
  if (fault_log_.size() < kMaxFaultLog) fault_log_.push_back(std::move(event));
}

Nemesis::Before Nemesis::before_fault() const {
  Before before{.leader = cluster_.leader(), .revision = cluster_.highest_applied_revision()};
  if (before.leader == kNoNode || queue_.now_us() < settled_at_us_ || cluster_.network().partitioned()) return before;
  before.others_healthy = raft::quorum::majority(cluster_.current_membership(), [&](NodeId voter) {
    return voter != before.leader && cluster_.node_healthy(voter);
  });
  return before;
}

void Nemesis::after_fault(const Before& before, const TimelineEvent& event) {
  if (before.leader == kNoNode || fault_log_.size() >= kMaxFaultLog) return;
  bool struck = event.node == before.leader;
  bool others_connected = true;
  if (event.action == TimelineAction::Partition) {
    // Struck when left in a minority; clean when the others that form a
    // majority share one group.
    const raft::Membership membership = cluster_.current_membership();
    struck = true;
    others_connected = false;
    for (const std::vector<NodeId>& group : event.groups) {
      const bool has_leader = std::find(group.begin(), group.end(), before.leader) != group.end();
      const bool majority = raft::quorum::majority(membership, [&](NodeId voter) {
        return std::find(group.begin(), group.end(), voter) != group.end() && cluster_.node_healthy(voter);
      });
      if (has_leader && majority) struck = false;
      if (!has_leader && majority) others_connected = true;
    }
  }
  if (!struck) return;
  leader_faults_.push_back(LeaderFault{.at_us = event.at_us,
                                       .leader = before.leader,
                                       .action = event.action,
                                       .revision = before.revision,
                                       .log_index = fault_log_.size() - 1,
                                       .clean = before.others_healthy && others_connected});
}

// --- faults ---

void Nemesis::crash(NodeId id) {
  if (!cluster_.node_up(id)) return;
  faults_ += 1;
  const Before before = before_fault();
  record(TimelineEvent{.action = TimelineAction::Crash, .node = id});
  cluster_.crash(id);
  after_fault(before, fault_log_.back());
}

void Nemesis::restart(NodeId id) {
  if (cluster_.node_up(id) || cluster_.disk_lost(id)) return;
  record(TimelineEvent{.action = TimelineAction::Restart, .node = id});
  cluster_.restart(id);
}

void Nemesis::partition(const std::vector<std::vector<NodeId>>& groups) {
  faults_ += 1;
  const Before before = before_fault();
  cluster_.partition(groups);
  record(TimelineEvent{.action = TimelineAction::Partition, .groups = groups});
  after_fault(before, fault_log_.back());
}

void Nemesis::one_way(const std::vector<NodeId>& from, const std::vector<NodeId>& to) {
  faults_ += 1;
  cluster_.one_way(from, to);
  record(TimelineEvent{.action = TimelineAction::OneWay, .groups = {from, to}});
}

void Nemesis::bridge(const std::vector<NodeId>& side_a, const std::vector<NodeId>& side_b, NodeId bridge_node) {
  faults_ += 1;
  cluster_.bridge(side_a, side_b, bridge_node);
  record(TimelineEvent{.action = TimelineAction::Bridge, .groups = {side_a, side_b, {bridge_node}}});
}

void Nemesis::flap(NodeId a, NodeId b, TimeUs period_us) {
  faults_ += 1;
  cluster_.flap(a, b, period_us);
  record(TimelineEvent{.action = TimelineAction::Flap, .groups = {{a}, {b}}, .period_us = period_us});
}

void Nemesis::heal() {
  cluster_.heal();
  record(TimelineEvent{.action = TimelineAction::Heal});
}

void Nemesis::isolate_leader() {
  const NodeId leader = cluster_.leader();
  const NodeId isolated =
      leader != kNoNode ? leader : 1 + random_.below(static_cast<std::uint64_t>(cluster_.node_count()));
  std::vector<NodeId> rest;
  for (NodeId id = 1; id <= static_cast<NodeId>(cluster_.node_count()); ++id) {
    if (id != isolated) rest.push_back(id);
  }
  partition({{isolated}, rest});
}

void Nemesis::pause(NodeId id, TimeUs duration_us) {
  const Before before = before_fault();
  if (!cluster_.pause(id, duration_us)) return;
  faults_ += 1;
  record(TimelineEvent{.action = TimelineAction::Pause, .node = id, .duration_us = duration_us});
  after_fault(before, fault_log_.back());
}

void Nemesis::clock_jump(NodeId id, TimeUs delta_us) {
  faults_ += 1;
  cluster_.clock_jump(id, delta_us);
  record(TimelineEvent{.action = TimelineAction::ClockJump, .node = id, .delta_us = delta_us});
}

void Nemesis::disk_fault(TimelineAction action, NodeId id, TimeUs duration_us) {
  if (cluster_.disk_lost(id)) return;
  faults_ += 1;
  record(TimelineEvent{.action = action, .node = id, .duration_us = duration_us});
  cluster_.disk_fault(action, id, duration_us, random_);
}

void Nemesis::membership_change(TimelineAction action, NodeId node) {
  faults_ += 1;
  cluster_.trace_fault(node, timeline_action_name(action));
  record(TimelineEvent{.action = action, .node = node});
  operator_.request(action, node);
}

void Nemesis::schedule_restart(NodeId id) {
  const NemesisOptions& options = scenario_.nemesis;
  const TimeUs restart_after_us = random_.between(options.restart_after_min_us, options.restart_after_max_us);
  queue_.schedule_after(restart_after_us, [this, id] { restart(id); });
}

// --- the random nemesis ---

void Nemesis::schedule_tick() {
  const NemesisOptions& options = scenario_.nemesis;
  if (options.partitions_per_minute == 0 && options.crashes_per_minute == 0 && options.pauses_per_minute == 0 &&
      options.clock_jumps_per_minute == 0 && options.disk_faults_per_minute == 0 &&
      options.membership_changes_per_minute == 0) {
    return;
  }
  queue_.schedule_after(kNemesisTickUs, [this] {
    if (queue_.now_us() >= scenario_.duration_us) return;  // the safety phase is over
    tick();
    schedule_tick();
  });
}

void Nemesis::tick() {
  const NemesisOptions& options = scenario_.nemesis;
  const auto node_count = static_cast<std::uint64_t>(cluster_.node_count());
  if (!cluster_.network().partitioned() && random_.chance(options.partitions_per_minute, kNemesisTicksPerMinute)) {
    random_network_fault();
    const TimeUs heal_after_us = random_.between(options.heal_after_min_us, options.heal_after_max_us);
    queue_.schedule_after(heal_after_us, [this, generation = cluster_.network_generation()] {
      if (generation == cluster_.network_generation()) heal();  // not already healed or replaced
    });
  }
  if (random_.chance(options.crashes_per_minute, kNemesisTicksPerMinute)) random_crash();
  if (random_.chance(options.pauses_per_minute, kNemesisTicksPerMinute)) {
    const NodeId victim = 1 + random_.below(node_count);
    pause(victim, random_.between(1, options.pause_max_us));
  }
  if (random_.chance(options.disk_faults_per_minute, kNemesisTicksPerMinute)) random_disk_fault();
  if (random_.chance(options.clock_jumps_per_minute, kNemesisTicksPerMinute)) {
    const NodeId victim = 1 + random_.below(node_count);
    clock_jump(victim, random_.between(-options.clock_jump_max_us, options.clock_jump_max_us));
  }
  // The operator's own stream: scenarios without membership changes draw as before.
  if (operator_.change_due(options.membership_changes_per_minute, kNemesisTicksPerMinute)) {
    if (const auto change = operator_.draw_change()) membership_change(change->first, change->second);
  }
}

std::vector<std::vector<NodeId>> Nemesis::random_halves() {
  std::vector<NodeId> shuffled;
  for (NodeId id = 1; id <= static_cast<NodeId>(cluster_.node_count()); ++id) shuffled.push_back(id);
  for (std::size_t i = shuffled.size(); i > 1; --i) std::swap(shuffled[i - 1], shuffled[random_.below(i)]);
  const std::size_t cut = 1 + random_.below(shuffled.size() - 1);
  std::vector<NodeId> a(shuffled.begin(), shuffled.begin() + static_cast<std::ptrdiff_t>(cut));
  std::vector<NodeId> b(shuffled.begin() + static_cast<std::ptrdiff_t>(cut), shuffled.end());
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return {a, b};
}

void Nemesis::random_network_fault() {
  const std::vector<std::vector<NodeId>> halves = random_halves();
  const auto node_count = static_cast<std::uint64_t>(cluster_.node_count());
  switch (random_.below(5)) {
    case 0: partition(halves); break;
    case 1: isolate_leader(); break;
    case 2: one_way(halves[0], halves[1]); break;
    case 3: {
      // A bridge needs a node on each side besides the bridge itself.
      if (node_count < 3) {
        partition(halves);
        break;
      }
      std::vector<NodeId> side_a = halves[0];
      std::vector<NodeId> side_b = halves[1];
      std::vector<NodeId>& larger = side_a.size() >= side_b.size() ? side_a : side_b;
      const NodeId bridge_node = larger.back();
      larger.pop_back();
      bridge(side_a, side_b, bridge_node);
      break;
    }
    default: {
      const NodeId a = 1 + random_.below(node_count);
      const NodeId b = 1 + (a + random_.below(node_count - 1)) % node_count;
      flap(a, b, random_.between(20'000, 500'000));
      break;
    }
  }
}

void Nemesis::random_disk_fault() {
  const NodeId victim = 1 + random_.below(static_cast<std::uint64_t>(cluster_.node_count()));
  const TimeUs duration_us = random_.between(1, scenario_.nemesis.disk_fault_max_us);
  switch (random_.below(5)) {
    case 0: disk_fault(TimelineAction::DiskError, victim, 0); break;
    case 1: disk_fault(TimelineAction::DiskFull, victim, duration_us); break;
    case 2: disk_fault(TimelineAction::SlowDisk, victim, duration_us); break;
    case 3: disk_fault(TimelineAction::ReadError, victim, 0); break;
    default: {
      // Corrupt at most a minority of the voters' disks, leaving room for
      // one more failure: the cluster must keep a quorum of intact replicas
      // to survive at all. A non-voter's disk does not count.
      const raft::Membership membership = cluster_.current_membership();
      std::size_t corrupted_voters = 0;
      for (NodeId voter : membership.voters) corrupted_voters += cluster_.corrupted(voter) ? 1 : 0;
      const bool harmless = cluster_.corrupted(victim) || !membership.is_voter(victim);
      if (harmless || corrupted_voters + 1 <= (membership.voters.size() - 1) / 2) {
        disk_fault(random_.below(2) == 0 ? TimelineAction::Corrupt : TimelineAction::DamageTail, victim, 0);
      }
      break;
    }
  }
}

void Nemesis::random_crash() {
  const NemesisOptions& options = scenario_.nemesis;
  // Crash at most a minority of the voters at once, so the cluster can
  // still make progress.
  const raft::Membership membership = cluster_.current_membership();
  std::vector<NodeId> up;
  for (NodeId id = 1; id <= static_cast<NodeId>(cluster_.node_count()); ++id) {
    if (cluster_.node_up(id)) up.push_back(id);
  }
  std::size_t voters_down = 0;
  for (NodeId voter : membership.voters) voters_down += cluster_.node_up(voter) ? 0 : 1;
  if (up.empty()) return;
  const NodeId victim = up[random_.below(up.size())];
  if (membership.is_voter(victim) && voters_down + 1 > (membership.voters.size() - 1) / 2) return;
  crash(victim);
  const TimeUs restart_after_us = random_.between(options.restart_after_min_us, options.restart_after_max_us);
  queue_.schedule_after(restart_after_us, [this, victim] { restart(victim); });
}

void Nemesis::apply(const TimelineEvent& event) {
  switch (event.action) {
    case TimelineAction::Partition: partition(event.groups); break;
    case TimelineAction::Heal: heal(); break;
    case TimelineAction::Crash: crash(event.node); break;
    case TimelineAction::Restart: restart(event.node); break;
    case TimelineAction::IsolateLeader: isolate_leader(); break;
    case TimelineAction::OneWay: one_way(event.groups[0], event.groups[1]); break;
    case TimelineAction::Bridge: bridge(event.groups[0], event.groups[1], event.groups[2][0]); break;
    case TimelineAction::Flap: flap(event.groups[0][0], event.groups[1][0], event.period_us); break;
    case TimelineAction::Pause: pause(event.node, event.duration_us); break;
    case TimelineAction::ClockJump: clock_jump(event.node, event.delta_us); break;
    case TimelineAction::DiskError:
    case TimelineAction::DiskFull:
    case TimelineAction::Corrupt:
    case TimelineAction::DamageTail:
    case TimelineAction::SlowDisk:
    case TimelineAction::ReadError: disk_fault(event.action, event.node, event.duration_us); break;
    case TimelineAction::AddLearner:
    case TimelineAction::AddVoter:
    case TimelineAction::Promote:
    case TimelineAction::Remove:
    case TimelineAction::TransferLeader: membership_change(event.action, event.node); break;
  }
}

}  // namespace confman::sim
