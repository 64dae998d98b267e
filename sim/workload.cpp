#include "sim/workload.h"

#include "core/util/assert.h"

namespace confman::sim {

namespace {
constexpr TimeUs kRetryBackoffUs = 10'000;
constexpr std::uint32_t kMaxAttempts = 0xFFFF;
}  // namespace

Client::Client(int index, int node_count, const WorkloadOptions& options, std::uint64_t seed, EventQueue& queue,
               History& history, Trace& trace, SendFn send)
    : index_(index),
      node_count_(node_count),
      options_(options),
      random_(seed),
      queue_(queue),
      history_(history),
      trace_(trace),
      send_(std::move(send)) {}

std::uint64_t Client::request_id(int client, std::uint64_t op_number, std::uint32_t attempt) {
  CONFMAN_ASSERT(op_number < (1ULL << 32) && attempt <= kMaxAttempts, "request id fields out of range");
  return (static_cast<std::uint64_t>(client) << 48) | (op_number << 16) | attempt;
}

int Client::client_of(std::uint64_t request_id) { return static_cast<int>(request_id >> 48); }

void Client::start() { schedule_next_op(); }

void Client::schedule_next_op() {
  if (!issuing_) return;
  const TimeUs think_us = random_.between(options_.think_min_us, options_.think_max_us);
  queue_.schedule_after(think_us, [this] {
    if (issuing_ && !op_) begin_op();
  });
}

void Client::begin_op() {
  Op op;
  const std::uint64_t total =
      options_.get_weight + options_.put_weight + options_.delete_weight + options_.cas_weight;
  std::uint64_t draw = random_.below(total);
  if (draw < options_.get_weight) {
    op.kind = OpKind::Get;
  } else if ((draw -= options_.get_weight) < options_.put_weight) {
    op.kind = OpKind::Put;
  } else if ((draw -= options_.put_weight) < options_.delete_weight) {
    op.kind = OpKind::Delete;
  } else {
    op.kind = OpKind::Cas;
  }
  op.key = "/k/" + std::to_string(random_.below(static_cast<std::uint64_t>(options_.keys)));
  op.op_number = next_op_number_++;
  op.value = "c" + std::to_string(index_) + "-" + std::to_string(op.op_number);
  if (op.kind == OpKind::Cas) {
    // Mostly the last revision we saw (often still current), sometimes
    // "create if absent": both outcomes of a CAS get exercised.
    auto seen = last_seen_mod_revision_.find(op.key);
    const bool create = seen == last_seen_mod_revision_.end() || random_.chance(1, 5);
    op.expected_mod_revision = create ? 0 : seen->second;
  }
  if (op.kind != OpKind::Get) op.sequence = next_sequence_++;
  op.deadline_us = queue_.now_us() + options_.op_timeout_us;
  op_ = std::move(op);
  if (op_->kind != OpKind::Get || records_reads()) history_.record(base_event(EventType::Invoke));
  send_attempt();
}

HistoryEvent Client::base_event(EventType type) const {
  HistoryEvent event;
  event.process = index_;
  event.type = type;
  event.f = op_->kind;
  event.key = op_->key;
  event.time_us = queue_.now_us();
  event.value = op_->value;
  event.expected_mod_revision = op_->expected_mod_revision;
  if (op_->kind == OpKind::Get || op_->kind == OpKind::Delete) event.value.clear();
  return event;
}

node::ClientRequest Client::make_request() const {
  node::ClientRequest request;
  request.request_id = request_id(index_, op_->op_number, op_->attempt);
  if (op_->kind == OpKind::Get) {
    request.kind = node::RequestKind::Get;
    request.key = op_->key;
    request.consistency = options_.read_mode == ReadMode::Linearizable ? node::ReadConsistency::Linearizable
                                                                       : node::ReadConsistency::Stale;
    return request;
  }
  request.kind = node::RequestKind::Write;
  request.write.client_id = static_cast<std::uint64_t>(index_) + 1;
  request.write.sequence = op_->sequence;
  request.write.command.key = op_->key;
  switch (op_->kind) {
    case OpKind::Put:
      request.write.command.type = kv::CommandType::Put;
      request.write.command.value = op_->value;
      break;
    case OpKind::Delete: request.write.command.type = kv::CommandType::Delete; break;
    case OpKind::Cas:
      request.write.command.type = kv::CommandType::CompareAndSet;
      request.write.command.value = op_->value;
      request.write.command.expected_mod_revision = op_->expected_mod_revision;
      break;
    case OpKind::Get: break;
  }
  return request;
}

void Client::send_attempt() {
  op_->attempt += 1;
  const bool any_node = op_->kind == OpKind::Get && options_.read_mode != ReadMode::Linearizable;
  NodeId target = leader_hint_;
  if (target == kNoNode || any_node) target = 1 + random_.below(static_cast<std::uint64_t>(node_count_));
  send_(index_, target, make_request());
  queue_.schedule_after(options_.attempt_timeout_us,
                        [this, op_number = op_->op_number, attempt = op_->attempt] {
                          on_attempt_timeout(op_number, attempt);
                        });
}

void Client::on_attempt_timeout(std::uint64_t op_number, std::uint32_t attempt) {
  if (!op_ || op_->op_number != op_number || op_->attempt != attempt) return;
  // The request or its answer may be lost: a write may have been applied.
  if (op_->kind != OpKind::Get) op_->maybe_applied = true;
  leader_hint_ = kNoNode;
  retry_or_give_up(0);
}

void Client::retry_or_give_up(TimeUs backoff_us) {
  if (queue_.now_us() + backoff_us >= op_->deadline_us || op_->attempt >= kMaxAttempts) {
    const bool unknown = op_->maybe_applied || op_->kind == OpKind::Get;
    complete(unknown ? EventType::Info : EventType::Fail, base_event(unknown ? EventType::Info : EventType::Fail));
    return;
  }
  if (backoff_us == 0) {
    send_attempt();
    return;
  }
  queue_.schedule_after(backoff_us, [this, op_number = op_->op_number, attempt = op_->attempt] {
    if (op_ && op_->op_number == op_number && op_->attempt == attempt) send_attempt();
  });
}

void Client::on_response(const node::ClientResponse& response) {
  if (!op_ || ((response.request_id >> 16) & 0xFFFFFFFFULL) != op_->op_number) return;  // an earlier op's answer
  switch (response.outcome) {
    case node::Outcome::Ok: complete_ok(response); return;
    case node::Outcome::NotLeader:
      leader_hint_ = response.leader_hint;
      retry_or_give_up(response.leader_hint == kNoNode ? kRetryBackoffUs : 0);
      return;
    case node::Outcome::Busy:
    case node::Outcome::Stopped:
    case node::Outcome::NoSpace:
      leader_hint_ = kNoNode;
      retry_or_give_up(kRetryBackoffUs);
      return;
    case node::Outcome::Unknown:
      if (op_->kind != OpKind::Get) op_->maybe_applied = true;
      leader_hint_ = kNoNode;
      retry_or_give_up(kRetryBackoffUs);
      return;
    case node::Outcome::InvalidRequest:
      CONFMAN_ASSERT(false, "the workload produced an invalid request: " + response.detail);
  }
}

void Client::complete_ok(const node::ClientResponse& response) {
  HistoryEvent event = base_event(EventType::Ok);
  const kv::WriteResult& write = response.write;
  if (op_->kind != OpKind::Get && write.status == kv::Status::StaleSequence) {
    // Our session moved on: this op's own result is gone. Its outcome is unknown.
    complete(EventType::Info, base_event(EventType::Info));
    return;
  }
  switch (op_->kind) {
    case OpKind::Get:
      event.found = response.read.has_value();
      if (event.found) {
        event.value = response.read->value;
        event.mod_revision = response.read->mod_revision;
        event.create_revision = response.read->create_revision;
        event.version = response.read->version;
        last_seen_mod_revision_[op_->key] = event.mod_revision;
      }
      break;
    case OpKind::Put:
    case OpKind::Cas:
    case OpKind::Delete:
      event.result = write.status == kv::Status::Ok         ? "ok"
                     : write.status == kv::Status::NotFound ? "not_found"
                                                            : "compare_failed";
      CONFMAN_ASSERT(write.status == kv::Status::Ok || write.status == kv::Status::NotFound ||
                         write.status == kv::Status::CompareFailed,
                     std::string("unexpected write status ") + kv::status_name(write.status));
      event.revision = write.revision;
      if (write.key_value) {
        event.version = write.key_value->version;
        event.mod_revision = write.key_value->mod_revision;
        if (write.status == kv::Status::Ok) last_seen_mod_revision_[op_->key] = write.key_value->mod_revision;
      }
      if (write.status == kv::Status::CompareFailed && !write.key_value) event.mod_revision = 0;
      if (write.status == kv::Status::Ok) stats_.writes_ok += 1;
      break;
  }
  complete(EventType::Ok, std::move(event));
}

void Client::complete(EventType type, HistoryEvent event) {
  const bool recorded = op_->kind != OpKind::Get || records_reads();
  if (recorded) history_.record(std::move(event));
  trace_.event(queue_.now_us(), "client", 0)
      .field("client", index_)
      .field("op", op_kind_name(op_->kind))
      .field("outcome", event_type_name(type))
      .field("attempts", op_->attempt);
  if (type == EventType::Ok) stats_.ok += 1;
  if (type == EventType::Fail) stats_.fail += 1;
  if (type == EventType::Info) stats_.info += 1;
  op_.reset();
  schedule_next_op();
}

}  // namespace confman::sim
