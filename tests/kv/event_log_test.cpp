// The store's event log (core/kv/event_log.h): one event per successful
// write, in revision order, bounded in bytes, carried by snapshots, and never
// repeated for a de-duplicated retry.

#include <gtest/gtest.h>

#include <string>

#include "core/kv/event_log.h"
#include "core/kv/limits.h"
#include "core/kv/store.h"

namespace confman::kv {
namespace {

WriteRequest request(std::uint64_t client_id, std::uint64_t sequence, CommandType type, std::string key,
                     std::string value = "", std::uint64_t expected = 0) {
  return WriteRequest{client_id, sequence, Command{type, std::move(key), std::move(value), expected}};
}

Event put_event(std::uint64_t revision, std::string key, std::string value) {
  return Event{revision, EventType::Put, KeyValue{std::move(key), std::move(value), revision, revision, 1}};
}

TEST(EventLog, EveryWriteThatChangesTheStoreLeavesOneEvent) {
  Store store;
  store.apply(request(0, 0, CommandType::Put, "/a", "1"));
  store.apply(request(0, 0, CommandType::Put, "/a", "2"));
  store.apply(request(0, 0, CommandType::CompareAndSet, "/a", "3", 1));  // fails: no event
  store.apply(request(0, 0, CommandType::Delete, "/missing"));           // NotFound: no event
  store.apply(request(0, 0, CommandType::Delete, "/a"));
  const EventLog& events = store.events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events.at(0).revision, 1u);
  EXPECT_EQ(events.at(1).type, EventType::Put);
  EXPECT_EQ(events.at(1).key_value.value, "2");
  EXPECT_EQ(events.at(1).key_value.version, 2u);
  EXPECT_EQ(events.at(2).type, EventType::Delete);
  EXPECT_EQ(events.at(2).revision, 3u);
  EXPECT_EQ(events.at(2).key_value.mod_revision, 2u);  // the key as it was before the delete
  EXPECT_EQ(events.compacted_revision(), 0u);
}

// The bug this prevents: the server's in-memory watch ring published a
// de-duplicated retry's result again, so a resumed watch saw one change twice.
TEST(EventLog, ADeduplicatedRetryLeavesNoSecondEvent) {
  Store store;
  const WriteRequest write = request(5, 1, CommandType::Put, "/a", "x");
  const WriteResult first = store.apply(write);
  const WriteResult retry = store.apply(write);
  EXPECT_EQ(retry, first);
  EXPECT_EQ(store.events().size(), 1u);
}

TEST(EventLog, DropsTheOldestEventsBeyondItsBoundInBytes) {
  const std::size_t one = event_bytes(put_event(1, "/k", std::string(100, 'v')));
  EventLog log(3 * one);
  for (std::uint64_t revision = 1; revision <= 5; ++revision) log.append(put_event(revision, "/k", std::string(100, 'v')));
  EXPECT_EQ(log.size(), 3u);
  EXPECT_EQ(log.bytes(), 3 * one);
  EXPECT_EQ(log.compacted_revision(), 2u);
  EXPECT_EQ(log.at(0).revision, 3u);
}

TEST(EventLog, AnEventLargerThanTheBoundIsDroppedAtOnce) {
  EventLog log(100);
  log.append(put_event(7, "/k", std::string(1000, 'v')));
  EXPECT_EQ(log.size(), 0u);
  EXPECT_EQ(log.bytes(), 0u);
  EXPECT_EQ(log.compacted_revision(), 7u);
}

TEST(EventLog, SmallEventsAreChargedTheirOverhead) {
  EventLog log(10 * kEventOverheadBytes);
  for (std::uint64_t revision = 1; revision <= 100; ++revision) log.append(put_event(revision, "/", ""));
  EXPECT_LE(log.size(), 10u);
  EXPECT_LE(log.bytes(), log.max_bytes());
}

TEST(EventLog, PositionOfFindsTheFirstEventAtOrAfterARevision) {
  EventLog log(1 << 20);
  for (std::uint64_t revision : {2, 4, 6}) log.append(put_event(revision, "/k", "v"));
  EXPECT_EQ(log.position_of(1), 0u);
  EXPECT_EQ(log.position_of(4), 1u);
  EXPECT_EQ(log.position_of(5), 2u);
  EXPECT_EQ(log.position_of(7), 3u);
}

TEST(EventLog, DropThroughCompactsAndNeverGoesBack) {
  EventLog log(1 << 20);
  for (std::uint64_t revision = 1; revision <= 4; ++revision) log.append(put_event(revision, "/k", "v"));
  log.drop_through(2);
  EXPECT_EQ(log.size(), 2u);
  EXPECT_EQ(log.compacted_revision(), 2u);
  log.drop_through(1);
  EXPECT_EQ(log.compacted_revision(), 2u);
}

TEST(EventLog, SnapshotsCarryTheEventsAndTheCompactedRevision) {
  Store store;
  for (int i = 0; i < 50; ++i) store.apply(request(0, 0, CommandType::Put, "/k/" + std::to_string(i % 5), "v"));
  store.apply(request(0, 0, CommandType::Delete, "/k/1"));
  auto restored = Store::restore_snapshot(store.snapshot());
  ASSERT_TRUE(restored.ok()) << restored.error().describe();
  ASSERT_EQ(restored->events().size(), store.events().size());
  for (std::size_t i = 0; i < store.events().size(); ++i) EXPECT_EQ(restored->events().at(i), store.events().at(i));
  EXPECT_EQ(restored->digest(), store.digest());
}

TEST(EventLog, TheStoreBoundsItsLogByKMaxEventLogBytes) {
  Store store;
  const std::string value(kMaxValueBytes, 'v');
  const std::size_t writes = kMaxEventLogBytes / kMaxValueBytes + 5;
  for (std::size_t i = 0; i < writes; ++i) store.apply(request(0, 0, CommandType::Put, "/big", value));
  EXPECT_LE(store.events().bytes(), kMaxEventLogBytes);
  EXPECT_GT(store.events().compacted_revision(), 0u);
  EXPECT_EQ(store.events().at(store.events().size() - 1).revision, store.revision());
}

}  // namespace
}  // namespace confman::kv
