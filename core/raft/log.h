#pragma once
// The in-memory Raft log of one node. Entries up to stable_index() are known
// durable; later ones are still to be written (they leave through Ready).
//
// Log compaction (§7; dissertation §5.1): entries up to compacted_index()
// have been dropped; their effect lives in a snapshot. The log then starts
// after the point (compacted_index(), compacted_term()): term_at() still
// answers for that point itself, so the consistency check of an append right
// after it works (§5.3), and answers nullopt ("compacted") below it. Without
// compaction the point is (0, 0), the empty prefix.
//
// The compaction point is not always the newest snapshot's index: a node
// keeps some entries behind its snapshot for slightly lagging followers
// (dissertation §5.1.3), so compacted_index() <= the snapshot's index.

#include <cstddef>
#include <optional>
#include <vector>

#include "core/raft/entry.h"
#include "core/types.h"

namespace confman::raft {

class RaftLog {
 public:
  LogIndex first_index() const { return compacted_index_ + 1; }
  LogIndex last_index() const { return compacted_index_ + entries_.size(); }
  Term last_term() const { return entries_.empty() ? compacted_term_ : entries_.back().term; }
  LogIndex compacted_index() const { return compacted_index_; }
  Term compacted_term() const { return compacted_term_; }
  LogIndex committed() const { return committed_; }
  LogIndex stable_index() const { return stable_index_; }

  // Term of the entry at index (compacted_term() at compacted_index(), 0 for
  // index 0); nullopt past the end and below the compaction point.
  std::optional<Term> term_at(LogIndex index) const;
  bool matches(LogIndex index, Term term) const { return term_at(index) == term; }
  // The entry at index, first_index() <= index <= last_index().
  const Entry& at(LogIndex index) const;

  // Entries in [from, to], at most max_count of them and max_bytes of data
  // (always at least one if the range is non-empty). from >= first_index().
  std::vector<Entry> slice(LogIndex from, LogIndex to, std::size_t max_count,
                           std::size_t max_bytes) const;

  // §5.4.1: is a log ending at (last_index, last_term) at least as up to date
  // as this one?
  bool is_up_to_date(LogIndex last_index, Term last_term) const;

  // Leader append of its own entries.
  void append(Entry entry);

  // Whether any of `entries` holds, at an index up to the commit index, a
  // term other than the log's there (an append that would truncate a
  // committed entry).
  bool conflicts_at_or_below_commit(const std::vector<Entry>& entries) const;

  // Follower append (§5.3): if the entry at prev_index has prev_term, drops any
  // conflicting suffix, appends what is new and returns the index of the last
  // entry of the message. nullopt if the consistency check fails (including
  // when prev_index is below the compaction point). The entries must follow
  // prev_index one by one, none conflicting with a committed entry (the
  // caller refuses messages that do not: refused_message.h).
  std::optional<LogIndex> try_append(LogIndex prev_index, Term prev_term,
                                     const std::vector<Entry>& entries);

  // Largest index <= index whose term is <= term: where a leader should probe
  // next after a rejection (fast backtracking). Never goes below the
  // compaction point (whose term is known); an index already below it is
  // returned as it is.
  LogIndex find_conflict_by_term(LogIndex index, Term term) const;

  void commit_to(LogIndex index);

  // Marks entries up to index durable if the log still holds (index, term)
  // there: a truncation while the write was in flight must not count.
  void stable_to(LogIndex index, Term term);

  // First index that is not yet durable (last_index() + 1 if all are).
  LogIndex unstable_from() const { return stable_index_ + 1; }

  // Drops the entries up to index, which must be committed and durable (a
  // snapshot covering them is durable: the caller's duty). A no-op for an
  // index at or below the compaction point.
  void compact_to(LogIndex index);

  // Installing a snapshot that ends at (index, term) which this log does not
  // hold (§7: "discard the entire log"): the log becomes empty after that
  // point, which counts as committed. Nothing after it is durable yet; the
  // snapshot's own durability is tracked by the caller.
  void restore_snapshot(LogIndex index, Term term);

  // Restores the log from durable storage at start-up: entries follow the
  // compaction point (compacted_index, compacted_term) contiguously.
  void restore(std::vector<Entry> entries, LogIndex committed) { restore(0, 0, std::move(entries), committed); }
  void restore(LogIndex compacted_index, Term compacted_term, std::vector<Entry> entries, LogIndex committed);

 private:
  void truncate_from(LogIndex index);
  const Entry& entry(LogIndex index) const { return entries_[index - compacted_index_ - 1]; }

  LogIndex compacted_index_ = 0;
  Term compacted_term_ = 0;
  std::vector<Entry> entries_;  // entries_[i] has index compacted_index_ + 1 + i
  LogIndex committed_ = 0;
  LogIndex stable_index_ = 0;
};

}  // namespace confman::raft
