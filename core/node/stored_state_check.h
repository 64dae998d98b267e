#pragma once
// Reads a node's durable records back (stored_record.h) and checks that they
// form one log: the snapshot, then entries continuing it without a gap.
// Node::start uses it, and so does a repair (docs/DESIGN.md, "Storage
// faults"), so the node and the repair tools agree on what is damaged.
//
// Contract: verify_stored_state() never trusts a record it has not
// verified. repair_stored_state() cuts the log at its first damaged record
// (a damaged snapshot takes the whole log with it), keeps term and vote,
// and marks the hard state recovering; it refuses when the hard state
// itself is damaged, since a vote it held could then be cast twice.

#include <optional>
#include <string>
#include <vector>

#include "core/node/env.h"
#include "core/raft/entry.h"
#include "core/util/result.h"

namespace confman::node {

struct VerifiedState {
  raft::HardState hard_state;
  std::optional<raft::Snapshot> snapshot;
  std::vector<raft::Entry> entries;  // those after the snapshot's index
};

struct StoredDamage {
  enum class Where : std::uint8_t { HardState, Snapshot, Entry, Log };
  Where where = Where::Entry;
  LogIndex index = 0;  // Entry: the first damaged entry
  std::string detail;  // e.g. "entry record 17: checksum mismatch (at byte 0)"
};

Result<VerifiedState, StoredDamage> verify_stored_state(const StoredState& stored);
// The hard state alone: hard_state with term, vote and mark from the pinned
// record when that is at least as new (StoredState::pinned_hard_state).
Result<raft::HardState, StoredDamage> verify_hard_state(const StoredState& stored);

// What a repair cut, e.g. "entries 17..42 (26 records)".
struct RepairReport {
  bool changed = false;
  std::string cut;
};
Result<RepairReport, std::string> repair_stored_state(StoredState& stored);

}  // namespace confman::node
