#include "sim/scenario_writer.h"

#include <cstdio>
#include <sstream>

namespace confman::sim {

namespace {

// Microseconds as milliseconds, exactly (the parser rounds ms * 1000).
std::string ms(TimeUs us) {
  char buffer[32];
  if (us % 1000 == 0) {
    std::snprintf(buffer, sizeof buffer, "%lld", static_cast<long long>(us / 1000));
  } else {
    std::snprintf(buffer, sizeof buffer, "%.3f", static_cast<double>(us) / 1000.0);
  }
  return buffer;
}

std::string probability(std::uint32_t ppm) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6f", static_cast<double>(ppm) / kPpm);
  return buffer;
}

// A TOML basic string: quotes, backslashes and control characters escaped
// (TOML forbids them raw; a name may hold them, written escaped in its file).
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20 || byte == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04X", byte);
      out += escaped;
    } else {
      out.push_back(c);
    }
  }
  return out + "\"";
}

std::string groups_text(const std::vector<std::vector<NodeId>>& groups) {
  std::string text = "[";
  for (std::size_t g = 0; g < groups.size(); ++g) {
    text += g == 0 ? "[" : ", [";
    for (std::size_t i = 0; i < groups[g].size(); ++i) text += (i == 0 ? "" : ", ") + std::to_string(groups[g][i]);
    text += "]";
  }
  return text + "]";
}

void write_timeline_event(std::ostringstream& out, const TimelineEvent& event) {
  out << "\n[[timeline]]\nat_ms = " << ms(event.at_us) << "\naction = \"" << timeline_action_name(event.action)
      << "\"\n";
  if (!event.groups.empty()) out << "groups = " << groups_text(event.groups) << "\n";
  if (event.node != kNoNode) out << "node = " << event.node << "\n";
  if (event.action == TimelineAction::Pause || event.action == TimelineAction::DiskFull ||
      event.action == TimelineAction::SlowDisk) {
    out << "duration_ms = " << ms(event.duration_us) << "\n";
  }
  if (event.action == TimelineAction::Flap) out << "period_ms = " << ms(event.period_us) << "\n";
  if (event.action == TimelineAction::ClockJump) out << "delta_ms = " << ms(event.delta_us) << "\n";
}

}  // namespace

std::string scenario_to_toml(const Scenario& s) {
  std::ostringstream out;
  out << "name = " << quoted(s.name) << "\nnodes = " << s.nodes << "\n";
  if (s.spare_nodes > 0) out << "spare_nodes = " << s.spare_nodes << "\n";
  out << "duration_ms = " << ms(s.duration_us) << "\n";
  out << "\n[raft]\nelection_timeout_ms = " << ms(s.raft.election_timeout_us)
      << "\nheartbeat_interval_ms = " << ms(s.raft.heartbeat_interval_us)
      << "\nsnapshot_threshold_entries = " << s.raft.snapshot_threshold_entries
      << "\nsnapshot_trailing_entries = " << s.raft.snapshot_trailing_entries
      << "\nsnapshot_log_ratio_percent = " << s.raft.snapshot_log_ratio_percent
      << "\nsnapshot_threshold_bytes = " << s.raft.snapshot_threshold_bytes
      << "\nsnapshot_trailing_bytes = " << s.raft.snapshot_trailing_bytes << "\n";
  out << "\n[network]\ndelay_min_ms = " << ms(s.network.delay_min_us) << "\ndelay_max_ms = " << ms(s.network.delay_max_us)
      << "\nloss = " << probability(s.network.loss_ppm) << "\nduplicate = " << probability(s.network.duplicate_ppm)
      << "\ncorrupt = " << probability(s.network.corrupt_ppm) << "\ntail = " << probability(s.network.tail_ppm)
      << "\ntail_base_ms = " << ms(s.network.tail_base_us) << "\ntail_max_ms = " << ms(s.network.tail_max_us) << "\n";
  out << "\n[storage]\nsync_min_ms = " << ms(s.storage.sync_min_us) << "\nsync_max_ms = " << ms(s.storage.sync_max_us)
      << "\n";
  out << "\n[clock]\nmax_offset_ms = " << ms(s.clock.max_offset_us) << "\nmax_drift_ppm = " << s.clock.max_drift_ppm
      << "\ntimer_late = " << probability(s.clock.timer_late_ppm)
      << "\ntimer_late_max_ms = " << ms(s.clock.timer_late_max_us) << "\n";
  const WorkloadOptions& w = s.workload;
  out << "\n[workload]\nclients = " << w.clients << "\nkeys = " << w.keys << "\nthink_min_ms = " << ms(w.think_min_us)
      << "\nthink_max_ms = " << ms(w.think_max_us) << "\nmix = { get = " << w.get_weight << ", put = " << w.put_weight
      << ", delete = " << w.delete_weight << ", cas = " << w.cas_weight << " }\n";
  if (w.unsafe_local_reads) {
    out << "read_consistency = \"unsafe-local\"\n";
  } else {
    out << "reads = { linearizable = " << w.linearizable_read_weight
        << ", read_your_writes = " << w.read_your_writes_weight << ", stale = " << w.stale_read_weight << " }\n";
  }
  out << "redirects = " << probability(w.redirect_ppm) << "\nany_node = " << probability(w.any_node_ppm)
      << "\nwatchers = " << w.watchers << "\ncluster_watchers = " << w.cluster_watchers << "\nattempt_timeout_ms = " << ms(w.attempt_timeout_us)
      << "\nop_timeout_ms = " << ms(w.op_timeout_us) << "\n";
  const NemesisOptions& n = s.nemesis;
  out << "\n[nemesis]\npartitions_per_minute = " << n.partitions_per_minute
      << "\ncrashes_per_minute = " << n.crashes_per_minute << "\npauses_per_minute = " << n.pauses_per_minute
      << "\nclock_jumps_per_minute = " << n.clock_jumps_per_minute
      << "\ndisk_faults_per_minute = " << n.disk_faults_per_minute
      << "\nmembership_changes_per_minute = " << n.membership_changes_per_minute
      << "\ndisk_fault_max_ms = " << ms(n.disk_fault_max_us) << "\nheal_after_ms = [" << ms(n.heal_after_min_us)
      << ", " << ms(n.heal_after_max_us) << "]\nrestart_after_ms = [" << ms(n.restart_after_min_us) << ", "
      << ms(n.restart_after_max_us) << "]\npause_max_ms = " << ms(n.pause_max_us)
      << "\nclock_jump_max_ms = " << ms(n.clock_jump_max_us) << "\n";
  out << "\n[expect]\nviolation = "
      << (s.expect.violation_kind ? "\"" + std::string(violation_kind_name(*s.expect.violation_kind)) + "\""
                                  : std::string(s.expect.violation ? "true" : "false"))
      << "\nallow_unknown = " << (s.expect.allow_unknown ? "true" : "false")
      << "\nliveness_ms = " << ms(s.expect.liveness_bound_us) << "\n";
  for (const TimelineEvent& event : s.timeline) write_timeline_event(out, event);
  return out.str();
}

}  // namespace confman::sim
