// Log compaction and InstallSnapshot (§7 of the Raft paper; dissertation
// chapter 5, Figure 5.3).
//
// Leader: a follower whose next entry has been compacted away gets the
// leader's newest snapshot instead, in chunks of max_snapshot_chunk_bytes,
// one in flight at a time (Progress::State::Snapshot, paused like a probe).
// Every answer names the next byte the follower needs, so a lost chunk or a
// lost answer costs one re-send (a heartbeat response unpauses the transfer,
// as it does a probe), and a follower that restarted mid-transfer is served
// from byte 0 again. If the leader takes a newer snapshot meanwhile, the
// transfer restarts with that one.
//
// Follower: chunks are assembled in memory, one snapshot at a time and at
// most kMaxSnapshotBytes (the decoder's limit). A chunk that does not
// continue the assembly is answered with the offset the follower needs; a
// first chunk of another snapshot (another leader, term or snapshot)
// restarts it. Then, in this order:
//   - a snapshot at or below the commit index is refused: the follower has
//     that state already and wants appends after its commit index;
//   - a snapshot whose last entry (index, term) the follower's log holds
//     describes a prefix of that log (§7): the log is kept and committed up
//     to there, and nothing is installed (entries this follower acknowledged
//     after that point stay, so no acknowledgement is ever taken back);
//   - otherwise, once all bytes are there and their crc32c matches, the
//     follower discards its entire log (none of it can be a prefix of the
//     leader's beyond the snapshot) and installs the snapshot. The Ready
//     carries it to persist together with dropping every stored entry, and
//     the acknowledgement in that Ready leaves only once the write is
//     durable (raft.h contract). Nothing is applied until then
//     (applicable_index() is 0), and the node replaces its state machine
//     before applying anything after the snapshot.
// A crash at any point leaves either the old durable state or the new one:
// the assembly lives only in memory, and the install is one atomic write.

#include <algorithm>

#include "core/raft/raft.h"
#include "core/util/assert.h"

namespace confman::raft {

void Raft::set_snapshot(Snapshot snapshot) {
  CONFMAN_ASSERT(!snapshot.membership.voters.empty() &&
                     snapshot.membership.voters.size() + snapshot.membership.learners.size() <= kMaxMembers,
                 "a snapshot records the membership as of its index");
  CONFMAN_ASSERT(snapshot.data.size() <= kMaxSnapshotBytes, "snapshot larger than kMaxSnapshotBytes");
  snapshot_crc_ = crc32c(snapshot.data);
  snapshot_ = std::move(snapshot);
}

void Raft::compact(Snapshot snapshot, LogIndex compact_through) {
  CONFMAN_ASSERT(compact_through <= snapshot.index, "compaction beyond the snapshot that covers it");
  CONFMAN_ASSERT(snapshot.index <= log_.committed(), "a snapshot of state that is not committed");
  if (snapshot.index > snapshot_index()) set_snapshot(std::move(snapshot));
  // A no-op when an installed snapshot has moved the log past this point.
  log_.compact_to(compact_through);
  forget_config_entries_through(log_.compacted_index());
}

bool Raft::maybe_send_snapshot(NodeId peer, Progress& progress) {
  CONFMAN_ASSERT(snapshot_.has_value() && snapshot_->index >= log_.compacted_index(),
                 "a compacted log without the snapshot that covers it");
  if (progress.state != Progress::State::Snapshot || progress.pending_snapshot != snapshot_->index ||
      progress.pending_snapshot_term != snapshot_->term) {
    progress.become_snapshot(snapshot_->index, snapshot_->term);
  }
  if (progress.paused(config_.max_inflight_appends)) return false;
  const std::uint64_t size = snapshot_->data.size();
  const std::uint64_t offset = std::min<std::uint64_t>(progress.snapshot_offset, size);
  const std::uint64_t length = std::min<std::uint64_t>(config_.max_snapshot_chunk_bytes, size - offset);
  const auto first = snapshot_->data.begin() + static_cast<std::ptrdiff_t>(offset);
  progress.probe_sent = true;
  send(Message{.type = MessageType::Snapshot,
               .to = peer,
               .index = snapshot_->index,
               .log_term = snapshot_->term,
               .commit = log_.committed(),
               .snapshot_offset = offset,
               .snapshot_size = size,
               .snapshot_crc = snapshot_crc_,
               .membership = snapshot_->membership,
               .chunk = Bytes(first, first + static_cast<std::ptrdiff_t>(length))});
  return true;
}

void Raft::answer_snapshot(const Message& message, bool refused, std::uint64_t next_offset) {
  send(Message{.type = MessageType::SnapshotResponse,
               .to = message.from,
               .index = message.index,
               .log_term = message.log_term,
               .commit = log_.committed(),
               .reject = refused,
               .snapshot_offset = next_offset});
}

void Raft::handle_snapshot(const Message& message) {
  if (!from_the_leader_of_this_term(message)) return refuse(RefusedMessage::SecondLeader);
  if (role_ != Role::Follower) become_follower(term_, message.from);
  leader_ = message.from;
  last_leader_contact_us_ = now_us_;
  reset_election_deadline();

  if (message.index <= log_.committed()) {
    // Not newer than what we know is committed: refuse it, so the leader
    // continues with appends after our commit index.
    if (incoming_snapshot_ && incoming_snapshot_->index <= log_.committed()) incoming_snapshot_.reset();
    answer_snapshot(message, /*refused=*/true, message.snapshot_size);
    return;
  }
  if (log_.matches(message.index, message.log_term)) {
    // §7: the snapshot describes a prefix of our log. Entries up to its index
    // are committed (a snapshot holds committed state only) and ours match
    // them (§5.3 Log Matching); keep the log, and the entries after it.
    log_.commit_to(message.index);
    incoming_snapshot_.reset();
    answer_snapshot(message, /*refused=*/false, message.snapshot_size);
    return;
  }

  const bool continues = incoming_snapshot_ && incoming_snapshot_->from == message.from &&
                         incoming_snapshot_->term == term_ && incoming_snapshot_->index == message.index &&
                         incoming_snapshot_->snapshot_term == message.log_term &&
                         incoming_snapshot_->size == message.snapshot_size &&
                         incoming_snapshot_->crc == message.snapshot_crc;
  if (!continues) {
    // Another snapshot: only its first chunk replaces the assembly (a stray
    // late chunk must not destroy a newer transfer); any other gets "from 0".
    if (message.snapshot_offset != 0) {
      answer_snapshot(message, /*refused=*/false, 0);
      return;
    }
    incoming_snapshot_ = IncomingSnapshot{.from = message.from,
                                          .term = term_,
                                          .index = message.index,
                                          .snapshot_term = message.log_term,
                                          .size = message.snapshot_size,
                                          .crc = message.snapshot_crc,
                                          .data = {}};
  }
  IncomingSnapshot& incoming = *incoming_snapshot_;
  if (message.snapshot_offset != incoming.data.size()) {
    // A duplicate, or a chunk after a lost one: say where we stand.
    answer_snapshot(message, /*refused=*/false, incoming.data.size());
    return;
  }
  incoming.data.insert(incoming.data.end(), message.chunk.begin(), message.chunk.end());
  if (incoming.data.size() < incoming.size) {
    answer_snapshot(message, /*refused=*/false, incoming.data.size());
    return;
  }
  if (crc32c(incoming.data) != incoming.crc) {
    // Every chunk passed its frame checksum, yet the whole does not match
    // what the leader sent: start over rather than install it.
    incoming_snapshot_.reset();
    answer_snapshot(message, /*refused=*/false, 0);
    return;
  }
  install_snapshot(message);
}

void Raft::install_snapshot(const Message& last_chunk) {
  IncomingSnapshot incoming = std::move(*incoming_snapshot_);
  incoming_snapshot_.reset();
  // §7: "If existing log entry has same index and term as snapshot's last
  // included entry, retain log entries following it" was ruled out by the
  // caller, so the entire log is discarded.
  log_.restore_snapshot(incoming.index, incoming.snapshot_term);
  snapshot_ = Snapshot{incoming.index, incoming.snapshot_term, last_chunk.membership, std::move(incoming.data)};
  reset_membership(last_chunk.membership);
  snapshot_crc_ = incoming.crc;
  snapshot_unpersisted_ = true;
  install_pending_ = std::pair{incoming.index, incoming.snapshot_term};
  // Leaves with the Ready that persists the snapshot, after it is durable.
  answer_snapshot(last_chunk, /*refused=*/false, incoming.size);
}

void Raft::handle_snapshot_response(const Message& message) {
  if (role_ != Role::Leader) return;
  if (message.commit >= message.index && message.commit > log_.last_index()) {
    return refuse(RefusedMessage::AckBeyondLog);
  }
  auto found = progress_.find(message.from);
  if (found == progress_.end()) return;
  Progress& progress = found->second;
  progress.recent_active = true;
  note_follower_recovering(progress, message);
  if (message.commit >= message.index) {
    // The follower holds the snapshot's state: it installed it, or refused it
    // as not newer than its commit index. Either way every entry up to its
    // commit index is committed and so matches ours (§5.4), and appends
    // resume right after it.
    const bool updated = progress.maybe_update(message.commit);
    if (progress.state == Progress::State::Snapshot) {
      if (progress.match >= log_.compacted_index()) {
        progress.become_replicate();
      } else {
        progress.probe_sent = false;  // still behind: the newer snapshot follows
      }
    } else if (updated && progress.state == Progress::State::Probe) {
      progress.become_replicate();
    }
    if (maybe_commit()) {
      on_commit_advanced();
    } else {
      while (maybe_send_append(message.from, false)) {
      }
    }
    return;
  }
  const bool current = progress.state == Progress::State::Snapshot && message.index == progress.pending_snapshot &&
                       message.log_term == progress.pending_snapshot_term;
  if (!current) return;  // an answer about a transfer that is over
  progress.snapshot_offset = message.snapshot_offset;
  progress.probe_sent = false;
  maybe_send_append(message.from, true);
}

}  // namespace confman::raft
