#include "core/raft/log.h"

#include <algorithm>
#include <string>

#include "core/util/assert.h"

namespace confman::raft {

std::optional<Term> RaftLog::term_at(LogIndex index) const {
  if (index == compacted_index_) return compacted_term_;
  if (index < compacted_index_ || index > last_index()) return std::nullopt;
  return entry(index).term;
}

const Entry& RaftLog::at(LogIndex index) const {
  CONFMAN_ASSERT(index >= first_index() && index <= last_index(), "RaftLog::at index out of range (or compacted)");
  return entry(index);
}

std::vector<Entry> RaftLog::slice(LogIndex from, LogIndex to, std::size_t max_count,
                                  std::size_t max_bytes) const {
  CONFMAN_ASSERT(from >= first_index(), "RaftLog::slice from a compacted index");
  std::vector<Entry> result;
  to = std::min(to, last_index());
  std::size_t bytes = 0;
  for (LogIndex index = from; index <= to && result.size() < max_count; ++index) {
    const Entry& next = entry(index);
    if (!result.empty() && bytes + next.data.size() > max_bytes) break;
    bytes += next.data.size();
    result.push_back(next);
  }
  return result;
}

bool RaftLog::is_up_to_date(LogIndex index, Term term) const {
  return term > last_term() || (term == last_term() && index >= last_index());
}

void RaftLog::append(Entry entry) {
  CONFMAN_ASSERT(entry.index == last_index() + 1, "leader append must be contiguous");
  CONFMAN_ASSERT(entry.term >= last_term(), "leader append must not lower the last term");
  entries_.push_back(std::move(entry));
}

std::optional<LogIndex> RaftLog::try_append(LogIndex prev_index, Term prev_term,
                                            const std::vector<Entry>& entries) {
  if (!matches(prev_index, prev_term)) return std::nullopt;
  for (const Entry& entry : entries) {
    const auto existing = term_at(entry.index);
    if (existing == entry.term) continue;  // already have it: never truncate on a duplicate
    if (existing.has_value()) {
      // §5.3: a conflicting entry and all that follow it are deleted. A
      // committed entry can never conflict (Leader Completeness, §5.4).
      CONFMAN_ASSERT(entry.index > committed_, "a conflicting append would truncate a committed entry");
      truncate_from(entry.index);
    }
    append(entry);
  }
  return prev_index + entries.size();
}

bool RaftLog::conflicts_at_or_below_commit(const std::vector<Entry>& entries) const {
  for (const Entry& entry : entries) {
    if (entry.index > committed_) break;
    const auto existing = term_at(entry.index);
    if (existing.has_value() && *existing != entry.term) return true;
  }
  return false;
}

LogIndex RaftLog::find_conflict_by_term(LogIndex index, Term term) const {
  index = std::min(index, last_index());
  while (index > compacted_index_ && entry(index).term > term) --index;
  return index;
}

void RaftLog::commit_to(LogIndex index) {
  if (index <= committed_) return;
  CONFMAN_ASSERT(index <= last_index(), "commit index beyond the last log index");
  committed_ = index;
}

void RaftLog::stable_to(LogIndex index, Term term) {
  if (index > stable_index_ && matches(index, term)) stable_index_ = index;
}

void RaftLog::truncate_from(LogIndex index) {
  CONFMAN_ASSERT(index > compacted_index_, "truncation into the compacted prefix");
  entries_.resize(index - compacted_index_ - 1);
  stable_index_ = std::min(stable_index_, index - 1);
}

void RaftLog::compact_to(LogIndex index) {
  if (index <= compacted_index_) return;
  // Only what every later step agrees on may go: a committed entry is never
  // truncated (§5.4), and a durable one is never written again.
  CONFMAN_ASSERT(index <= committed_, "compaction beyond the commit index");
  CONFMAN_ASSERT(index <= stable_index_, "compaction of entries that are not durable");
  compacted_term_ = entry(index).term;
  entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(index - compacted_index_));
  compacted_index_ = index;
}

void RaftLog::restore_snapshot(LogIndex index, Term term) {
  CONFMAN_ASSERT(index > committed_, "installing a snapshot that is not newer than the commit index");
  entries_.clear();
  compacted_index_ = index;
  compacted_term_ = term;
  committed_ = index;
  stable_index_ = index;
}

void RaftLog::restore(LogIndex compacted_index, Term compacted_term, std::vector<Entry> entries, LogIndex committed) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    CONFMAN_ASSERT(entries[i].index == compacted_index + 1 + i, "restored log must be contiguous after the compaction point");
  }
  compacted_index_ = compacted_index;
  compacted_term_ = compacted_term;
  entries_ = std::move(entries);
  stable_index_ = last_index();
  CONFMAN_ASSERT(committed <= last_index(), "restored commit index beyond the durable log");
  CONFMAN_ASSERT(committed >= compacted_index, "restored commit index below the snapshot");
  committed_ = committed;
}

}  // namespace confman::raft
