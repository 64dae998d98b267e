#include "sim/workload.h"

#include <algorithm>

#include "core/util/assert.h"

namespace confman::sim {

namespace {
constexpr TimeUs kRetryBackoffUs = 10'000;
constexpr std::uint32_t kMaxAttempts = 0xFFFF;
// A read-your-writes read waits this long on a node that is behind, then
// the client tries another node.
constexpr TimeUs kReadWaitUs = 200'000;
}  // namespace

ClientStats& ClientStats::operator+=(const ClientStats& other) {
  ok += other.ok;
  fail += other.fail;
  info += other.info;
  writes_ok += other.writes_ok;
  reads_linearizable += other.reads_linearizable;
  reads_read_your_writes += other.reads_read_your_writes;
  reads_stale += other.reads_stale;
  redirects += other.redirects;
  return *this;
}

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

ReadConsistency Client::draw_consistency() {
  const std::uint64_t total =
      options_.linearizable_read_weight + options_.read_your_writes_weight + options_.stale_read_weight;
  std::uint64_t draw = random_.below(total);
  if (draw < options_.linearizable_read_weight) return ReadConsistency::Linearizable;
  draw -= options_.linearizable_read_weight;
  return draw < options_.read_your_writes_weight ? ReadConsistency::ReadYourWrites : ReadConsistency::Stale;
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
  if (op.kind == OpKind::Get) op.consistency = options_.unsafe_local_reads ? ReadConsistency::Stale : draw_consistency();
  if (op.kind == OpKind::Cas) {
    // Mostly the last revision we saw (often still current), sometimes
    // "create if absent": both outcomes of a CAS get exercised.
    auto seen = last_seen_mod_revision_.find(op.key);
    const bool create = seen == last_seen_mod_revision_.end() || random_.chance(1, 5);
    op.expected_mod_revision = create ? 0 : seen->second;
  }
  if (op.kind != OpKind::Get) op.sequence = next_sequence_++;
  op.redirect = random_.chance(options_.redirect_ppm, kPpm);
  op.deadline_us = queue_.now_us() + options_.op_timeout_us;
  op_ = std::move(op);
  history_.record(base_event(EventType::Invoke));
  send_attempt();
}

HistoryEvent Client::base_event(EventType type) const {
  HistoryEvent event;
  event.process = index_;
  event.type = type;
  event.f = op_->kind;
  event.key = op_->key;
  event.time_us = queue_.now_us();
  // The canary's stale reads are recorded as linearizable: the checker must
  // catch them.
  event.consistency = options_.unsafe_local_reads ? ReadConsistency::Linearizable : op_->consistency;
  event.value = op_->value;
  event.expected_mod_revision = op_->expected_mod_revision;
  if (op_->kind == OpKind::Get || op_->kind == OpKind::Delete) event.value.clear();
  if (op_->kind != OpKind::Get) {
    event.client_id = static_cast<std::uint64_t>(index_) + 1;
    event.sequence = op_->sequence;
  }
  return event;
}

service::Request Client::make_request() const {
  service::Request request;
  request.id = request_id(index_, op_->op_number, op_->attempt);
  request.key = op_->key;
  request.redirect = op_->redirect;
  if (op_->kind == OpKind::Get) {
    request.operation = service::Operation::Get;
    switch (op_->consistency) {
      case ReadConsistency::Linearizable: request.consistency = service::Consistency::Linearizable; break;
      case ReadConsistency::ReadYourWrites:
        request.consistency = service::Consistency::ReadYourWrites;
        request.min_revision = seen_revision_;
        request.wait_timeout_us = kReadWaitUs;
        break;
      case ReadConsistency::Stale: request.consistency = service::Consistency::Stale; break;
    }
    return request;
  }
  request.client_id = static_cast<std::uint64_t>(index_) + 1;  // base_event records the same
  request.sequence = op_->sequence;
  switch (op_->kind) {
    case OpKind::Put: request.operation = service::Operation::Put; request.value = op_->value; break;
    case OpKind::Delete: request.operation = service::Operation::Delete; break;
    case OpKind::Cas:
      request.operation = service::Operation::Put;
      request.value = op_->value;
      request.if_mod_revision = op_->expected_mod_revision;
      break;
    case OpKind::Get: break;
  }
  return request;
}

// Reads that any node serves go anywhere; the rest go to the leader the
// client last heard of, or now and then (and when it knows none) to a
// random node, which forwards them or redirects the client.
NodeId Client::choose_target() {
  const bool any_node = op_->kind == OpKind::Get && op_->consistency != ReadConsistency::Linearizable;
  if (any_node || leader_hint_ == kNoNode || random_.chance(options_.any_node_ppm, kPpm)) {
    if (silent_node_ == kNoNode || node_count_ < 2) return 1 + random_.below(static_cast<std::uint64_t>(node_count_));
    // Any node but the silent one.
    const NodeId drawn = 1 + random_.below(static_cast<std::uint64_t>(node_count_ - 1));
    return drawn >= silent_node_ ? drawn + 1 : drawn;
  }
  return leader_hint_;
}

void Client::send_attempt() {
  op_->attempt += 1;
  last_target_ = choose_target();
  send_(index_, last_target_, make_request());
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
  silent_node_ = last_target_;
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

void Client::on_response(const service::Response& response) {
  if (!op_ || op_number_of(response.id) != op_->op_number) return;  // an earlier op's answer
  switch (response.code) {
    case service::Code::Ok:
    case service::Code::NotFound:
    case service::Code::PreconditionFailed: complete_ok(response); return;
    case service::Code::StaleSequence:
      // Our session moved on: this op's own result is gone. Its outcome is unknown.
      complete(EventType::Info, base_event(EventType::Info));
      return;
    default: on_refusal(response); return;
  }
}

void Client::on_refusal(const service::Response& response) {
  switch (response.code) {
    case service::Code::Redirect:
      stats_.redirects += 1;
      leader_hint_ = response.leader;
      retry_or_give_up(0);
      return;
    case service::Code::NoLeader:
    case service::Code::Unreachable:
      leader_hint_ = response.leader;
      retry_or_give_up(kRetryBackoffUs);
      return;
    case service::Code::Busy:
    case service::Code::Timeout:
      retry_or_give_up(kRetryBackoffUs);
      return;
    case service::Code::Stopped:
    case service::Code::NoSpace:
      leader_hint_ = kNoNode;
      retry_or_give_up(kRetryBackoffUs);
      return;
    case service::Code::Unknown:
      if (op_->kind != OpKind::Get) op_->maybe_applied = true;
      leader_hint_ = kNoNode;
      retry_or_give_up(kRetryBackoffUs);
      return;
    default:
      CONFMAN_ASSERT(false, std::string("the workload's request was refused as ") + service::code_name(response.code) +
                                ": " + response.detail);
  }
}

void Client::complete_ok(const service::Response& response) {
  seen_revision_ = std::max(seen_revision_, response.revision);
  if (last_target_ == silent_node_) silent_node_ = kNoNode;  // it answers again
  if (op_->kind == OpKind::Get) {
    complete_get(response);
  } else {
    complete_write(response);
  }
}

void Client::complete_get(const service::Response& response) {
  HistoryEvent event = base_event(EventType::Ok);
  event.read_revision = response.revision;
  event.found = response.code == service::Code::Ok && response.key_value.has_value();
  if (event.found) {
    event.value = response.key_value->value;
    event.mod_revision = response.key_value->mod_revision;
    event.create_revision = response.key_value->create_revision;
    event.version = response.key_value->version;
    last_seen_mod_revision_[op_->key] = event.mod_revision;
  }
  switch (op_->consistency) {
    case ReadConsistency::Linearizable: stats_.reads_linearizable += 1; break;
    case ReadConsistency::ReadYourWrites: stats_.reads_read_your_writes += 1; break;
    case ReadConsistency::Stale: stats_.reads_stale += 1; break;
  }
  complete(EventType::Ok, std::move(event));
}

void Client::complete_write(const service::Response& response) {
  HistoryEvent event = base_event(EventType::Ok);
  switch (response.code) {
    case service::Code::Ok: event.result = "ok"; break;
    case service::Code::NotFound: event.result = "not_found"; break;
    default: event.result = "compare_failed"; break;
  }
  CONFMAN_ASSERT(response.code != service::Code::NotFound || op_->kind == OpKind::Delete,
                 "only a delete finds nothing to do");
  event.revision = response.revision;
  if (response.key_value) {
    event.version = response.key_value->version;
    event.mod_revision = response.key_value->mod_revision;
    if (response.code == service::Code::Ok) last_seen_mod_revision_[op_->key] = response.key_value->mod_revision;
  }
  if (response.code == service::Code::PreconditionFailed && !response.key_value) event.mod_revision = 0;
  if (response.code == service::Code::Ok) stats_.writes_ok += 1;
  complete(EventType::Ok, std::move(event));
}

void Client::complete(EventType type, HistoryEvent event) {
  history_.record(std::move(event));
  {
    Trace::Event traced = trace_.event(queue_.now_us(), TraceKind::Client, 0);
    traced.field("client", index_)
        .field("op", op_kind_name(op_->kind))
        .field("outcome", event_type_name(type))
        .field("attempts", op_->attempt);
    if (op_->kind == OpKind::Get) traced.field("read", read_consistency_name(op_->consistency));
  }
  if (type == EventType::Ok) stats_.ok += 1;
  if (type == EventType::Fail) stats_.fail += 1;
  if (type == EventType::Info) stats_.info += 1;
  op_.reset();
  schedule_next_op();
}

}  // namespace confman::sim
