#include "core/node/node.h"

#include <algorithm>
#include <utility>

#include "core/kv/key.h"
#include "core/kv/limits.h"
#include "core/node/stored_record.h"
#include "core/node/stored_state_check.h"
#include "core/util/assert.h"

namespace confman::node {

const char* storage_status_name(StorageStatus status) {
  switch (status) {
    case StorageStatus::Ok: return "ok";
    case StorageStatus::IoError: return "io-error";
    case StorageStatus::DiskFull: return "disk-full";
  }
  return "unknown";
}

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::Ok: return "ok";
    case Outcome::NotLeader: return "not-leader";
    case Outcome::Busy: return "busy";
    case Outcome::InvalidRequest: return "invalid-request";
    case Outcome::Unknown: return "unknown";
    case Outcome::Stopped: return "stopped";
    case Outcome::NoSpace: return "no-space";
  }
  return "unknown";
}

Node::Node(NodeConfig config, Env env)
    : env_(env),
      snapshot_threshold_entries_(config.snapshot_threshold_entries),
      snapshot_threshold_bytes_(config.snapshot_threshold_bytes),
      snapshot_trailing_bytes_(config.snapshot_trailing_bytes),
      snapshot_log_ratio_percent_(config.snapshot_log_ratio_percent),
      snapshot_trailing_entries_(config.snapshot_trailing_entries),
      raft_(config.raft, config.seed),
      disk_full_retry_us_(config.disk_full_retry_us),
      election_timeout_us_(config.raft.election_timeout_us) {
  CONFMAN_ASSERT(env_.storage != nullptr && env_.transport != nullptr && env_.responder != nullptr,
                 "Node needs storage, transport and a client responder");
}

Result<Done, StartError> Node::start(TimeUs now_us) {
  CONFMAN_ASSERT(!started_, "Node::start called twice");
  now_us_ = now_us;
  auto stored = env_.storage->load();
  if (!stored) return unexpected(StartError{std::string("storage load failed: ") + stored.error().detail});
  auto verified = verify_stored_state(*stored);
  if (!verified) return unexpected(StartError{verified.error().detail});
  const raft::HardState hard_state = verified->hard_state;
  std::optional<raft::Snapshot> snapshot = std::move(verified->snapshot);
  std::vector<raft::Entry> entries = std::move(verified->entries);
  if (snapshot) {
    if (auto restored = restore_store(*snapshot); !restored) return unexpected(restored.error());
  }
  const LogIndex snapshot_index = snapshot ? snapshot->index : 0;
  raft_.restore(hard_state, snapshot, std::move(entries), now_us);
  applied_index_ = snapshot_index;
  started_ = true;
  last_status_ = raft_.status();
  if (env_.observer != nullptr) {
    env_.observer->on_status_change(last_status_);
    if (snapshot) env_.observer->on_snapshot_installed(id(), snapshot->index, snapshot->term);
  }
  notify_membership_if_changed(last_status_.commit);
  apply_committed();
  return Done{};
}

// Restores the store from a verified snapshot record.
Result<Done, StartError> Node::restore_store(const raft::Snapshot& snapshot) {
  auto restored = kv::Store::restore_snapshot(snapshot.data);
  if (!restored) {
    return unexpected(StartError{"snapshot record at index " + std::to_string(snapshot.index) +
                                 ": store state: " + restored.error().describe()});
  }
  store_ = std::move(restored).value();
  last_snapshot_bytes_ = snapshot.data.size();
  return Done{};
}

// As Raft does (Raft::advance_clock): a clock that went backwards counts as
// no time passed. The node's own deadlines move back with it, so a retry of
// a refused write or a transfer's deadline is not put off by the jump (a
// disk-full node whose clock stepped back 15 s stayed out of the cluster 15 s
// longer; found by swarm seed 235 of timeline-split-5).
void Node::advance_clock(TimeUs now_us) {
  if (now_us < now_us_) {
    const TimeUs back_us = now_us_ - now_us;
    if (disk_full_retry_at_us_) *disk_full_retry_at_us_ -= back_us;
    if (pending_transfer_) pending_transfer_->deadline_us -= back_us;
  }
  now_us_ = now_us;
}

TimeUs Node::next_deadline_us() const {
  if (!disk_full_) return raft_.next_deadline_us();
  // While a retry is in flight, nothing is due (Raft's timers wait).
  return disk_full_retry_at_us_ ? *disk_full_retry_at_us_ : now_us_ + disk_full_retry_us_;
}

void Node::receive(ByteView frame, TimeUs now_us) {
  if (stopped_) return;
  advance_clock(now_us);
  if (disk_full()) {
    // Any answer would have to wait behind the refused write: as if lost.
    messages_dropped_disk_full_ += 1;
    return;
  }
  auto message = raft::decode_message(frame);
  if (!message) {
    // Corrupted or malformed: dropped, exactly like a lost message.
    messages_dropped_corrupt_ += 1;
    return;
  }
  raft_.step(*message, now_us);
  after_input();
}

void Node::tick(TimeUs now_us) {
  if (stopped_) return;
  advance_clock(now_us);
  if (disk_full()) {
    // Raft's timers wait too: an election it could not record would only
    // disturb the others.
    if (disk_full_retry_at_us_ && now_us >= *disk_full_retry_at_us_) retry_refused_write();
    return;
  }
  raft_.tick(now_us);
  after_input();  // also settles a transfer whose deadline has passed
}

void Node::submit(ClientRequest request, TimeUs now_us) {
  if (stopped_) {
    respond(ClientResponse{.request_id = request.request_id, .outcome = Outcome::Stopped, .detail = stop_reason_});
    return;
  }
  advance_clock(now_us);
  if (disk_full()) {
    if (request.kind == RequestKind::Write) {
      refuse_for_disk_full(request.request_id, "refuses writes");
      return;
    }
    if (request.consistency != ReadConsistency::Stale) {
      refuse_for_disk_full(request.request_id, "cannot confirm a linearizable read (a stale read still works)");
      return;
    }
  }
  switch (request.kind) {
    case RequestKind::Write: submit_write(request); break;
    case RequestKind::Get: submit_get(request); break;
    case RequestKind::ConfigChange: submit_config_change(request); break;
    case RequestKind::TransferLeadership: submit_transfer(request); break;
    case RequestKind::ReadBarrier: submit_read_barrier(request); break;
  }
  after_input();
}

void Node::reject(std::uint64_t request_id, const raft::Rejection& rejection) {
  Outcome outcome = Outcome::NotLeader;
  switch (rejection.reason) {
    case raft::RejectReason::NotLeader: outcome = Outcome::NotLeader; break;
    case raft::RejectReason::Busy:
    case raft::RejectReason::LeaderNotReady: outcome = Outcome::Busy; break;
    case raft::RejectReason::Invalid: outcome = Outcome::InvalidRequest; break;
  }
  respond(ClientResponse{
      .request_id = request_id, .outcome = outcome, .leader_hint = rejection.leader_hint, .detail = rejection.detail});
}

void Node::submit_config_change(ClientRequest& request) {
  auto index = raft_.propose_config_change(request.config_change, now_us_);
  if (!index) {
    reject(request.request_id, index.error());
    return;
  }
  pending_writes_[*index] = PendingWrite{request.request_id, raft_.term()};
}

void Node::submit_transfer(ClientRequest& request) {
  if (pending_transfer_) {
    respond(ClientResponse{.request_id = request.request_id,
                           .outcome = Outcome::Busy,
                           .leader_hint = raft_.leader(),
                           .detail = "a leadership transfer is under way"});
    return;
  }
  auto started = raft_.transfer_leadership(request.transfer_target, now_us_);
  if (!started) {
    reject(request.request_id, started.error());
    return;
  }
  // Settled when the target leads, or after two election timeouts (the
  // transfer itself is abandoned after one, §3.10).
  pending_transfer_ = PendingTransfer{request.request_id, request.transfer_target, now_us_ + 2 * election_timeout_us_};
}

void Node::settle_transfer(const raft::RaftStatus& status) {
  if (!pending_transfer_) return;
  const PendingTransfer transfer = *pending_transfer_;
  if (status.leader == transfer.target) {
    pending_transfer_.reset();
    respond(ClientResponse{.request_id = transfer.request_id, .outcome = Outcome::Ok, .leader_hint = transfer.target});
    return;
  }
  const bool abandoned = status.role == raft::Role::Leader && raft_.transfer_target() != transfer.target;
  if (abandoned || now_us_ >= transfer.deadline_us) {
    pending_transfer_.reset();
    respond(ClientResponse{.request_id = transfer.request_id,
                           .outcome = Outcome::Unknown,
                           .leader_hint = status.leader,
                           .detail = "node " + std::to_string(transfer.target) + " did not take over leadership in time"});
  }
}

void Node::submit_write(ClientRequest& request) {
  const kv::Command& command = request.write.command;
  if (auto valid = kv::validate_key(command.key); !valid) {
    respond(ClientResponse{.request_id = request.request_id,
                           .outcome = Outcome::InvalidRequest,
                           .detail = valid.error().message});
    return;
  }
  if (command.value.size() > kv::kMaxValueBytes) {
    respond(ClientResponse{.request_id = request.request_id,
                           .outcome = Outcome::InvalidRequest,
                           .detail = "value of " + std::to_string(command.value.size()) +
                                     " bytes exceeds the limit of " + std::to_string(kv::kMaxValueBytes)});
    return;
  }
  auto index = raft_.propose(kv::encode_write_request(request.write), now_us_);
  if (!index) {
    reject(request.request_id, index.error());
    return;
  }
  pending_writes_[*index] = PendingWrite{request.request_id, raft_.term()};
}

void Node::submit_read_barrier(ClientRequest& request) {
  auto accepted = raft_.read_index(request.request_id, now_us_);
  if (!accepted) {
    reject(request.request_id, accepted.error());
    return;
  }
  reads_awaiting_confirmation_[request.request_id] = std::string();  // no key: a barrier
}

void Node::submit_get(ClientRequest& request) {
  if (auto valid = kv::validate_key(request.key); !valid) {
    respond(ClientResponse{.request_id = request.request_id,
                           .outcome = Outcome::InvalidRequest,
                           .detail = valid.error().message});
    return;
  }
  if (request.consistency == ReadConsistency::Stale) {
    answer_read(request.request_id, request.key);
    return;
  }
  auto accepted = raft_.read_index(request.request_id, now_us_);
  if (!accepted) {
    reject(request.request_id, accepted.error());
    return;
  }
  reads_awaiting_confirmation_[request.request_id] = request.key;
}

void Node::after_input() {
  notify_status_if_changed();
  pump();
}

void Node::notify_membership_if_changed(LogIndex commit) {
  const LogIndex index = raft_.membership_index();
  const bool committed = index <= commit;
  if (membership_notified_ && index == notified_membership_index_ && committed == notified_membership_committed_) {
    return;
  }
  membership_notified_ = true;
  notified_membership_index_ = index;
  notified_membership_committed_ = committed;
  if (env_.observer != nullptr) env_.observer->on_membership_change(id(), raft_.membership(), index, committed);
}

void Node::notify_status_if_changed() {
  const raft::RaftStatus status = raft_.status();
  const bool changed = status.role != last_status_.role || status.term != last_status_.term ||
                       status.leader != last_status_.leader || status.commit != last_status_.commit ||
                       status.recovering != last_status_.recovering;
  const bool lost_leadership = last_status_.role == raft::Role::Leader &&
                               (status.role != raft::Role::Leader || status.term != last_status_.term);
  last_status_ = status;
  // Entries already committed stay: this node applies them and answers Ok
  // (a leader that removed itself steps down as soon as its change commits).
  if (lost_leadership) fail_pending_writes(Outcome::Unknown, "leadership changed before it was committed", status.commit);
  if (changed && env_.observer != nullptr) env_.observer->on_status_change(status);
  notify_membership_if_changed(status.commit);
  settle_transfer(status);
}

void Node::pump() {
  if (pumping_) {
    pump_again_ = true;  // a synchronous storage callback re-entered
    return;
  }
  pumping_ = true;
  do {
    pump_again_ = false;
    while (!stopped_ && !write_in_flight_) {
      // A snapshot the node took goes first: under steady load there is
      // always a Ready, and compaction must not starve.
      if (pending_local_snapshot_) {
        write_local_snapshot();
        continue;
      }
      if (!raft_.has_ready()) break;
      raft::Ready ready = raft_.take_ready();
      notify_status_if_changed();
      send_messages(ready.messages);
      if (!ready.snapshot && !ready.hard_state && ready.entries.empty()) {
        finish_ready(ready);
        continue;
      }
      write_in_flight_ = true;
      WriteBatch batch = make_batch(ready);
      in_flight_ready_ = std::move(ready);
      issue_write(std::move(batch));
    }
    // A commit index that advanced on an acknowledgement makes no Ready of
    // its own (Raft::write_needed), and need not wait for one: the entries
    // are durable here and on a quorum, so they apply now, even while a
    // later write is in flight. Waiting would cost a lone client a
    // heartbeat interval per write.
    if (!stopped_ && raft_.applicable_index() > applied_index_) {
      apply_committed();
      pump_again_ = true;
    }
  } while (pump_again_);
  pumping_ = false;
}

// Raft dissertation §10.2.1: the leader may write to its own disk in
// parallel with replicating to its followers. Raft sorts its messages
// (raft.h, the I/O ordering contract): ready.messages promise nothing about
// this node's disk and leave at once; the rest wait for the write. Without
// this a write costs the leader's sync and then a follower's, one after the
// other.
void Node::send_messages(std::vector<raft::Message>& messages) {
  for (raft::Message& message : messages) env_.transport->send(message.to, raft::encode_message(message));
  messages.clear();
}

void Node::issue_write(WriteBatch batch) {
  env_.storage->write(std::move(batch), [this](StorageStatus status) { on_write_complete(status); });
}

void Node::retry_refused_write() {
  CONFMAN_ASSERT(write_in_flight_ && (in_flight_ready_.has_value() || in_flight_local_snapshot_.has_value()),
                 "no refused write to retry");
  disk_full_retry_at_us_.reset();
  issue_write(in_flight_local_snapshot_ ? make_snapshot_batch(*in_flight_local_snapshot_)
                                        : make_batch(*in_flight_ready_));
}

void Node::refuse_for_disk_full(std::uint64_t request_id, const char* what) {
  respond(ClientResponse{.request_id = request_id,
                         .outcome = Outcome::NoSpace,
                         .leader_hint = raft_.leader(),
                         .detail = std::string("disk full: node ") + std::to_string(id()) + " " + what +
                                   " until space returns"});
}

WriteBatch Node::make_snapshot_batch(const LocalSnapshot& local) {
  WriteBatch batch;
  batch.snapshot = encode_snapshot_record(local.snapshot);
  batch.compact_through = local.compact_through;
  return batch;
}

WriteBatch Node::make_batch(const raft::Ready& ready) {
  WriteBatch batch;
  if (ready.hard_state) batch.hard_state = encode_hard_state_record(*ready.hard_state);
  batch.pin_hard_state = ready.pin_hard_state;
  if (ready.snapshot) {
    // §7: the installed snapshot replaces the whole log, in this one write.
    batch.snapshot = encode_snapshot_record(*ready.snapshot);
    batch.compact_through = ready.snapshot->index;
    batch.truncate_from = ready.snapshot->index + 1;
    CONFMAN_ASSERT(ready.entries.empty() || ready.persist_from == ready.snapshot->index + 1,
                   "entries persisted with a snapshot must follow it");
  }
  if (!ready.entries.empty()) {
    batch.truncate_from = ready.persist_from;
    batch.first_index = ready.persist_from;
    batch.entries.reserve(ready.entries.size());
    for (const raft::Entry& entry : ready.entries) batch.entries.push_back(encode_entry_record(entry));
  }
  return batch;
}

void Node::on_write_complete(StorageStatus status) {
  CONFMAN_ASSERT(write_in_flight_ && (in_flight_ready_.has_value() || in_flight_local_snapshot_.has_value()),
                 "storage completed a write the node did not issue");
  if (status == StorageStatus::DiskFull && !stopped_) {
    // Refused whole: nothing of it is on disk, so it can simply be tried
    // again. It stays in flight, and everything waits behind it.
    disk_full_refusals_ += 1;
    // The writes waiting on this batch are answered now, not held for as
    // long as the disk stays full (a write once hung for 30 s, then every
    // write got 507 with nothing said about the first). Their entries stay
    // in the log and may still be stored and committed once there is space:
    // the outcome is unknown, and a retry with the same session is safe.
    if (!disk_full_) {
      fail_pending_writes(Outcome::Unknown,
                          "this node's disk is full; the write is held and may be stored once there is space",
                          raft_.log().committed());
    }
    disk_full_ = true;
    disk_full_retry_at_us_ = now_us_ + disk_full_retry_us_;
    return;
  }
  write_in_flight_ = false;
  if (status == StorageStatus::Ok) disk_full_ = false;
  if (in_flight_local_snapshot_) {
    LocalSnapshot local = std::move(*in_flight_local_snapshot_);
    in_flight_local_snapshot_.reset();
    if (stopped_) return;
    if (status != StorageStatus::Ok) {
      fail_stop(std::string("storage write of a snapshot failed: ") + storage_status_name(status));
      return;
    }
    on_local_snapshot_durable(std::move(local));
    notify_status_if_changed();
    pump();
    return;
  }
  raft::Ready ready = std::move(*in_flight_ready_);
  in_flight_ready_.reset();
  if (stopped_) return;
  if (status != StorageStatus::Ok) {
    // Fail-stop: the Ready's votes and acknowledgements must never leave.
    fail_stop(std::string("storage write failed: ") + storage_status_name(status));
    return;
  }
  // The snapshot is durable: the state machine takes it before anything
  // after it is applied, and before the acknowledgement leaves (finish_ready).
  if (ready.snapshot && !install_snapshot(*ready.snapshot)) return;
  if (env_.observer != nullptr && !ready.entries.empty()) env_.observer->on_entries_persisted(id(), ready.entries);
  finish_ready(ready);
  notify_status_if_changed();
  pump();
}

void Node::finish_ready(raft::Ready& ready) {
  send_messages(ready.messages_after_persist);
  raft_.advance(ready);
  for (const raft::ReadState& read : ready.read_states) {
    auto found = reads_awaiting_confirmation_.find(read.request_id);
    if (found == reads_awaiting_confirmation_.end()) continue;
    reads_awaiting_apply_.emplace(read.index, PendingRead{read.request_id, std::move(found->second)});
    reads_awaiting_confirmation_.erase(found);
  }
  for (std::uint64_t request_id : ready.failed_reads) {
    if (reads_awaiting_confirmation_.erase(request_id) == 0) continue;
    // A read has no effect, so losing leadership makes it a clean rejection.
    respond(ClientResponse{.request_id = request_id, .outcome = Outcome::NotLeader, .leader_hint = raft_.leader()});
  }
  apply_committed();
}

void Node::apply_committed() {
  const LogIndex applicable = raft_.applicable_index();
  const LogIndex applied_before = applied_index_;
  while (applied_index_ < applicable) {
    const LogIndex index = applied_index_ + 1;
    const raft::Entry& entry = raft_.log().at(index);
    kv::WriteResult result;
    std::optional<raft::Membership> membership;
    if (entry.type == raft::EntryType::Config) {
      auto data = raft::decode_config_entry(entry.data);
      CONFMAN_ASSERT(data.ok(), "a committed Config entry does not decode");
      membership = data->membership;
      apply_member_change(data->change);
    }
    std::optional<kv::WriteRequest> request;
    if (entry.type == raft::EntryType::Normal) {
      auto decoded = kv::decode_write_request(entry.data);
      if (decoded) request = std::move(decoded).value();
      result = request ? store_.apply(*request) : kv::WriteResult{kv::Status::Malformed, store_.revision(), {}};
    }
    applied_index_ = index;
    log_bytes_since_snapshot_ += entry.data.size();
    if (env_.observer != nullptr) {
      env_.observer->on_apply(id(), entry);
      if (request) env_.observer->on_write_applied(id(), index, *request, result);
    }
    auto pending = pending_writes_.find(index);
    if (pending != pending_writes_.end()) {
      // Another leader's entry at our index means ours was overwritten.
      const bool ours = pending->second.term == entry.term;
      respond(ClientResponse{.request_id = pending->second.request_id,
                             .outcome = ours ? Outcome::Ok : Outcome::Unknown,
                             .write = ours ? result : kv::WriteResult{},
                             .membership = ours ? membership : std::nullopt});
      pending_writes_.erase(pending);
    }
  }
  serve_ready_reads();
  if (applied_index_ > applied_before) env_.responder->on_store_changed();
  maybe_take_snapshot();
}

// The member registry follows the log (store.h): an added member's address
// record arrives with its change, and leaves with its removal.
void Node::apply_member_change(const raft::ConfigChange& change) {
  switch (change.type) {
    case raft::ConfigChangeType::AddVoter:
    case raft::ConfigChangeType::AddLearner:
      if (!change.context.empty()) store_.set_member_record(change.node, change.context);
      break;
    case raft::ConfigChangeType::Remove: store_.erase_member_record(change.node); break;
    case raft::ConfigChangeType::Promote: break;
  }
}

std::optional<std::string> Node::member_record(NodeId member) const {
  const LogIndex index = raft_.membership_index();
  if (index > applied_index_) {
    // The change in force is not applied yet (at most one is in flight).
    auto data = raft::decode_config_entry(raft_.log().at(index).data);
    CONFMAN_ASSERT(data.ok(), "a Config entry in the log does not decode");
    const raft::ConfigChange& change = data->change;
    const bool adds = change.type == raft::ConfigChangeType::AddVoter || change.type == raft::ConfigChangeType::AddLearner;
    if (adds && change.node == member && !change.context.empty()) return change.context;
  }
  if (const std::string* record = store_.member_record(member)) return *record;
  return std::nullopt;
}

bool Node::install_snapshot(const raft::Snapshot& snapshot) {
  CONFMAN_ASSERT(snapshot.index > applied_index_, "installing a snapshot that is not ahead of the applied state");
  auto restored = kv::Store::restore_snapshot(snapshot.data);
  if (!restored) {
    // It matched the leader's checksum, so the leader wrote what we cannot
    // read (a format this build does not know). It is durable now, and the
    // acknowledgement must not leave: stop, and say why.
    fail_stop("snapshot at index " + std::to_string(snapshot.index) +
              " from the leader does not decode: " + restored.error().describe());
    return false;
  }
  store_ = std::move(restored).value();
  applied_index_ = snapshot.index;
  last_snapshot_bytes_ = snapshot.data.size();
  log_bytes_since_snapshot_ = 0;
  snapshots_installed_ += 1;
  if (env_.observer != nullptr) env_.observer->on_snapshot_installed(id(), snapshot.index, snapshot.term);
  env_.responder->on_store_changed();
  return true;
}

// Where the log is compacted behind a snapshot at applied_index_: at most
// snapshot_trailing_entries entries stay, and at most snapshot_trailing_bytes
// of them.
LogIndex Node::trailing_compaction_index() const {
  LogIndex through = applied_index_ > snapshot_trailing_entries_ ? applied_index_ - snapshot_trailing_entries_ : 0;
  if (snapshot_trailing_bytes_ == 0) return through;
  std::uint64_t kept_bytes = 0;
  for (LogIndex index = applied_index_; index > through && index > raft_.log().compacted_index(); --index) {
    kept_bytes += raft_.log().at(index).data.size();
    if (kept_bytes > snapshot_trailing_bytes_) return index;
  }
  return through;
}

// Dissertation §5.1.2: snapshot once the log has grown by a fixed amount
// since the last snapshot, so the cost of writing one is amortised over as
// many entries.
void Node::maybe_take_snapshot() {
  if (pending_local_snapshot_ || in_flight_local_snapshot_) return;
  const LogIndex since = std::max(raft_.snapshot_index(), skipped_snapshot_at_);
  if (applied_index_ < since) return;
  const bool enough_entries = snapshot_threshold_entries_ > 0 && applied_index_ - since >= snapshot_threshold_entries_;
  const bool enough_bytes = snapshot_threshold_bytes_ > 0 && log_bytes_since_snapshot_ >= snapshot_threshold_bytes_;
  if (!enough_entries && !enough_bytes) return;
  if (log_bytes_since_snapshot_ * 100 < last_snapshot_bytes_ * snapshot_log_ratio_percent_) return;
  Bytes data = store_.snapshot();
  last_snapshot_bytes_ = data.size();
  log_bytes_since_snapshot_ = 0;
  if (data.size() > raft::kMaxSnapshotBytes) {
    snapshots_too_large_ += 1;
    skipped_snapshot_at_ = applied_index_;
    return;
  }
  const auto term = raft_.log().term_at(applied_index_);
  CONFMAN_ASSERT(term.has_value(), "the applied entry is not in the log");
  const LogIndex compact_through = trailing_compaction_index();
  pending_local_snapshot_ =
      LocalSnapshot{raft::Snapshot{applied_index_, *term, raft_.membership_at(applied_index_), std::move(data)},
                    compact_through};
}

void Node::write_local_snapshot() {
  LocalSnapshot local = std::move(*pending_local_snapshot_);
  pending_local_snapshot_.reset();
  // A newer snapshot came from the leader while this one waited: writing
  // this one now would put an older snapshot in front of a log that
  // continues the newer one.
  if (local.snapshot.index <= raft_.snapshot_index()) return;
  WriteBatch batch = make_snapshot_batch(local);
  write_in_flight_ = true;
  in_flight_local_snapshot_ = std::move(local);
  issue_write(std::move(batch));
}

void Node::on_local_snapshot_durable(LocalSnapshot local) {
  const LogIndex compacted_before = raft_.log().compacted_index();
  raft_.compact(std::move(local.snapshot), local.compact_through);
  snapshots_taken_ += 1;
  const LogIndex compacted = raft_.log().compacted_index();
  if (compacted > compacted_before && env_.observer != nullptr) env_.observer->on_log_compacted(id(), compacted);
}

void Node::serve_ready_reads() {
  while (!reads_awaiting_apply_.empty() && reads_awaiting_apply_.begin()->first <= applied_index_) {
    auto node = reads_awaiting_apply_.extract(reads_awaiting_apply_.begin());
    answer_read(node.mapped().request_id, node.mapped().key);
  }
}

void Node::answer_read(std::uint64_t request_id, const std::string& key) {
  respond(ClientResponse{.request_id = request_id,
                         .outcome = Outcome::Ok,
                         .read = key.empty() ? std::nullopt : store_.get(key),
                         .read_revision = store_.revision()});
}

void Node::fail_pending_writes(Outcome outcome, const std::string& detail, LogIndex keep_through) {
  // Entries of a deposed leader may still commit under the next one, so the
  // outcome is unknown; a client retry with the same session is safe.
  auto first_failed = pending_writes_.upper_bound(keep_through);
  std::map<LogIndex, PendingWrite> pending(first_failed, pending_writes_.end());
  pending_writes_.erase(first_failed, pending_writes_.end());
  for (const auto& [index, write] : pending) {
    respond(ClientResponse{.request_id = write.request_id, .outcome = outcome, .leader_hint = raft_.leader(), .detail = detail});
  }
}

void Node::fail_stop(std::string reason) {
  stopped_ = true;
  stop_reason_ = std::move(reason);
  fail_pending_writes(Outcome::Unknown, "the node stopped: " + stop_reason_);
  if (pending_transfer_) {
    respond(ClientResponse{.request_id = pending_transfer_->request_id, .outcome = Outcome::Stopped, .detail = stop_reason_});
    pending_transfer_.reset();
  }
  for (const auto& [request_id, key] : reads_awaiting_confirmation_) {
    respond(ClientResponse{.request_id = request_id, .outcome = Outcome::Stopped, .detail = stop_reason_});
  }
  reads_awaiting_confirmation_.clear();
  for (const auto& [index, read] : reads_awaiting_apply_) {
    respond(ClientResponse{.request_id = read.request_id, .outcome = Outcome::Stopped, .detail = stop_reason_});
  }
  reads_awaiting_apply_.clear();
}

void Node::respond(ClientResponse response) { env_.responder->respond(std::move(response)); }

}  // namespace confman::node
