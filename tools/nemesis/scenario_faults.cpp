#include "tools/nemesis/scenario_faults.h"

#include <algorithm>
#include <map>

namespace confman::nemesis {

namespace {

using sim::TimelineAction;
using sim::TimelineEvent;

constexpr std::int64_t kSlowDiskMs = 50;  // the simulator's slow disk: syncs up to 50 ms longer

std::uint64_t ms(TimeUs us) { return static_cast<std::uint64_t>(us / 1000); }

std::vector<std::size_t> ids(const std::vector<NodeId>& nodes) {
  std::vector<std::size_t> out;
  for (const NodeId node : nodes) out.push_back(static_cast<std::size_t>(node));
  return out;
}

std::vector<std::vector<std::size_t>> groups(const TimelineEvent& event) {
  std::vector<std::vector<std::size_t>> out;
  for (const auto& group : event.groups) out.push_back(ids(group));
  return out;
}

// Walks the timeline, opening faults and closing them at their end events.
class TimelineReader {
 public:
  explicit TimelineReader(const sim::Scenario& scenario) : scenario_(scenario) {}

  Result<std::vector<PlannedFault>, std::string> read() {
    std::vector<TimelineEvent> events = scenario_.timeline;
    std::stable_sort(events.begin(), events.end(),
                     [](const TimelineEvent& a, const TimelineEvent& b) { return a.at_us < b.at_us; });
    for (const TimelineEvent& event : events) {
      if (auto done = add(event); !done) return unexpected(done.error());
    }
    const std::uint64_t end_ms = ms(scenario_.duration_us);
    heal_network(end_ms);
    for (const auto& [node, index] : open_until_restart_) close(index, end_ms);
    return faults_;
  }

 private:
  Result<Done, std::string> add(const TimelineEvent& event) {
    const std::uint64_t at = ms(event.at_us);
    PlannedFault fault;
    fault.at_ms = at;
    fault.node = static_cast<std::size_t>(event.node);
    fault.groups = groups(event);
    switch (event.action) {
      case TimelineAction::Partition: return open_network(FaultKind::Partition, fault);
      case TimelineAction::IsolateLeader: return open_network(FaultKind::IsolateLeader, fault);
      case TimelineAction::OneWay: return open_network(FaultKind::OneWay, fault);
      case TimelineAction::Bridge: return open_network(FaultKind::Bridge, fault);
      case TimelineAction::Flap: return flap(event, fault);
      case TimelineAction::Heal: heal_network(at); return Done{};
      case TimelineAction::Crash: return open_until_restart(FaultKind::Crash, fault);
      case TimelineAction::DiskError: return open_until_restart(FaultKind::DiskError, fault);
      case TimelineAction::Restart:
        if (auto open = open_until_restart_.find(fault.node); open != open_until_restart_.end()) {
          close(open->second, at);
          open_until_restart_.erase(open);
        }
        return Done{};
      case TimelineAction::Pause: return timed(FaultKind::Pause, fault, event.duration_us, 0);
      case TimelineAction::DiskFull: return timed(FaultKind::DiskFull, fault, event.duration_us, 0);
      case TimelineAction::SlowDisk: return timed(FaultKind::SlowDisk, fault, event.duration_us, kSlowDiskMs);
      case TimelineAction::TransferLeader: return timed(FaultKind::TransferLeader, fault, 0, 0);
      case TimelineAction::ClockJump: {
        // Whole seconds: libfaketime's offset file takes seconds.
        const std::int64_t seconds = event.delta_us / 1'000'000;
        const std::int64_t jump_s = seconds != 0 ? seconds : (event.delta_us < 0 ? -1 : 1);
        return timed(FaultKind::ClockJump, fault, scenario_.duration_us - event.at_us, jump_s);
      }
      default:
        return unexpected(std::string("timeline action '") + sim::timeline_action_name(event.action) + "' at " +
                          std::to_string(at) + " ms exists only in the simulator (confman-nemesis cannot do it to "
                                               "a real server)");
    }
  }

  Result<Done, std::string> open_network(FaultKind kind, PlannedFault fault) {
    fault.kind = kind;
    open_network_.push_back(faults_.size());
    faults_.push_back(std::move(fault));
    return Done{};
  }

  // The link goes down for a period and up for a period, until the next
  // heal: each down period is a fault of its own.
  Result<Done, std::string> flap(const TimelineEvent& event, PlannedFault fault) {
    if (event.period_us <= 0) return unexpected(std::string("flap at ") + std::to_string(fault.at_ms) + " ms: no period");
    fault.kind = FaultKind::Bridge;  // groups [[a], [b]]: only a-b is cut
    open_flaps_.push_back({std::move(fault), ms(event.period_us)});
    return Done{};
  }

  Result<Done, std::string> open_until_restart(FaultKind kind, PlannedFault fault) {
    fault.kind = kind;
    if (open_until_restart_.count(fault.node) != 0) return Done{};  // already down
    open_until_restart_[fault.node] = faults_.size();
    faults_.push_back(std::move(fault));
    return Done{};
  }

  Result<Done, std::string> timed(FaultKind kind, PlannedFault fault, TimeUs duration_us, std::int64_t amount) {
    fault.kind = kind;
    fault.duration_ms = std::max<std::uint64_t>(1, ms(duration_us));
    fault.amount = amount;
    faults_.push_back(std::move(fault));
    return Done{};
  }

  void close(std::size_t index, std::uint64_t at_ms) {
    faults_[index].duration_ms = at_ms > faults_[index].at_ms ? at_ms - faults_[index].at_ms : 1;
  }

  void heal_network(std::uint64_t at_ms) {
    for (const std::size_t index : open_network_) close(index, at_ms);
    open_network_.clear();
    for (const Flap& flap : open_flaps_) {
      for (std::uint64_t down = flap.first.at_ms; down < at_ms; down += 2 * flap.period_ms) {
        PlannedFault period = flap.first;
        period.at_ms = down;
        period.duration_ms = std::min(flap.period_ms, at_ms - down);
        faults_.push_back(period);
      }
    }
    open_flaps_.clear();
  }

  struct Flap {
    PlannedFault first;
    std::uint64_t period_ms = 0;
  };

  const sim::Scenario& scenario_;
  std::vector<PlannedFault> faults_;
  std::vector<std::size_t> open_network_;                 // faults_ indexes, until the next heal
  std::vector<Flap> open_flaps_;                          // expanded into down periods at the next heal
  std::map<std::size_t, std::size_t> open_until_restart_;  // node -> faults_ index
};

std::vector<FaultKind> drawn_kinds(const sim::NemesisOptions& nemesis) {
  std::vector<FaultKind> kinds;
  if (nemesis.partitions_per_minute > 0) {
    kinds.insert(kinds.end(), {FaultKind::Partition, FaultKind::IsolateLeader, FaultKind::OneWay, FaultKind::Bridge});
  }
  if (nemesis.crashes_per_minute > 0) kinds.push_back(FaultKind::Crash);
  if (nemesis.pauses_per_minute > 0) kinds.push_back(FaultKind::Pause);
  if (nemesis.clock_jumps_per_minute > 0) kinds.push_back(FaultKind::ClockJump);
  if (nemesis.disk_faults_per_minute > 0) {
    kinds.insert(kinds.end(), {FaultKind::DiskFull, FaultKind::SlowDisk, FaultKind::DiskError});
  }
  return kinds;
}

std::vector<std::string> simulator_only_options(const sim::Scenario& scenario) {
  std::vector<std::string> notes;
  const auto note_if = [&notes](bool set, const char* what) {
    if (set) notes.emplace_back(what);
  };
  note_if(scenario.network.duplicate_ppm > 0, "[network] duplicate: TCP delivers each byte once");
  note_if(scenario.network.corrupt_ppm > 0, "[network] corrupt: TCP's checksum drops what flips in transit");
  note_if(scenario.network.tail_ppm > 0, "[network] tail: the link proxies draw delays uniformly");
  note_if(scenario.clock.max_drift_ppm > 0, "[clock] max_drift_ppm: libfaketime offsets clocks, it does not skew rates");
  note_if(scenario.clock.timer_late_ppm > 0, "[clock] timer_late: real timers are as late as the machine makes them");
  note_if(scenario.workload.watchers > 0 || scenario.workload.cluster_watchers > 0,
          "[workload] watchers: the real workload runs gets, puts and deletes");
  note_if(scenario.workload.cas_weight > 0, "[workload] cas: the real workload runs gets, puts and deletes");
  return notes;
}

}  // namespace

Result<std::vector<PlannedFault>, std::string> timeline_faults(const sim::Scenario& scenario) {
  return TimelineReader(scenario).read();
}

Result<ScenarioTranslation, std::string> apply_scenario(const sim::Scenario& scenario, RunSettings& settings) {
  if (scenario.expect.violation || scenario.workload.unsafe_local_reads) {
    return unexpected("scenario '" + scenario.name +
                      "' expects a violation: it is a simulator canary (the real one is "
                      "confman-server-canary-local-reads, tests/nemesis/nemesis_canary_test.sh)");
  }
  if (scenario.spare_nodes > 0 || scenario.nemesis.membership_changes_per_minute > 0) {
    return unexpected("scenario '" + scenario.name + "' changes membership, which exists only in the simulator");
  }
  auto timeline = timeline_faults(scenario);
  if (!timeline) return unexpected("scenario '" + scenario.name + "': " + timeline.error());
  settings.nodes = static_cast<std::size_t>(scenario.nodes);
  settings.duration_ms = ms(scenario.duration_us);
  settings.clients = static_cast<std::size_t>(std::max(1, scenario.workload.clients));
  settings.keys = static_cast<std::size_t>(std::max(1, scenario.workload.keys));
  settings.server.election_timeout_ms = static_cast<std::uint32_t>(ms(scenario.raft.election_timeout_us));
  settings.server.heartbeat_ms = static_cast<std::uint32_t>(ms(scenario.raft.heartbeat_interval_us));
  settings.baseline_links = {static_cast<std::uint32_t>(scenario.network.delay_min_us / 1000),
                             static_cast<std::uint32_t>((scenario.network.delay_max_us + 999) / 1000),
                             scenario.network.loss_ppm};
  settings.clock_offset_max_s = (scenario.clock.max_offset_us + 999'999) / 1'000'000;
  settings.fault_kinds = drawn_kinds(scenario.nemesis);
  settings.timeline = std::move(*timeline);
  settings.scenario_path = scenario.path;
  return ScenarioTranslation{simulator_only_options(scenario)};
}

}  // namespace confman::nemesis
