#pragma once
// The in-memory Raft log of one node. Entries up to stable_index() are known
// durable; later ones are still to be written (they leave through Ready).
// Index 0 is the empty prefix with term 0.

#include <cstddef>
#include <optional>
#include <vector>

#include "core/raft/entry.h"
#include "core/types.h"

namespace confman::raft {

class RaftLog {
 public:
  LogIndex first_index() const { return 1; }
  LogIndex last_index() const { return entries_.size(); }
  Term last_term() const { return entries_.empty() ? 0 : entries_.back().term; }
  LogIndex committed() const { return committed_; }
  LogIndex stable_index() const { return stable_index_; }

  // Term of the entry at index (0 for index 0); nullopt past the end.
  std::optional<Term> term_at(LogIndex index) const;
  bool matches(LogIndex index, Term term) const { return term_at(index) == term; }
  const Entry& at(LogIndex index) const;

  // Entries in [from, to], at most max_count of them and max_bytes of data
  // (always at least one if the range is non-empty).
  std::vector<Entry> slice(LogIndex from, LogIndex to, std::size_t max_count,
                           std::size_t max_bytes) const;

  // §5.4.1: is a log ending at (last_index, last_term) at least as up to date
  // as this one?
  bool is_up_to_date(LogIndex last_index, Term last_term) const;

  // Leader append of its own entries.
  void append(Entry entry);

  // Follower append (§5.3): if the entry at prev_index has prev_term, drops any
  // conflicting suffix, appends what is new and returns the index of the last
  // entry of the message. nullopt if the consistency check fails.
  std::optional<LogIndex> try_append(LogIndex prev_index, Term prev_term,
                                     const std::vector<Entry>& entries);

  // Largest index <= index whose term is <= term: where a leader should probe
  // next after a rejection (fast backtracking).
  LogIndex find_conflict_by_term(LogIndex index, Term term) const;

  void commit_to(LogIndex index);

  // Marks entries up to index durable if the log still holds (index, term)
  // there: a truncation while the write was in flight must not count.
  void stable_to(LogIndex index, Term term);

  // First index that is not yet durable (last_index() + 1 if all are).
  LogIndex unstable_from() const { return stable_index_ + 1; }

  // Restores the log from durable storage at start-up.
  void restore(std::vector<Entry> entries, LogIndex committed);

 private:
  void truncate_from(LogIndex index);

  std::vector<Entry> entries_;  // entries_[i] has index i + 1
  LogIndex committed_ = 0;
  LogIndex stable_index_ = 0;
};

}  // namespace confman::raft
