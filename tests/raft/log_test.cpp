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
