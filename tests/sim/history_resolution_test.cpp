// resolve_unknown_writes (sim/history_resolution.h): unknown outcomes the
// replicas settled are pinned, so the checker decides more, and only ever
// more strictly.

#include <gtest/gtest.h>

#include "check/checker.h"
#include "sim/history_resolution.h"

namespace confman::sim {
namespace {

HistoryEvent event(int process, EventType type, OpKind f, std::string key, TimeUs time_us) {
  HistoryEvent e;
  e.process = process;
  e.type = type;
  e.f = f;
  e.key = std::move(key);
  e.time_us = time_us;
  return e;
}

HistoryEvent write(int process, EventType type, OpKind f, std::string value, std::uint64_t sequence, TimeUs time_us) {
  HistoryEvent e = event(process, type, f, "/k", time_us);
  e.value = std::move(value);
  e.client_id = static_cast<std::uint64_t>(process) + 1;
  e.sequence = sequence;
  return e;
}

kv::WriteResult put_applied(const std::string& value, std::uint64_t revision) {
  return kv::WriteResult{kv::Status::Ok, revision, kv::KeyValue{"/k", value, revision, revision, 1}};
}

check::Verdict verdict_of(const History& history) {
  check::CheckOptions options;
  options.model = "confman-kv";
  return check::check_confman_history(history.to_jsonl(), options, "test").verdict;
}

// p0's put timed out; p1's put was acknowledged at revision 1. Unresolved,
// p0's put may simply not have happened. But the replicas applied it, at
// revision 1 as well: two writes cannot both be revision 1, and the
// resolved history says so.
TEST(HistoryResolution, APinnedOutcomeExposesWhatTheUnknownOneHid) {
  History history;
  history.record(write(0, EventType::Invoke, OpKind::Put, "a", 1, 100));
  history.record(write(1, EventType::Invoke, OpKind::Put, "b", 1, 200));
  HistoryEvent acked = write(1, EventType::Ok, OpKind::Put, "b", 1, 300);
  acked.result = "ok";
  acked.revision = 1;
  acked.version = 1;
  history.record(acked);
  history.record(write(0, EventType::Info, OpKind::Put, "a", 1, 5'000));
  EXPECT_EQ(verdict_of(history), check::Verdict::Linearizable);
  const AppliedSessions applied{{{1, 1}, put_applied("a", 1)}, {{2, 1}, put_applied("b", 1)}};
  const History resolved = resolve_unknown_writes(history, applied, true);
  EXPECT_EQ(resolved.count(EventType::Info), 0u);
  EXPECT_EQ(verdict_of(resolved), check::Verdict::NotLinearizable);
}

TEST(HistoryResolution, AResolvedWriteCompletesAtTheEndOnAProcessOfItsOwn) {
  History history;
  history.record(write(0, EventType::Invoke, OpKind::Put, "a", 7, 100));
  history.record(write(0, EventType::Info, OpKind::Put, "a", 7, 5'000));
  history.record(event(0, EventType::Invoke, OpKind::Get, "/k", 5'100));
  HistoryEvent read = event(0, EventType::Ok, OpKind::Get, "/k", 5'200);
  read.found = true;
  read.value = "a";
  read.mod_revision = read.create_revision = 1;
  read.version = 1;
  history.record(read);
  const History resolved = resolve_unknown_writes(history, {{{1, 7}, put_applied("a", 1)}}, true);
  const auto& events = resolved.events();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events.front().process, kResolvedProcessBase);
  EXPECT_EQ(events.back().process, kResolvedProcessBase);
  EXPECT_EQ(events.back().type, EventType::Ok);
  EXPECT_EQ(events.back().revision, 1u);
  EXPECT_EQ(events.back().time_us, 5'200);
  EXPECT_EQ(verdict_of(resolved), check::Verdict::Linearizable);
}

TEST(HistoryResolution, AWriteNoReplicaAppliedFailsOnlyOnceTheRunHasEnded) {
  History history;
  history.record(write(0, EventType::Invoke, OpKind::Put, "a", 1, 100));
  history.record(write(0, EventType::Info, OpKind::Put, "a", 1, 5'000));
  EXPECT_EQ(resolve_unknown_writes(history, {}, false).count(EventType::Info), 1u);
  const History ended = resolve_unknown_writes(history, {}, true);
  EXPECT_EQ(ended.count(EventType::Info), 0u);
  EXPECT_EQ(ended.count(EventType::Fail), 1u);
}

}  // namespace
}  // namespace confman::sim
