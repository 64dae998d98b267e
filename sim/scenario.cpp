#include "sim/scenario.h"

#include "sim/scenario_text.h"

#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <toml.hpp>

namespace confman::sim {

const char* timeline_action_name(TimelineAction action) {
  switch (action) {
    case TimelineAction::Partition: return "partition";
    case TimelineAction::Heal: return "heal";
    case TimelineAction::Crash: return "crash";
    case TimelineAction::Restart: return "restart";
    case TimelineAction::IsolateLeader: return "isolate-leader";
    case TimelineAction::OneWay: return "one-way";
    case TimelineAction::Bridge: return "bridge";
    case TimelineAction::Flap: return "flap";
    case TimelineAction::Pause: return "pause";
    case TimelineAction::ClockJump: return "clock-jump";
    case TimelineAction::DiskError: return "disk-error";
    case TimelineAction::DiskFull: return "disk-full";
    case TimelineAction::Corrupt: return "corrupt";
    case TimelineAction::DamageTail: return "damage-tail";
    case TimelineAction::SlowDisk: return "slow-disk";
    case TimelineAction::ReadError: return "read-error";
    case TimelineAction::AddLearner: return "add-learner";
    case TimelineAction::AddVoter: return "add-voter";
    case TimelineAction::Promote: return "promote";
    case TimelineAction::Remove: return "remove";
    case TimelineAction::TransferLeader: return "transfer-leader";
  }
  return "unknown";
}

std::optional<TimelineAction> timeline_action_from_name(std::string_view name) {
  for (auto action : {TimelineAction::Partition, TimelineAction::Heal, TimelineAction::Crash, TimelineAction::Restart,
                      TimelineAction::IsolateLeader, TimelineAction::OneWay, TimelineAction::Bridge,
                      TimelineAction::Flap, TimelineAction::Pause, TimelineAction::ClockJump,
                      TimelineAction::DiskError, TimelineAction::DiskFull, TimelineAction::Corrupt,
                      TimelineAction::DamageTail, TimelineAction::SlowDisk, TimelineAction::ReadError, TimelineAction::AddLearner,
                      TimelineAction::AddVoter, TimelineAction::Promote, TimelineAction::Remove,
                      TimelineAction::TransferLeader}) {
    if (name == timeline_action_name(action)) return action;
  }
  return std::nullopt;
}

namespace {

constexpr int kMaxNodes = 7;        // founding voters
constexpr int kMaxTotalNodes = 9;   // with the spare nodes
constexpr int kMaxClients = 256;
constexpr int kMaxWatchers = 64;
constexpr int kMaxKeys = 10'000;
constexpr std::size_t kMaxTimelineEvents = 10'000;
constexpr double kMaxDurationMs = 24.0 * 3600 * 1000;

// Raised inside the parser; turned into a ScenarioError at the boundary.
struct ScenarioProblem {
  std::string message;
};

[[noreturn]] void reject(const toml::value& where, const std::string& reason) {
  const auto location = where.location();
  throw ScenarioProblem{location.file_name() + ":" + std::to_string(location.line()) + ": " + reason};
}

void require_known_keys(const toml::value& table, const std::set<std::string>& known, const std::string& section) {
  for (const auto& [key, value] : table.as_table()) {
    if (!known.contains(key)) {
      std::string allowed;
      for (const auto& name : known) allowed += (allowed.empty() ? "" : ", ") + name;
      reject(value, "unknown field '" + key + "' in " + section + " (allowed: " + allowed + ")");
    }
  }
}

double number(const toml::value& value, const std::string& name) {
  if (value.is_integer()) return static_cast<double>(value.as_integer());
  if (value.is_floating()) return value.as_floating();
  reject(value, "'" + name + "' must be a number");
}

std::int64_t integer_in(const toml::value& table, const std::string& name, std::int64_t low, std::int64_t high,
                        std::int64_t fallback) {
  if (!table.contains(name)) return fallback;
  const toml::value& value = table.at(name);
  if (!value.is_integer()) reject(value, "'" + name + "' must be an integer");
  const std::int64_t result = value.as_integer();
  if (result < low || result > high) {
    reject(value, "'" + name + "' must be between " + std::to_string(low) + " and " + std::to_string(high) +
                      ", not " + std::to_string(result));
  }
  return result;
}

// Milliseconds in the file (integer or fractional) -> microseconds.
TimeUs millis_in(const toml::value& table, const std::string& name, double low_ms, double high_ms, TimeUs fallback_us) {
  if (!table.contains(name)) return fallback_us;
  const toml::value& value = table.at(name);
  const double ms = number(value, name);
  if (!(ms >= low_ms && ms <= high_ms)) {
    std::ostringstream message;
    message << "'" << name << "' must be between " << low_ms << " and " << high_ms << " ms, not " << ms;
    reject(value, message.str());
  }
  return static_cast<TimeUs>(std::llround(ms * 1000.0));
}

std::uint32_t probability_in(const toml::value& table, const std::string& name) {
  if (!table.contains(name)) return 0;
  const toml::value& value = table.at(name);
  const double p = number(value, name);
  if (!(p >= 0.0 && p <= 1.0)) reject(value, "'" + name + "' is a probability and must be between 0 and 1");
  return static_cast<std::uint32_t>(std::llround(p * kPpm));
}

void require_ordered(const toml::value& table, const std::string& low, const std::string& high, TimeUs low_us,
                     TimeUs high_us) {
  if (low_us > high_us) reject(table.contains(high) ? table.at(high) : table, "'" + low + "' must not exceed '" + high + "'");
}

void parse_raft(const toml::value& root, Scenario& scenario) {
  if (!root.contains("raft")) return;
  const toml::value& raft = root.at("raft");
  require_known_keys(raft,
                     {"election_timeout_ms", "heartbeat_interval_ms", "snapshot_threshold_entries",
                      "snapshot_trailing_entries", "snapshot_log_ratio_percent", "snapshot_threshold_bytes",
                      "snapshot_trailing_bytes"},
                     "[raft]");
  scenario.raft.snapshot_threshold_entries = static_cast<std::size_t>(integer_in(
      raft, "snapshot_threshold_entries", 0, 100'000'000, static_cast<std::int64_t>(scenario.raft.snapshot_threshold_entries)));
  scenario.raft.snapshot_trailing_entries = static_cast<std::size_t>(integer_in(
      raft, "snapshot_trailing_entries", 0, 100'000'000, static_cast<std::int64_t>(scenario.raft.snapshot_trailing_entries)));
  scenario.raft.snapshot_threshold_bytes = static_cast<std::uint64_t>(
      integer_in(raft, "snapshot_threshold_bytes", 0, std::int64_t{1} << 40, 0));
  scenario.raft.snapshot_trailing_bytes = static_cast<std::uint64_t>(
      integer_in(raft, "snapshot_trailing_bytes", 0, std::int64_t{1} << 40, 0));
  scenario.raft.snapshot_log_ratio_percent =
      static_cast<std::uint32_t>(integer_in(raft, "snapshot_log_ratio_percent", 0, 100'000, 0));
  scenario.raft.election_timeout_us = millis_in(raft, "election_timeout_ms", 10, 60'000, scenario.raft.election_timeout_us);
  scenario.raft.heartbeat_interval_us = millis_in(raft, "heartbeat_interval_ms", 1, 60'000, scenario.raft.heartbeat_interval_us);
  if (scenario.raft.heartbeat_interval_us >= scenario.raft.election_timeout_us) {
    reject(raft, "'heartbeat_interval_ms' must be below 'election_timeout_ms'");
  }
}

void parse_network(const toml::value& root, Scenario& scenario) {
  if (!root.contains("network")) return;
  const toml::value& network = root.at("network");
  require_known_keys(network,
                     {"delay_min_ms", "delay_max_ms", "loss", "duplicate", "corrupt", "tail", "tail_base_ms",
                      "tail_max_ms"},
                     "[network]");
  NetworkOptions& options = scenario.network;
  options.delay_min_us = millis_in(network, "delay_min_ms", 0, 60'000, options.delay_min_us);
  options.delay_max_us = millis_in(network, "delay_max_ms", 0, 60'000, options.delay_max_us);
  require_ordered(network, "delay_min_ms", "delay_max_ms", options.delay_min_us, options.delay_max_us);
  options.loss_ppm = probability_in(network, "loss");
  options.duplicate_ppm = probability_in(network, "duplicate");
  options.corrupt_ppm = probability_in(network, "corrupt");
  options.tail_ppm = probability_in(network, "tail");
  options.tail_base_us = millis_in(network, "tail_base_ms", 0, 600'000, options.tail_base_us);
  options.tail_max_us = millis_in(network, "tail_max_ms", 0, 600'000, options.tail_max_us);
  require_ordered(network, "tail_base_ms", "tail_max_ms", options.tail_base_us, options.tail_max_us);
}

void parse_storage(const toml::value& root, Scenario& scenario) {
  if (!root.contains("storage")) return;
  const toml::value& storage = root.at("storage");
  require_known_keys(storage, {"sync_min_ms", "sync_max_ms"}, "[storage]");
  scenario.storage.sync_min_us = millis_in(storage, "sync_min_ms", 0, 60'000, scenario.storage.sync_min_us);
  scenario.storage.sync_max_us = millis_in(storage, "sync_max_ms", 0, 60'000, scenario.storage.sync_max_us);
  require_ordered(storage, "sync_min_ms", "sync_max_ms", scenario.storage.sync_min_us, scenario.storage.sync_max_us);
}

void parse_clock(const toml::value& root, Scenario& scenario) {
  if (!root.contains("clock")) return;
  const toml::value& clock = root.at("clock");
  require_known_keys(clock, {"max_offset_ms", "max_drift_ppm", "timer_late", "timer_late_max_ms"}, "[clock]");
  scenario.clock.max_offset_us = millis_in(clock, "max_offset_ms", 0, 3'600'000, 0);
  scenario.clock.max_drift_ppm = integer_in(clock, "max_drift_ppm", 0, 100'000, 0);
  scenario.clock.timer_late_ppm = probability_in(clock, "timer_late");
  scenario.clock.timer_late_max_us = millis_in(clock, "timer_late_max_ms", 0, 600'000, 0);
}

void parse_read_consistency(const toml::value& value, WorkloadOptions& options) {
  if (!value.is_string()) reject(value, "'read_consistency' must be a string");
  const std::string& mode = value.as_string();
  options.linearizable_read_weight = mode == "linearizable" ? 1 : 0;
  options.read_your_writes_weight = mode == "read-your-writes" ? 1 : 0;
  options.stale_read_weight = mode == "stale" ? 1 : 0;
  options.unsafe_local_reads = mode == "unsafe-local";
  if (options.unsafe_local_reads) options.stale_read_weight = 1;
  if (options.linearizable_read_weight + options.read_your_writes_weight + options.stale_read_weight == 0) {
    reject(value, "'read_consistency' must be \"linearizable\", \"read-your-writes\", \"stale\" or "
                  "\"unsafe-local\", not \"" + mode + "\"");
  }
}

void parse_reads(const toml::value& reads, WorkloadOptions& options) {
  if (!reads.is_table()) {
    reject(reads, "'reads' must be a table like { linearizable = 60, read_your_writes = 25, stale = 15 }");
  }
  require_known_keys(reads, {"linearizable", "read_your_writes", "stale"}, "workload.reads");
  options.linearizable_read_weight = static_cast<std::uint32_t>(integer_in(reads, "linearizable", 0, 1'000'000, 0));
  options.read_your_writes_weight = static_cast<std::uint32_t>(integer_in(reads, "read_your_writes", 0, 1'000'000, 0));
  options.stale_read_weight = static_cast<std::uint32_t>(integer_in(reads, "stale", 0, 1'000'000, 0));
  if (options.linearizable_read_weight + options.read_your_writes_weight + options.stale_read_weight == 0) {
    reject(reads, "'reads' needs at least one positive weight");
  }
}

void parse_mix(const toml::value& mix, WorkloadOptions& options) {
  if (!mix.is_table()) reject(mix, "'mix' must be a table like { get = 40, put = 30, delete = 10, cas = 20 }");
  require_known_keys(mix, {"get", "put", "delete", "cas"}, "workload.mix");
  options.get_weight = static_cast<std::uint32_t>(integer_in(mix, "get", 0, 1'000'000, 0));
  options.put_weight = static_cast<std::uint32_t>(integer_in(mix, "put", 0, 1'000'000, 0));
  options.delete_weight = static_cast<std::uint32_t>(integer_in(mix, "delete", 0, 1'000'000, 0));
  options.cas_weight = static_cast<std::uint32_t>(integer_in(mix, "cas", 0, 1'000'000, 0));
  if (options.get_weight + options.put_weight + options.delete_weight + options.cas_weight == 0) {
    reject(mix, "'mix' needs at least one positive weight");
  }
}

void parse_workload(const toml::value& root, Scenario& scenario) {
  if (!root.contains("workload")) return;
  const toml::value& workload = root.at("workload");
  require_known_keys(workload,
                     {"clients", "keys", "think_min_ms", "think_max_ms", "mix", "read_consistency", "reads",
                      "redirects", "any_node", "watchers", "cluster_watchers", "attempt_timeout_ms", "op_timeout_ms"},
                     "[workload]");
  WorkloadOptions& options = scenario.workload;
  options.clients = static_cast<int>(integer_in(workload, "clients", 0, kMaxClients, options.clients));
  options.keys = static_cast<int>(integer_in(workload, "keys", 1, kMaxKeys, options.keys));
  options.think_min_us = millis_in(workload, "think_min_ms", 0, 600'000, options.think_min_us);
  options.think_max_us = millis_in(workload, "think_max_ms", 0, 600'000, options.think_max_us);
  require_ordered(workload, "think_min_ms", "think_max_ms", options.think_min_us, options.think_max_us);
  if (workload.contains("mix")) parse_mix(workload.at("mix"), options);
  if (workload.contains("reads") && workload.contains("read_consistency")) {
    reject(workload.at("reads"), "'reads' and 'read_consistency' cannot both be set");
  }
  if (workload.contains("reads")) parse_reads(workload.at("reads"), options);
  if (workload.contains("read_consistency")) parse_read_consistency(workload.at("read_consistency"), options);
  if (workload.contains("redirects")) options.redirect_ppm = probability_in(workload, "redirects");
  if (workload.contains("any_node")) options.any_node_ppm = probability_in(workload, "any_node");
  options.watchers = static_cast<int>(integer_in(workload, "watchers", 0, kMaxWatchers, options.watchers));
  options.cluster_watchers =
      static_cast<int>(integer_in(workload, "cluster_watchers", 0, kMaxWatchers, options.cluster_watchers));
  options.attempt_timeout_us = millis_in(workload, "attempt_timeout_ms", 1, 600'000, options.attempt_timeout_us);
  options.op_timeout_us = millis_in(workload, "op_timeout_ms", 1, 3'600'000, options.op_timeout_us);
}

std::pair<TimeUs, TimeUs> range_in(const toml::value& table, const std::string& name, std::pair<TimeUs, TimeUs> fallback) {
  if (!table.contains(name)) return fallback;
  const toml::value& value = table.at(name);
  if (!value.is_array() || value.as_array().size() != 2) reject(value, "'" + name + "' must be [min_ms, max_ms]");
  const auto low = static_cast<TimeUs>(std::llround(number(value.as_array()[0], name) * 1000.0));
  const auto high = static_cast<TimeUs>(std::llround(number(value.as_array()[1], name) * 1000.0));
  if (low < 0 || low > high) reject(value, "'" + name + "' must be [min_ms, max_ms] with 0 <= min <= max");
  return {low, high};
}

void parse_nemesis(const toml::value& root, Scenario& scenario) {
  if (!root.contains("nemesis")) return;
  const toml::value& nemesis = root.at("nemesis");
  require_known_keys(nemesis,
                     {"partitions_per_minute", "crashes_per_minute", "pauses_per_minute", "clock_jumps_per_minute",
                      "disk_faults_per_minute", "membership_changes_per_minute", "heal_after_ms", "restart_after_ms", "pause_max_ms",
                      "clock_jump_max_ms", "disk_fault_max_ms"},
                     "[nemesis]");
  NemesisOptions& options = scenario.nemesis;
  options.partitions_per_minute = static_cast<std::uint32_t>(integer_in(nemesis, "partitions_per_minute", 0, 600, 0));
  options.crashes_per_minute = static_cast<std::uint32_t>(integer_in(nemesis, "crashes_per_minute", 0, 600, 0));
  options.pauses_per_minute = static_cast<std::uint32_t>(integer_in(nemesis, "pauses_per_minute", 0, 600, 0));
  options.clock_jumps_per_minute = static_cast<std::uint32_t>(integer_in(nemesis, "clock_jumps_per_minute", 0, 600, 0));
  options.disk_faults_per_minute = static_cast<std::uint32_t>(integer_in(nemesis, "disk_faults_per_minute", 0, 600, 0));
  options.membership_changes_per_minute =
      static_cast<std::uint32_t>(integer_in(nemesis, "membership_changes_per_minute", 0, 600, 0));
  options.disk_fault_max_us = millis_in(nemesis, "disk_fault_max_ms", 1, 600'000, options.disk_fault_max_us);
  options.pause_max_us = millis_in(nemesis, "pause_max_ms", 1, 600'000, options.pause_max_us);
  options.clock_jump_max_us = millis_in(nemesis, "clock_jump_max_ms", 1, 3'600'000, options.clock_jump_max_us);
  std::tie(options.heal_after_min_us, options.heal_after_max_us) =
      range_in(nemesis, "heal_after_ms", {options.heal_after_min_us, options.heal_after_max_us});
  std::tie(options.restart_after_min_us, options.restart_after_max_us) =
      range_in(nemesis, "restart_after_ms", {options.restart_after_min_us, options.restart_after_max_us});
}

NodeId node_id_in(const toml::value& value, int nodes) {
  if (!value.is_integer() || value.as_integer() < 1 || value.as_integer() > nodes) {
    reject(value, "node ids are integers from 1 to " + std::to_string(nodes));
  }
  return static_cast<NodeId>(value.as_integer());
}

std::vector<std::vector<NodeId>> groups_in(const toml::value& item, const std::string& action, const Scenario& scenario,
                                           std::size_t min_groups, std::size_t max_groups) {
  if (!item.contains("groups") || !item.at("groups").is_array()) {
    reject(item, "'" + action + "' needs 'groups', e.g. [[1, 2], [3]]");
  }
  const auto& array = item.at("groups").as_array();
  if (array.size() < min_groups || array.size() > max_groups) {
    reject(item.at("groups"), "'" + action + "' takes " + std::to_string(min_groups) +
                                  (min_groups == max_groups ? "" : " to " + std::to_string(max_groups)) + " groups");
  }
  std::vector<std::vector<NodeId>> groups;
  std::set<NodeId> seen;
  for (const toml::value& group : array) {
    if (!group.is_array()) reject(group, "each group is an array of node ids");
    std::vector<NodeId> ids;
    for (const toml::value& id : group.as_array()) {
      const NodeId node = node_id_in(id, scenario.total_nodes());
      if (!seen.insert(node).second) reject(id, "node " + std::to_string(node) + " is in two groups");
      ids.push_back(node);
    }
    groups.push_back(std::move(ids));
  }
  return groups;
}

TimelineEvent parse_timeline_event(const toml::value& item, const Scenario& scenario) {
  if (!item.is_table()) reject(item, "each [[timeline]] entry must be a table");
  require_known_keys(item, {"at_ms", "action", "groups", "node", "duration_ms", "period_ms", "delta_ms"},
                     "[[timeline]]");
  TimelineEvent event;
  if (!item.contains("at_ms")) reject(item, "a [[timeline]] entry needs 'at_ms'");
  event.at_us = millis_in(item, "at_ms", 0, kMaxDurationMs, 0);
  if (!item.contains("action") || !item.at("action").is_string()) reject(item, "a [[timeline]] entry needs 'action' (a string)");
  const std::string& action = item.at("action").as_string();
  const auto found = timeline_action_from_name(action);
  if (!found) {
    reject(item.at("action"),
           "unknown action '" + action +
               "' (partition, heal, crash, restart, isolate-leader, one-way, bridge, flap, pause, clock-jump, "
               "disk-error, disk-full, corrupt, damage-tail, slow-disk, read-error, add-learner, add-voter, promote, remove, "
               "transfer-leader)");
  }
  event.action = *found;
  switch (event.action) {
    case TimelineAction::Partition: event.groups = groups_in(item, action, scenario, 1, kMaxTotalNodes); break;
    case TimelineAction::OneWay: event.groups = groups_in(item, action, scenario, 2, 2); break;
    case TimelineAction::Bridge:
      event.groups = groups_in(item, action, scenario, 3, 3);
      if (event.groups[2].size() != 1) reject(item.at("groups"), "'bridge' needs [[side A], [side B], [bridge node]]");
      break;
    case TimelineAction::Flap:
      event.groups = groups_in(item, action, scenario, 2, 2);
      if (event.groups[0].size() != 1 || event.groups[1].size() != 1) {
        reject(item.at("groups"), "'flap' needs one link: [[a], [b]]");
      }
      if (!item.contains("period_ms")) reject(item, "'flap' needs 'period_ms'");
      event.period_us = millis_in(item, "period_ms", 1, 600'000, 0);
      break;
    case TimelineAction::Crash:
    case TimelineAction::Restart:
    case TimelineAction::Pause:
    case TimelineAction::ClockJump:
    case TimelineAction::DiskError:
    case TimelineAction::DiskFull:
    case TimelineAction::Corrupt:
    case TimelineAction::DamageTail:
    case TimelineAction::SlowDisk:
    case TimelineAction::ReadError:
    case TimelineAction::AddLearner:
    case TimelineAction::AddVoter:
    case TimelineAction::Promote:
    case TimelineAction::Remove:
    case TimelineAction::TransferLeader:
      if (!item.contains("node")) reject(item, "'" + action + "' needs 'node'");
      event.node = node_id_in(item.at("node"), scenario.total_nodes());
      break;
    case TimelineAction::Heal:
    case TimelineAction::IsolateLeader: break;
  }
  if (event.action == TimelineAction::Pause || event.action == TimelineAction::DiskFull ||
      event.action == TimelineAction::SlowDisk) {
    if (!item.contains("duration_ms")) reject(item, "'" + action + "' needs 'duration_ms'");
    event.duration_us = millis_in(item, "duration_ms", 1, 3'600'000, 0);
  }
  if (event.action == TimelineAction::ClockJump) {
    if (!item.contains("delta_ms")) reject(item, "'clock-jump' needs 'delta_ms'");
    event.delta_us = millis_in(item, "delta_ms", -3'600'000, 3'600'000, 0);
  }
  return event;
}

void parse_timeline(const toml::value& root, Scenario& scenario) {
  if (!root.contains("timeline")) return;
  const toml::value& timeline = root.at("timeline");
  if (!timeline.is_array()) reject(timeline, "'timeline' must be an array of tables ([[timeline]])");
  if (timeline.as_array().size() > kMaxTimelineEvents) reject(timeline, "too many timeline events");
  for (const toml::value& item : timeline.as_array()) scenario.timeline.push_back(parse_timeline_event(item, scenario));
}

void parse_expect(const toml::value& root, Scenario& scenario) {
  if (!root.contains("expect")) return;
  const toml::value& expect = root.at("expect");
  require_known_keys(expect, {"violation", "liveness_ms", "allow_unknown"}, "[expect]");
  if (expect.contains("violation")) {
    const toml::value& violation = expect.at("violation");
    if (violation.is_boolean()) {
      scenario.expect.violation = violation.as_boolean();
    } else if (violation.is_string()) {
      scenario.expect.violation_kind = violation_kind_from_name(violation.as_string().str);
      if (!scenario.expect.violation_kind || *scenario.expect.violation_kind == ViolationKind::None) {
        reject(violation, "'violation' must be true, false or the name of a violation kind (\"linearizability\", "
                          "\"election-safety\", ...), not \"" + std::string(violation.as_string()) + "\"");
      }
      scenario.expect.violation = true;
    } else {
      reject(violation, "'violation' must be true, false or the name of a violation kind");
    }
  }
  if (expect.contains("allow_unknown")) {
    if (!expect.at("allow_unknown").is_boolean()) {
      reject(expect.at("allow_unknown"), "'allow_unknown' must be true or false");
    }
    scenario.expect.allow_unknown = expect.at("allow_unknown").as_boolean();
  }
  scenario.expect.liveness_bound_us = millis_in(expect, "liveness_ms", 100, 3'600'000, scenario.expect.liveness_bound_us);
}

Scenario parse_root(const toml::value& root, const std::string& path) {
  require_known_keys(root,
                     {"name", "description", "nodes", "spare_nodes", "duration_ms", "raft", "network", "storage", "clock",
                      "workload", "nemesis", "timeline", "expect"},
                     "the scenario");
  Scenario scenario;
  scenario.path = path;
  if (!root.contains("name") || !root.at("name").is_string()) reject(root, "a scenario needs 'name' (a string)");
  scenario.name = root.at("name").as_string();
  if (root.contains("description") && !root.at("description").is_string()) {
    reject(root.at("description"), "'description' must be a string");
  }
  scenario.nodes = static_cast<int>(integer_in(root, "nodes", 1, kMaxNodes, scenario.nodes));
  scenario.spare_nodes = static_cast<int>(integer_in(root, "spare_nodes", 0, kMaxTotalNodes - scenario.nodes, 0));
  scenario.duration_us = millis_in(root, "duration_ms", 1, kMaxDurationMs, scenario.duration_us);
  parse_raft(root, scenario);
  parse_network(root, scenario);
  parse_storage(root, scenario);
  parse_clock(root, scenario);
  parse_workload(root, scenario);
  parse_nemesis(root, scenario);
  parse_timeline(root, scenario);
  parse_expect(root, scenario);
  return scenario;
}

}  // namespace

Result<Scenario, ScenarioError> parse_scenario(const std::string& text, const std::string& path) {
  if (auto problem = check_scenario_text(text)) return unexpected(ScenarioError{path + ": " + *problem});
  try {
    std::istringstream stream(text);
    const toml::value root = toml::parse(stream, path);
    return parse_root(root, path);
  } catch (const ScenarioProblem& problem) {
    return unexpected(ScenarioError{problem.message});
  } catch (const toml::exception& error) {
    return unexpected(ScenarioError{path + ":" + std::to_string(error.location().line()) + ": " + error.what()});
  } catch (const std::exception& error) {
    return unexpected(ScenarioError{path + ": " + error.what()});
  }
}

Result<Scenario, ScenarioError> load_scenario(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return unexpected(ScenarioError{path + ": cannot open the scenario file"});
  std::ostringstream text;
  text << file.rdbuf();
  return parse_scenario(text.str(), path);
}

}  // namespace confman::sim
