#include "core/node/stored_state_check.h"

#include <algorithm>

#include "core/node/stored_record.h"

namespace confman::node {

namespace {

StoredDamage entry_damage(LogIndex index, std::string detail) {
  return StoredDamage{StoredDamage::Where::Entry, index, "entry record " + std::to_string(index) + detail};
}

Result<std::optional<raft::Snapshot>, StoredDamage> verify_snapshot(const StoredState& stored) {
  if (!stored.snapshot) {
    if (stored.first_index != 1) {
      return unexpected(StoredDamage{StoredDamage::Where::Log, 0,
                                     "stored log starts at index " + std::to_string(stored.first_index) +
                                         " but there is no snapshot record"});
    }
    return std::optional<raft::Snapshot>{};
  }
  auto decoded = decode_snapshot_record(*stored.snapshot);
  if (!decoded) {
    return unexpected(
        StoredDamage{StoredDamage::Where::Snapshot, 0, "snapshot record: " + decoded.error().describe()});
  }
  const LogIndex index = decoded->index;
  const LogIndex stored_end = stored.first_index + stored.entries.size();  // one past the last stored entry
  if (stored.first_index > index + 1 || stored_end < index + 1) {
    return unexpected(StoredDamage{StoredDamage::Where::Log, 0,
                                   "stored log [" + std::to_string(stored.first_index) + ", " +
                                       std::to_string(stored_end - 1) + "] does not continue the snapshot at index " +
                                       std::to_string(index)});
  }
  return std::optional<raft::Snapshot>{std::move(decoded).value()};
}

}  // namespace

Result<raft::HardState, StoredDamage> verify_hard_state(const StoredState& stored) {
  raft::HardState hard_state;
  if (stored.hard_state) {
    auto decoded = decode_hard_state_record(*stored.hard_state);
    if (!decoded) {
      return unexpected(
          StoredDamage{StoredDamage::Where::HardState, 0, "hard state record: " + decoded.error().describe()});
    }
    hard_state = *decoded;
  }
  if (stored.pinned_hard_state) {
    auto pinned = decode_hard_state_record(*stored.pinned_hard_state);
    if (!pinned) {
      return unexpected(StoredDamage{StoredDamage::Where::HardState, 0,
                                     "pinned hard state record: " + pinned.error().describe()});
    }
    // Written before the log record that carries the same change, so it is
    // the newest term, vote and mark unless the log moved past it since.
    if (pinned->term >= hard_state.term) {
      hard_state.term = pinned->term;
      hard_state.vote = pinned->vote;
      hard_state.recovering = pinned->recovering;
    }
  }
  return hard_state;
}

Result<VerifiedState, StoredDamage> verify_stored_state(const StoredState& stored) {
  VerifiedState verified;
  auto hard_state = verify_hard_state(stored);
  if (!hard_state) return unexpected(hard_state.error());
  verified.hard_state = *hard_state;
  auto snapshot = verify_snapshot(stored);
  if (!snapshot) return unexpected(snapshot.error());
  verified.snapshot = std::move(snapshot).value();
  const LogIndex snapshot_index = verified.snapshot ? verified.snapshot->index : 0;
  // Entries up to the snapshot's index are covered by it (the node kept some
  // behind it only for lagging followers): they are verified, then dropped.
  for (std::size_t i = 0; i < stored.entries.size(); ++i) {
    const LogIndex index = stored.first_index + i;
    auto decoded = decode_entry_record(stored.entries[i]);
    if (!decoded) return unexpected(entry_damage(index, ": " + decoded.error().describe()));
    if (decoded->index != index) {
      return unexpected(entry_damage(index, " holds index " + std::to_string(decoded->index)));
    }
    if (index == snapshot_index && decoded->term != verified.snapshot->term) {
      return unexpected(entry_damage(index, " has term " + std::to_string(decoded->term) +
                                                " but the snapshot there has term " +
                                                std::to_string(verified.snapshot->term)));
    }
    if (index > snapshot_index) verified.entries.push_back(std::move(decoded).value());
  }
  const LogIndex last_index = snapshot_index + verified.entries.size();
  if (verified.hard_state.commit > last_index) {
    if (!verified.hard_state.recovering) {
      return unexpected(StoredDamage{StoredDamage::Where::Log, 0,
                                     "commit index " + std::to_string(verified.hard_state.commit) +
                                         " is beyond the durable log (last index " + std::to_string(last_index) +
                                         ")"});
    }
    // A repair cut committed entries: the leader sends them again.
    verified.hard_state.commit = last_index;
  }
  return verified;
}

Result<RepairReport, std::string> repair_stored_state(StoredState& stored) {
  RepairReport report;
  const auto note_cut = [&report](const std::string& what) {
    report.cut += (report.cut.empty() ? "" : "; ") + what;
    report.changed = true;
  };
  for (;;) {
    auto verified = verify_stored_state(stored);
    if (verified) break;
    const StoredDamage& damage = verified.error();
    if (damage.where == StoredDamage::Where::HardState || damage.where == StoredDamage::Where::Log) {
      // Term and vote unknown, or records that are each sound but do not
      // form one log: no cut leaves a log this node can vouch for.
      return unexpected(damage.detail + "; cutting the log cannot repair this: replace the node");
    }
    const LogIndex end = stored.first_index + stored.entries.size();
    if (damage.where == StoredDamage::Where::Snapshot) {
      note_cut("the snapshot and entries " + std::to_string(stored.first_index) + ".." + std::to_string(end - 1) +
               " (" + damage.detail + ")");
      stored.snapshot.reset();
      stored.entries.clear();
      stored.first_index = 1;
    } else if (const LogIndex covered = stored.snapshot ? decode_snapshot_record(*stored.snapshot)->index : 0;
               damage.index <= covered) {
      // Entry damage is found only after the snapshot record verified. This
      // entry was kept only for lagging followers and the snapshot covers
      // it: drop the entries it covers, nothing else, and look again.
      note_cut("entries " + std::to_string(stored.first_index) + ".." + std::to_string(covered) +
               ", which the snapshot covers (" + damage.detail + ")");
      stored.entries.erase(stored.entries.begin(),
                           stored.entries.begin() + static_cast<std::ptrdiff_t>(covered + 1 - stored.first_index));
      stored.first_index = covered + 1;
      continue;
    } else {
      note_cut("entries " + std::to_string(damage.index) + ".." + std::to_string(end - 1) + " (" +
               std::to_string(end - damage.index) + " records, from " + damage.detail + ")");
      stored.entries.resize(damage.index - stored.first_index);
    }
    raft::HardState hard_state = *verify_hard_state(stored);  // verified above
    hard_state.recovering = true;  // the commit index is clamped by verify_stored_state from now on
    stored.hard_state = encode_hard_state_record(hard_state);
    stored.pinned_hard_state = stored.hard_state;
  }
  return report;
}

}  // namespace confman::node
