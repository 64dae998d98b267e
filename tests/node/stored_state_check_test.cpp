// The repair of a damaged stored log (core/node/stored_state_check.h): what
// it cuts, what it keeps, what it refuses, and that the node starts from
// the result recovering.

#include <gtest/gtest.h>

#include "core/node/stored_record.h"
#include "core/node/stored_state_check.h"

namespace confman::node {
namespace {

raft::Entry entry(LogIndex index, Term term) { return raft::Entry{term, index, raft::EntryType::Normal, Bytes{7}}; }

// Entries [first, last] of term 1; optionally a snapshot at first - 1.
StoredState stored_log(LogIndex first, LogIndex last, LogIndex commit) {
  StoredState stored;
  stored.first_index = first;
  if (first > 1) {
    stored.snapshot = encode_snapshot_record(raft::Snapshot{first - 1, 1, {.voters = {1, 2, 3}}, Bytes{1, 2}});
  }
  for (LogIndex index = first; index <= last; ++index) stored.entries.push_back(encode_entry_record(entry(index, 1)));
  stored.hard_state = encode_hard_state_record(raft::HardState{3, 2, commit});
  return stored;
}

void flip_bit(Bytes& record) { record[record.size() / 2] ^= 0x04; }

TEST(StoredStateRepair, CutsTheLogAtTheFirstDamagedEntryAndMarksTheNodeRecovering) {
  StoredState stored = stored_log(1, 10, 10);
  flip_bit(stored.entries[6]);  // entry 7
  ASSERT_FALSE(verify_stored_state(stored).ok());
  auto report = repair_stored_state(stored);
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_TRUE(report->changed);
  EXPECT_NE(report->cut.find("entries 7..10 (4 records"), std::string::npos) << report->cut;
  auto verified = verify_stored_state(stored);
  ASSERT_TRUE(verified.ok()) << verified.error().detail;
  EXPECT_EQ(verified->entries.size(), 6u);
  // Term and vote are kept (no vote may be cast twice); the commit index
  // is clamped to what is left.
  EXPECT_EQ(verified->hard_state, (raft::HardState{3, 2, 6, true}));
}

TEST(StoredStateRepair, ADamagedSnapshotTakesTheWholeLogWithIt) {
  StoredState stored = stored_log(21, 30, 25);
  flip_bit(*stored.snapshot);
  auto report = repair_stored_state(stored);
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_NE(report->cut.find("the snapshot and entries 21..30"), std::string::npos) << report->cut;
  auto verified = verify_stored_state(stored);
  ASSERT_TRUE(verified.ok()) << verified.error().detail;
  EXPECT_FALSE(verified->snapshot.has_value());
  EXPECT_TRUE(verified->entries.empty());
  EXPECT_EQ(verified->hard_state, (raft::HardState{3, 2, 0, true}));
}

TEST(StoredStateRepair, DamageInEntriesTheSnapshotCoversLosesNothing) {
  StoredState stored = stored_log(11, 30, 30);
  // Entries 11..20 stay behind a snapshot at 20 (kept for lagging followers).
  stored.snapshot = encode_snapshot_record(raft::Snapshot{20, 1, {.voters = {1, 2, 3}}, Bytes{1, 2}});
  flip_bit(stored.entries[3]);  // entry 14
  auto report = repair_stored_state(stored);
  ASSERT_TRUE(report.ok()) << report.error();
  EXPECT_TRUE(report->changed);
  auto verified = verify_stored_state(stored);
  ASSERT_TRUE(verified.ok()) << verified.error().detail;
  EXPECT_EQ(verified->entries.size(), 10u);  // 21..30, all kept
  EXPECT_FALSE(verified->hard_state.recovering);
}

TEST(StoredStateRepair, ADamagedHardStateIsRefused) {
  StoredState stored = stored_log(1, 5, 5);
  flip_bit(*stored.hard_state);
  auto report = repair_stored_state(stored);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().find("hard state record"), std::string::npos) << report.error();
  EXPECT_NE(report.error().find("replace the node"), std::string::npos) << report.error();
}

TEST(StoredStateRepair, AnIntactStateIsLeftAlone) {
  StoredState stored = stored_log(1, 5, 5);
  const StoredState before = stored;
  auto report = repair_stored_state(stored);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->changed);
  EXPECT_EQ(stored.entries, before.entries);
  EXPECT_EQ(stored.hard_state, before.hard_state);
}

TEST(StoredStateRepair, ACommitIndexBeyondTheLogIsDamageUnlessTheNodeIsRecovering) {
  StoredState stored = stored_log(1, 5, 9);
  auto verified = verify_stored_state(stored);
  ASSERT_FALSE(verified.ok());
  EXPECT_NE(verified.error().detail.find("beyond the durable log"), std::string::npos);
  stored.hard_state = encode_hard_state_record(raft::HardState{3, 2, 9, true});
  verified = verify_stored_state(stored);
  ASSERT_TRUE(verified.ok()) << verified.error().detail;
  EXPECT_EQ(verified->hard_state.commit, 5u);
}

TEST(StoredStateRepair, TheRecoveringMarkSurvivesTheRecordEncoding) {
  const raft::HardState marked{4, 1, 17, true};
  EXPECT_EQ(decode_hard_state_record(encode_hard_state_record(marked)).value(), marked);
  // Without the mark the record is byte for byte what it was before the mark existed.
  const Bytes plain = encode_hard_state_record(raft::HardState{4, 1, 17});
  EXPECT_LT(plain.size(), encode_hard_state_record(marked).size());
}

}  // namespace
}  // namespace confman::node
