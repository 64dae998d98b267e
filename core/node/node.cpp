#include "core/node/node.h"

#include <utility>

#include "core/kv/key.h"
#include "core/kv/limits.h"
#include "core/node/stored_record.h"
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
  }
  return "unknown";
}

Node::Node(NodeConfig config, Env env) : env_(env), raft_(std::move(config.raft), config.seed) {
  CONFMAN_ASSERT(env_.storage != nullptr && env_.transport != nullptr && env_.responder != nullptr,
                 "Node needs storage, transport and a client responder");
}

Result<Done, StartError> Node::start(TimeUs now_us) {
  CONFMAN_ASSERT(!started_, "Node::start called twice");
  now_us_ = now_us;
  auto stored = env_.storage->load();
  if (!stored) return unexpected(StartError{std::string("storage load failed: ") + stored.error().detail});
  raft::HardState hard_state;
  if (stored->hard_state) {
    auto decoded = decode_hard_state_record(*stored->hard_state);
    if (!decoded) return unexpected(StartError{"hard state record: " + decoded.error().describe()});
    hard_state = *decoded;
  }
  std::vector<raft::Entry> entries;
  entries.reserve(stored->entries.size());
  for (std::size_t i = 0; i < stored->entries.size(); ++i) {
    auto decoded = decode_entry_record(stored->entries[i]);
    if (!decoded) {
      return unexpected(StartError{"entry record " + std::to_string(i + 1) + ": " + decoded.error().describe()});
    }
    if (decoded->index != i + 1) {
      return unexpected(StartError{"entry record " + std::to_string(i + 1) + " holds index " +
                                   std::to_string(decoded->index)});
    }
    entries.push_back(std::move(decoded).value());
  }
  if (hard_state.commit > entries.size()) {
    return unexpected(StartError{"commit index " + std::to_string(hard_state.commit) +
                                 " is beyond the durable log (" + std::to_string(entries.size()) + " entries)"});
  }
  raft_.restore(hard_state, std::move(entries), now_us);
  started_ = true;
  last_status_ = raft_.status();
  if (env_.observer != nullptr) env_.observer->on_status_change(last_status_);
  apply_committed();
  return Done{};
}

void Node::receive(ByteView frame, TimeUs now_us) {
  if (stopped_) return;
  now_us_ = now_us;
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
  now_us_ = now_us;
  raft_.tick(now_us);
  after_input();
}

void Node::submit(ClientRequest request, TimeUs now_us) {
  if (stopped_) {
    respond(ClientResponse{.request_id = request.request_id, .outcome = Outcome::Stopped, .detail = stop_reason_});
    return;
  }
  now_us_ = now_us;
  if (request.kind == RequestKind::Write) {
    submit_write(request);
  } else {
    submit_get(request);
  }
  after_input();
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
    const Outcome outcome = index.error().reason == raft::RejectReason::Busy ? Outcome::Busy : Outcome::NotLeader;
    respond(ClientResponse{.request_id = request.request_id, .outcome = outcome, .leader_hint = index.error().leader_hint});
    return;
  }
  pending_writes_[*index] = PendingWrite{request.request_id, raft_.term()};
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
    const Outcome outcome = accepted.error().reason == raft::RejectReason::Busy ? Outcome::Busy : Outcome::NotLeader;
    respond(ClientResponse{.request_id = request.request_id, .outcome = outcome, .leader_hint = accepted.error().leader_hint});
    return;
  }
  reads_awaiting_confirmation_[request.request_id] = request.key;
}

void Node::after_input() {
  notify_status_if_changed();
  pump();
}

void Node::notify_status_if_changed() {
  const raft::RaftStatus status = raft_.status();
  const bool changed = status.role != last_status_.role || status.term != last_status_.term ||
                       status.leader != last_status_.leader || status.commit != last_status_.commit;
  const bool lost_leadership = last_status_.role == raft::Role::Leader &&
                               (status.role != raft::Role::Leader || status.term != last_status_.term);
  last_status_ = status;
  if (lost_leadership) fail_pending_writes(Outcome::Unknown);
  if (changed && env_.observer != nullptr) env_.observer->on_status_change(status);
}

void Node::pump() {
  if (pumping_) {
    pump_again_ = true;  // a synchronous storage callback re-entered
    return;
  }
  pumping_ = true;
  do {
    pump_again_ = false;
    while (!stopped_ && !write_in_flight_ && raft_.has_ready()) {
      raft::Ready ready = raft_.take_ready();
      notify_status_if_changed();
      if (!ready.hard_state && ready.entries.empty()) {
        finish_ready(ready);
        continue;
      }
      write_in_flight_ = true;
      WriteBatch batch = make_batch(ready);
      in_flight_ready_ = std::move(ready);
      env_.storage->write(std::move(batch), [this](StorageStatus status) { on_write_complete(status); });
    }
  } while (pump_again_);
  pumping_ = false;
}

WriteBatch Node::make_batch(const raft::Ready& ready) {
  WriteBatch batch;
  if (ready.hard_state) batch.hard_state = encode_hard_state_record(*ready.hard_state);
  if (!ready.entries.empty()) {
    batch.truncate_from = ready.persist_from;
    batch.first_index = ready.persist_from;
    batch.entries.reserve(ready.entries.size());
    for (const raft::Entry& entry : ready.entries) batch.entries.push_back(encode_entry_record(entry));
  }
  return batch;
}

void Node::on_write_complete(StorageStatus status) {
  CONFMAN_ASSERT(write_in_flight_ && in_flight_ready_.has_value(), "storage completed a write the node did not issue");
  write_in_flight_ = false;
  raft::Ready ready = std::move(*in_flight_ready_);
  in_flight_ready_.reset();
  if (stopped_) return;
  if (status != StorageStatus::Ok) {
    // Fail-stop: the Ready's votes and acknowledgements must never leave.
    fail_stop(std::string("storage write failed: ") + storage_status_name(status));
    return;
  }
  if (env_.observer != nullptr && !ready.entries.empty()) env_.observer->on_entries_persisted(id(), ready.entries);
  finish_ready(ready);
  notify_status_if_changed();
  pump();
}

void Node::finish_ready(raft::Ready& ready) {
  for (raft::Message& message : ready.messages) {
    const NodeId to = message.to;
    env_.transport->send(to, raft::encode_message(message));
  }
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
  while (applied_index_ < applicable) {
    const LogIndex index = applied_index_ + 1;
    const raft::Entry& entry = raft_.log().at(index);
    kv::WriteResult result;
    if (entry.type == raft::EntryType::Normal) {
      auto request = kv::decode_write_request(entry.data);
      result = request ? store_.apply(*request) : kv::WriteResult{kv::Status::Malformed, store_.revision(), {}};
    }
    applied_index_ = index;
    if (env_.observer != nullptr) env_.observer->on_apply(id(), entry);
    auto pending = pending_writes_.find(index);
    if (pending != pending_writes_.end()) {
      // Another leader's entry at our index means ours was overwritten.
      const bool ours = pending->second.term == entry.term;
      respond(ClientResponse{.request_id = pending->second.request_id,
                             .outcome = ours ? Outcome::Ok : Outcome::Unknown,
                             .write = ours ? result : kv::WriteResult{}});
      pending_writes_.erase(pending);
    }
  }
  serve_ready_reads();
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
                         .read = store_.get(key),
                         .read_revision = store_.revision()});
}

void Node::fail_pending_writes(Outcome outcome) {
  // Entries of a deposed leader may still commit under the next one, so the
  // outcome is unknown; a client retry with the same session is safe.
  auto pending = std::move(pending_writes_);
  pending_writes_.clear();
  for (const auto& [index, write] : pending) {
    respond(ClientResponse{.request_id = write.request_id, .outcome = outcome, .leader_hint = raft_.leader()});
  }
}

void Node::fail_stop(std::string reason) {
  stopped_ = true;
  stop_reason_ = std::move(reason);
  fail_pending_writes(Outcome::Unknown);
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
