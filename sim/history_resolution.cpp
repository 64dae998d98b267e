#include "sim/history_resolution.h"

#include <vector>

namespace confman::sim {

namespace {

// The completion a write would have had, given what the store answered.
HistoryEvent completion(const HistoryEvent& info, const kv::WriteResult& result) {
  HistoryEvent ok = info;
  ok.type = EventType::Ok;
  switch (result.status) {
    case kv::Status::Ok: ok.result = "ok"; break;
    case kv::Status::NotFound: ok.result = "not_found"; break;
    default: ok.result = "compare_failed"; break;
  }
  ok.revision = result.revision;
  ok.version = result.key_value ? result.key_value->version : 0;
  ok.mod_revision = result.key_value ? result.key_value->mod_revision : 0;
  return ok;
}

bool resolvable(const HistoryEvent& info, const AppliedSessions& applied, const kv::WriteResult*& result) {
  if (info.type != EventType::Info || info.f == OpKind::Get || info.client_id == 0) return false;
  auto found = applied.find({info.client_id, info.sequence});
  if (found == applied.end()) return false;
  const kv::Status status = found->second.status;
  // Only outcomes a completed write reports (the checker's model knows them).
  const bool known = status == kv::Status::Ok || status == kv::Status::CompareFailed ||
                     (status == kv::Status::NotFound && info.f == OpKind::Delete);
  if (!known) return false;
  result = &found->second;
  return true;
}

}  // namespace

History resolve_unknown_writes(const History& history, const AppliedSessions& applied, bool run_ended) {
  const auto& events = history.events();
  // For each process, the index of its open invocation.
  std::map<int, std::size_t> open;
  std::vector<int> process_of(events.size());
  std::vector<bool> never_applied(events.size(), false);
  std::vector<HistoryEvent> resolved_completions;
  int next_process = kResolvedProcessBase;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const HistoryEvent& event = events[i];
    process_of[i] = event.process;
    if (event.type == EventType::Invoke) {
      open[event.process] = i;
      continue;
    }
    const std::size_t invoke = open[event.process];
    const kv::WriteResult* result = nullptr;
    if (!resolvable(event, applied, result)) {
      const bool write = event.type == EventType::Info && event.f != OpKind::Get && event.client_id != 0;
      never_applied[i] = run_ended && write && applied.count({event.client_id, event.sequence}) == 0;
      continue;
    }
    // Its invocation and its completion move to a process of their own.
    process_of[invoke] = next_process;
    process_of[i] = -1;  // dropped here; completed at the end
    HistoryEvent done = completion(event, *result);
    done.process = next_process++;
    resolved_completions.push_back(std::move(done));
  }
  History out;
  TimeUs last_us = events.empty() ? 0 : events.back().time_us;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (process_of[i] < 0) continue;
    HistoryEvent copy = events[i];
    copy.process = process_of[i];
    if (never_applied[i]) copy.type = EventType::Fail;
    out.record(std::move(copy));
  }
  for (HistoryEvent& done : resolved_completions) {
    done.time_us = last_us;
    out.record(std::move(done));
  }
  return out;
}

}  // namespace confman::sim
