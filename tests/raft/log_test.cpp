#include <gtest/gtest.h>

#include "core/raft/log.h"

namespace confman::raft {
namespace {

std::vector<Entry> entries_with_terms(LogIndex first, std::initializer_list<Term> terms) {
  std::vector<Entry> entries;
  LogIndex index = first;
  for (Term term : terms) entries.push_back(Entry{term, index++, EntryType::Normal, {}});
  return entries;
}

// §5.3: the consistency check rejects an append whose prev entry does not match.
TEST(RaftLog, ConsistencyCheckRejectsMismatchedPrev) {
  RaftLog log;
  ASSERT_TRUE(log.try_append(0, 0, entries_with_terms(1, {1, 1})));
  EXPECT_FALSE(log.try_append(2, 2, entries_with_terms(3, {2})));
  EXPECT_FALSE(log.try_append(5, 1, entries_with_terms(6, {1})));
  EXPECT_EQ(log.last_index(), 2u);
}

// §5.3: a conflicting entry and everything after it is replaced.
TEST(RaftLog, ConflictTruncatesSuffix) {
  RaftLog log;
  ASSERT_TRUE(log.try_append(0, 0, entries_with_terms(1, {1, 1, 1, 1})));
  log.stable_to(4, 1);
  auto last = log.try_append(1, 1, entries_with_terms(2, {2}));
  ASSERT_TRUE(last);
  EXPECT_EQ(*last, 2u);
  EXPECT_EQ(log.last_index(), 2u);
  EXPECT_EQ(log.term_at(2), Term{2});
  EXPECT_EQ(log.stable_index(), 1u);  // the durable suffix was cut
}

// A duplicate (reordered, older) append must not truncate newer entries.
TEST(RaftLog, DuplicateAppendDoesNotTruncate) {
  RaftLog log;
  ASSERT_TRUE(log.try_append(0, 0, entries_with_terms(1, {1, 1, 1})));
  ASSERT_TRUE(log.try_append(0, 0, entries_with_terms(1, {1})));
  EXPECT_EQ(log.last_index(), 3u);
}

// §5.4.1: up-to-date compares last term first, then length.
TEST(RaftLog, UpToDateComparesTermThenIndex) {
  RaftLog log;
  ASSERT_TRUE(log.try_append(0, 0, entries_with_terms(1, {1, 2})));
  EXPECT_TRUE(log.is_up_to_date(1, 3));
  EXPECT_TRUE(log.is_up_to_date(2, 2));
  EXPECT_FALSE(log.is_up_to_date(1, 2));
  EXPECT_FALSE(log.is_up_to_date(5, 1));
}

TEST(RaftLog, FindConflictByTermSkipsWholeTerms) {
  RaftLog log;
  ASSERT_TRUE(log.try_append(0, 0, entries_with_terms(1, {1, 1, 3, 3, 3, 5})));
  EXPECT_EQ(log.find_conflict_by_term(6, 4), 5u);
  EXPECT_EQ(log.find_conflict_by_term(6, 2), 2u);
  EXPECT_EQ(log.find_conflict_by_term(10, 3), 5u);
  EXPECT_EQ(log.find_conflict_by_term(6, 0), 0u);
}

TEST(RaftLog, StableToIgnoresReplacedEntries) {
  RaftLog log;
  ASSERT_TRUE(log.try_append(0, 0, entries_with_terms(1, {1, 1})));
  ASSERT_TRUE(log.try_append(1, 1, entries_with_terms(2, {2})));
  log.stable_to(2, 1);  // the write of (2, term 1) finished after it was replaced
  EXPECT_EQ(log.stable_index(), 0u);
  log.stable_to(2, 2);
  EXPECT_EQ(log.stable_index(), 2u);
}

}  // namespace
}  // namespace confman::raft

namespace confman::raft {
namespace {

std::vector<Entry> terms_from(LogIndex first, std::initializer_list<Term> terms) {
  std::vector<Entry> entries;
  LogIndex index = first;
  for (Term term : terms) entries.push_back(Entry{term, index++, EntryType::Normal, {}});
  return entries;
}

RaftLog committed_log(std::initializer_list<Term> terms) {
  RaftLog log;
  log.restore(terms_from(1, terms), terms.size());
  return log;
}

// §7: after compaction the log starts after the snapshot point; the point's
// own term is still known (for the consistency check of the next append),
// everything below it is gone.
TEST(RaftLogCompaction, CompactionKeepsTheTermAtTheCompactionPoint) {
  RaftLog log = committed_log({1, 1, 2, 2, 3});
  log.compact_to(3);
  EXPECT_EQ(log.compacted_index(), 3u);
  EXPECT_EQ(log.compacted_term(), 2u);
  EXPECT_EQ(log.first_index(), 4u);
  EXPECT_EQ(log.last_index(), 5u);
  EXPECT_EQ(log.last_term(), 3u);
  EXPECT_EQ(log.term_at(3), Term{2});
  EXPECT_EQ(log.term_at(2), std::nullopt);
  EXPECT_EQ(log.term_at(0), std::nullopt);
  EXPECT_EQ(log.at(4).term, 2u);
  EXPECT_EQ(log.slice(4, 5, 10, 1000).size(), 2u);
}

TEST(RaftLogCompaction, CompactingEverythingLeavesTheLastTerm) {
  RaftLog log = committed_log({1, 2});
  log.compact_to(2);
  EXPECT_EQ(log.last_index(), 2u);
  EXPECT_EQ(log.last_term(), 2u);
  EXPECT_TRUE(log.is_up_to_date(2, 2));
  EXPECT_FALSE(log.is_up_to_date(1, 2));
}

TEST(RaftLogCompaction, CompactingBackwardsIsANoOp) {
  RaftLog log = committed_log({1, 1, 1, 1});
  log.compact_to(3);
  log.compact_to(2);
  EXPECT_EQ(log.compacted_index(), 3u);
  EXPECT_EQ(log.first_index(), 4u);
}

TEST(RaftLogCompaction, AppendAfterTheCompactionPointStillChecksConsistency) {
  RaftLog log = committed_log({1, 1, 2});
  log.compact_to(3);
  EXPECT_FALSE(log.try_append(3, 1, terms_from(4, {3})));  // wrong term at the point
  EXPECT_FALSE(log.try_append(2, 1, terms_from(3, {2})));  // below the point: unknown
  auto last = log.try_append(3, 2, terms_from(4, {3, 3}));
  ASSERT_TRUE(last);
  EXPECT_EQ(*last, 5u);
}

TEST(RaftLogCompaction, FindConflictByTermStopsAtTheCompactionPoint) {
  RaftLog log = committed_log({1, 3, 3, 5, 5});
  log.compact_to(2);
  EXPECT_EQ(log.find_conflict_by_term(5, 4), 3u);
  EXPECT_EQ(log.find_conflict_by_term(5, 1), 2u);  // cannot look below index 2
  EXPECT_EQ(log.find_conflict_by_term(1, 0), 1u);  // already below: returned as it is
}

// Installing a snapshot the log does not contain (§7: "discard the entire
// log"): empty after the snapshot point, committed up to it.
TEST(RaftLogCompaction, RestoreSnapshotDiscardsTheLog) {
  RaftLog log;
  ASSERT_TRUE(log.try_append(0, 0, terms_from(1, {1, 1, 2})));
  log.commit_to(1);
  log.restore_snapshot(10, 4);
  EXPECT_EQ(log.first_index(), 11u);
  EXPECT_EQ(log.last_index(), 10u);
  EXPECT_EQ(log.last_term(), 4u);
  EXPECT_EQ(log.committed(), 10u);
  EXPECT_EQ(log.term_at(10), Term{4});
  EXPECT_EQ(log.term_at(3), std::nullopt);
  EXPECT_TRUE(log.try_append(10, 4, terms_from(11, {5})));
  EXPECT_EQ(log.unstable_from(), 11u);
}

TEST(RaftLogCompaction, RestoreAfterASnapshotPoint) {
  RaftLog log;
  log.restore(20, 3, terms_from(21, {3, 4}), 21);
  EXPECT_EQ(log.first_index(), 21u);
  EXPECT_EQ(log.last_index(), 22u);
  EXPECT_EQ(log.committed(), 21u);
  EXPECT_EQ(log.stable_index(), 22u);
  EXPECT_EQ(log.term_at(20), Term{3});
}

// Compaction drops only what is committed and durable: a write in flight may
// still be lost in a crash and a later leader may still replace it.
TEST(RaftLogCompactionDeathTest, CompactingUncommittedOrUnstableEntriesIsABug) {
  RaftLog uncommitted;
  ASSERT_TRUE(uncommitted.try_append(0, 0, terms_from(1, {1, 1})));
  uncommitted.stable_to(2, 1);
  uncommitted.commit_to(1);
  EXPECT_DEATH(uncommitted.compact_to(2), "");  // core prints nothing without a handler
  RaftLog unstable;
  ASSERT_TRUE(unstable.try_append(0, 0, terms_from(1, {1, 1})));
  unstable.commit_to(2);
  EXPECT_DEATH(unstable.compact_to(1), "");
}

}  // namespace
}  // namespace confman::raft
