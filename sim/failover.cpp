#include "sim/failover.h"

#include <algorithm>
#include <limits>
#include <map>

namespace confman::sim {

bool disturbs(TimelineAction action) { return action != TimelineAction::Heal && action != TimelineAction::Restart; }

std::optional<std::string> failover_limit_exemption(const Scenario& scenario) {
  const TimeUs election_us = scenario.raft.election_timeout_us;
  const NetworkOptions& network = scenario.network;
  if (scenario.workload.clients == 0 ||
      scenario.workload.put_weight + scenario.workload.delete_weight + scenario.workload.cas_weight == 0) {
    return "the workload writes nothing";
  }
  if (network.delay_max_us > election_us / 10) return "network delays reach a tenth of the election timeout";
  if (network.tail_ppm > 0 && network.tail_base_us + network.tail_max_us > election_us / 4) {
    return "heavy-tailed network delays reach a quarter of the election timeout";
  }
  if (network.loss_ppm > 20'000) return "more than 2% of messages are lost";
  if (scenario.storage.sync_max_us > election_us / 10) return "disk syncs reach a tenth of the election timeout";
  if (scenario.clock.timer_late_ppm > 0 && scenario.clock.timer_late_max_us > election_us / 4) {
    return "timers fire late by a quarter of the election timeout";
  }
  if (scenario.workload.attempt_timeout_us > 2 * election_us) {
    return "clients wait more than two election timeouts on a silent node";
  }
  return std::nullopt;
}

namespace {

// When the window starts: the fault, if a client write was in flight then;
// else the first write invoked after it (nullopt: none was).
std::optional<TimeUs> first_write_offered(const History& history, TimeUs fault_at_us) {
  std::map<int, TimeUs> pending_since;  // by process: an invoked write not yet completed
  std::optional<TimeUs> first_after;
  for (const HistoryEvent& event : history.events()) {
    if (event.f == OpKind::Get) continue;
    if (event.type == EventType::Invoke) {
      if (event.time_us < fault_at_us) {
        pending_since[event.process] = event.time_us;
      } else if (!first_after || event.time_us < *first_after) {
        first_after = event.time_us;
      }
      continue;
    }
    auto pending = pending_since.find(event.process);
    if (pending == pending_since.end()) continue;
    if (event.time_us >= fault_at_us) return fault_at_us;  // in flight at the fault
    pending_since.erase(pending);
  }
  if (!pending_since.empty()) return fault_at_us;  // never completed: in flight
  return first_after;
}

// The first write acknowledged after the fault that the old leader cannot
// have committed: one invoked after the fault (a crashed, paused or cut-off
// leader commits nothing new), or one whose revision no replica had reached.
// A compare-and-set whose comparison failed counts: it went through the log.
TimeUs first_write_after(const History& history, TimeUs fault_at_us, std::uint64_t revision) {
  std::map<int, TimeUs> invoked_at;  // by process: its write in flight
  for (const HistoryEvent& event : history.events()) {
    if (event.f == OpKind::Get) continue;
    if (event.type == EventType::Invoke) {
      invoked_at[event.process] = event.time_us;
      continue;
    }
    const TimeUs invoked = invoked_at[event.process];
    if (event.type != EventType::Ok || event.time_us < fault_at_us) continue;
    if (invoked >= fault_at_us || event.revision > revision) return event.time_us;
  }
  return std::numeric_limits<TimeUs>::max();
}

TimeUs next_disturbance(const std::vector<TimelineEvent>& fault_log, std::size_t after_index, TimeUs otherwise_us) {
  for (std::size_t i = after_index + 1; i < fault_log.size(); ++i) {
    if (disturbs(fault_log[i].action)) return std::min(fault_log[i].at_us, otherwise_us);
  }
  return otherwise_us;
}

}  // namespace

FailoverReport measure_failovers(const std::vector<LeaderFault>& faults, const std::vector<TimelineEvent>& fault_log,
                                 const History& history, TimeUs limit_us, TimeUs window_end_us) {
  FailoverReport report;
  for (const LeaderFault& fault : faults) {
    if (!fault.clean) continue;
    const TimeUs window_end = next_disturbance(fault_log, fault.log_index, window_end_us);
    const std::optional<TimeUs> start = first_write_offered(history, fault.at_us);
    if (!start || *start >= window_end) continue;  // no client wrote in the window
    const TimeUs acknowledged = first_write_after(history, fault.at_us, fault.revision);
    const TimeUs within_us = acknowledged <= window_end ? acknowledged - *start : -1;
    if (within_us >= 0) {
      report.samples.push_back(FailoverSample{fault.at_us, within_us, fault.leader, fault.action});
    }
    const bool too_slow = limit_us > 0 && (within_us > limit_us || (within_us < 0 && window_end - *start > limit_us));
    if (too_slow && report.violation.empty()) {
      report.violation = "no client write was acknowledged within " + std::to_string(limit_us / 1000) +
                         " ms of a leader fault (" + timeline_action_name(fault.action) + " of node " +
                         std::to_string(fault.leader) + " at " + std::to_string(fault.at_us / 1000) +
                         " ms, a majority healthy and connected): " +
                         (within_us >= 0 ? "the first came after " + std::to_string(within_us / 1000) + " ms"
                                         : std::string("none came in the ") +
                                               std::to_string((window_end - *start) / 1000) + " ms it had");
    }
  }
  return report;
}

}  // namespace confman::sim
