#include "core/service/service.h"

#include <algorithm>

#include "core/kv/limits.h"
#include "core/service/client_key.h"

namespace confman::service {

namespace {

Response refuse(const Request& request, Code code, std::string detail) {
  return Response{.id = request.id, .code = code, .detail = std::move(detail)};
}

std::optional<Response> refuse_key(const Request& request, bool prefix) {
  auto valid = prefix ? validate_client_prefix(request.key) : validate_client_key(request.key);
  if (valid) return std::nullopt;
  return refuse(request, valid.error().reserved ? Code::Reserved : Code::InvalidKey, valid.error().message);
}

std::optional<Response> refuse_revision(const Request& request, std::uint64_t revision, const char* what) {
  if (revision <= kv::kMaxClientRevision) return std::nullopt;
  return refuse(request, Code::Invalid,
                std::string(what) + " " + std::to_string(revision) + " is above the largest revision a client may name (2^63)");
}

Response write_response(const Request& request, const kv::WriteResult& result) {
  Response response{.id = request.id, .revision = result.revision, .key_value = result.key_value};
  switch (result.status) {
    case kv::Status::Ok: break;
    case kv::Status::NotFound:
      response.code = Code::NotFound;
      response.detail = "no key " + request.key;
      break;
    case kv::Status::CompareFailed:
      response.code = Code::PreconditionFailed;
      response.detail = result.key_value
                            ? "the key's modRevision is " + std::to_string(result.key_value->mod_revision)
                            : std::string("the key does not exist");
      break;
    case kv::Status::StaleSequence:
      response.code = Code::StaleSequence;
      response.detail = "sequence " + std::to_string(request.sequence) + " is older than client " +
                        std::to_string(request.client_id) + "'s last write; its result is no longer kept";
      break;
    case kv::Status::InvalidKey:
    case kv::Status::ValueTooLarge:
    case kv::Status::Malformed:
    case kv::Status::AlreadyExists:
    case kv::Status::LimitReached:
      response.code = Code::Invalid;
      response.detail = std::string("the store refused the write: ") + kv::status_name(result.status);
      break;
  }
  return response;
}

}  // namespace

std::size_t request_bytes(const Request& request) {
  return request.key.size() + request.value.size() + request.member_record.size() + request.list_after.size() +
         kRequestOverheadBytes;
}

Service::Service(ServiceConfig config, node::NodeConfig node_config, node::Env env, ServiceOutput& output)
    : config_(config),
      output_(output),
      node_(std::move(node_config), node::Env{env.storage, env.transport, this, env.observer}),
      watches_(config.max_watches) {}

Result<Done, node::StartError> Service::start(TimeUs now_us) {
  now_us_ = now_us;
  next_progress_us_ = now_us + config_.watch_progress_interval_us;
  return node_.start(now_us);
}

// A clock that went backwards counts as no time passed, as in Raft and the
// node: the service's own deadlines move back with it.
void Service::advance_clock(TimeUs now_us) {
  if (now_us < now_us_) {
    const TimeUs back_us = now_us_ - now_us;
    next_progress_us_ -= back_us;
    read_waits_.shift_deadlines(back_us);
    forwards_.shift_deadlines(back_us);
  }
  now_us_ = now_us;
}

void Service::receive(ByteView frame, TimeUs now_us) {
  advance_clock(now_us);
  node_.receive(frame, now_us);
  after_input();
}

void Service::tick(TimeUs now_us) {
  advance_clock(now_us);
  node_.tick(now_us);
  for (const Request& request : read_waits_.take_expired(now_us)) {
    release(request);
    output_.respond(refuse(request, Code::Timeout,
                           "this node had not applied revision " + std::to_string(request.min_revision) + " within " +
                               std::to_string(request.wait_timeout_us / 1000) +
                               " ms (it is at revision " + std::to_string(node_.store().revision()) +
                               "); try another node or later"));
  }
  for (Forward& forward : forwards_.take_expired(now_us)) {
    release(forward.request);
    forward_lost(std::move(forward), ForwardFailure::NoAnswer,
                 "no answer within " + std::to_string(config_.forward_timeout_us / 1000) + " ms");
  }
  send_progress_if_due();
  after_input();
}

TimeUs Service::next_deadline_us() const {
  TimeUs deadline_us = node_.next_deadline_us();
  if (auto wait_us = read_waits_.next_deadline_us()) deadline_us = std::min(deadline_us, *wait_us);
  if (auto forward_us = forwards_.next_deadline_us()) deadline_us = std::min(deadline_us, *forward_us);
  if (watches_.size() > 0) deadline_us = std::min(deadline_us, next_progress_us_);
  return deadline_us;
}

void Service::send_progress_if_due() {
  if (now_us_ < next_progress_us_) return;
  next_progress_us_ = now_us_ + config_.watch_progress_interval_us;
  watches_.deliver(node_.store(), output_);
  watches_.send_progress(node_.store(), output_);
}

void Service::handle(Request request, TimeUs now_us) {
  advance_clock(now_us);
  if (auto refused = refusal(request)) {
    output_.respond(std::move(*refused));
    return;
  }
  if (node_.stopped()) {
    output_.respond(refuse(request, Code::Stopped, "the node has stopped: " + node_.stop_reason()));
    return;
  }
  if (pending_bytes_ + request_bytes(request) > config_.max_pending_bytes) {
    output_.respond(refuse(request, Code::Busy,
                           "this node holds " + std::to_string(pending_bytes_) + " bytes of requests in flight (its limit is " +
                               std::to_string(config_.max_pending_bytes) + "); retry shortly"));
    return;
  }
  dispatch(std::move(request));
  after_input();
}

void Service::dispatch(Request request) {
  switch (request.operation) {
    case Operation::Get:
    case Operation::List: read(std::move(request)); break;
    case Operation::Put:
    case Operation::Delete: write(std::move(request)); break;
    case Operation::Watch: watch(request); break;
    case Operation::AddMember:
    case Operation::PromoteMember:
    case Operation::RemoveMember: change_membership(std::move(request)); break;
    case Operation::TransferLeader: transfer(std::move(request)); break;
    case Operation::WatchCluster: watch_cluster(request); break;
    case Operation::ClusterStatus: cluster_status(request); break;
  }
}

bool Service::forward_answered(std::uint64_t request_id, NodeId leader, TimeUs now_us) {
  advance_clock(now_us);
  auto forward = forwards_.take(request_id, leader);
  if (forward) release(forward->request);
  after_input();
  return forward.has_value();
}

void Service::forward_failed(std::uint64_t request_id, NodeId leader, ForwardFailure failure, const std::string& detail,
                             TimeUs now_us) {
  advance_clock(now_us);
  if (auto forward = forwards_.take(request_id, leader)) {
    release(forward->request);
    forward_lost(std::move(*forward), failure, detail);
  }
  after_input();
}

void Service::forward(Request request, NodeId leader) {
  Request forwarded = request;
  forwarded.forwarded = true;
  hold(request);
  auto replaced = forwards_.add(
      Forward{.request = std::move(request), .leader = leader, .deadline_us = now_us_ + config_.forward_timeout_us});
  if (replaced) release(replaced->request);  // its bytes were held once already
  output_.forward(leader, forwarded);
}

void Service::forward_lost(Forward forward, ForwardFailure failure, const std::string& detail) {
  const Request& request = forward.request;
  const std::string where = "node " + std::to_string(forward.leader);
  const NodeId leader = node_.status().leader;  // this node's id when it leads
  if (failure == ForwardFailure::NotSent) {
    // Nothing reached the leader: the request may go anywhere, as it is.
    if (leader != kNoNode && leader != forward.leader) return dispatch(std::move(forward.request));
    Response refused = refuse(request, Code::Unreachable,
                              "could not reach the leader (" + where + "): " + detail + "; nothing was applied, retry");
    refused.leader = forward.leader;
    output_.respond(std::move(refused));
    return;
  }
  if (!changes_state(request.operation)) {
    output_.respond(refuse(request, Code::Unreachable,
                           where + " did not answer (" + detail + "); a " + operation_name(request.operation) +
                               " changes nothing, retry"));
    return;
  }
  output_.respond(refuse(request, Code::Unknown,
                         where + " did not answer the forwarded " + std::string(operation_name(request.operation)) +
                             " (" + detail + "); it may or may not have taken effect. Retry with the same session"));
}

// A newer leader (or this node, elected): what went to the old one goes there
// now, if sending it twice is safe; otherwise its outcome is unknown at once,
// rather than after the old leader's timeout (forwards.h).
void Service::reroute_to_newer_leader() {
  if (forwards_.size() == 0) return;
  const NodeId leader = node_.status().leader;  // this node's id when it leads
  if (leader == kNoNode) return;
  for (Forward& forward : forwards_.take_not_at(leader)) {
    release(forward.request);
    if (safe_to_resend(forward.request)) {
      dispatch(std::move(forward.request));
      continue;
    }
    output_.respond(refuse(forward.request, Code::Unknown,
                           "leadership moved from node " + std::to_string(forward.leader) + " to node " +
                               std::to_string(leader) + " while the " + operation_name(forward.request.operation) +
                               " was forwarded there; it may or may not have taken effect. Send writes with a "
                               "client session so they can be re-routed safely"));
  }
}

std::optional<Response> Service::refusal(const Request& request) const {
  switch (request.operation) {
    case Operation::Get:
      if (auto far = refuse_revision(request, request.min_revision, "min_revision")) return far;
      return refuse_key(request, false);
    case Operation::Put:
    case Operation::Delete: return refuse_key(request, false);
    case Operation::Watch:
      if (auto far = refuse_revision(request, request.from_revision, "a watch's start revision")) return far;
      return refuse_key(request, request.watch_prefix);
    case Operation::List:
      if (auto far = refuse_revision(request, request.min_revision, "min_revision")) return far;
      if (request.list_limit == 0 || request.list_limit > kv::kMaxListLimit) {
        return refuse(request, Code::Invalid,
                      "a list limit of 1 to " + std::to_string(kv::kMaxListLimit) + " (got " +
                          std::to_string(request.list_limit) + ")");
      }
      return refuse_key(request, true);
    case Operation::AddMember:
      if (request.member_record.size() > kv::kMaxMemberRecordBytes) {
        return refuse(request, Code::Invalid,
                      "a member record of at most " + std::to_string(kv::kMaxMemberRecordBytes) + " bytes");
      }
      [[fallthrough]];
    case Operation::PromoteMember:
    case Operation::RemoveMember:
    case Operation::TransferLeader:
      if (request.member == kNoNode) return refuse(request, Code::Invalid, "a member id other than 0");
      return std::nullopt;
    case Operation::WatchCluster:
    case Operation::ClusterStatus: return std::nullopt;
  }
  return std::nullopt;
}

void Service::read(Request request) {
  switch (request.consistency) {
    case Consistency::Stale: output_.respond(read_locally(request, node_.store())); return;
    case Consistency::ReadYourWrites:
      if (node_.store().revision() >= request.min_revision) {
        output_.respond(read_locally(request, node_.store()));
        return;
      }
      if (request.wait_timeout_us <= 0) request.wait_timeout_us = config_.read_wait_timeout_us;
      hold(request);
      read_waits_.add(request, now_us_ + request.wait_timeout_us);
      return;
    case Consistency::Linearizable:
#ifdef CONFMAN_CANARY_SERVICE_LOCAL_READS
      // Test-only canary (tests/canary/): serves this node's state as if it
      // were linearizable, with no barrier. The checker must catch it.
      output_.respond(read_locally(request, node_.store()));
      return;
#endif
      submit_to_node(std::move(request), node::ClientRequest{.kind = node::RequestKind::ReadBarrier});
      return;
  }
}

void Service::write(Request request) {
  if (request.operation == Operation::Put && request.value.size() > kv::kMaxValueBytes) {
    output_.respond(refuse(request, Code::TooLarge,
                           "the value is " + std::to_string(request.value.size()) + " bytes; the limit is " +
                               std::to_string(kv::kMaxValueBytes)));
    return;
  }
  if ((request.client_id == 0) != (request.sequence == 0)) {
    output_.respond(refuse(request, Code::Invalid, "a session needs both a client id and a sequence number, both positive"));
    return;
  }
  kv::Command command{kv::CommandType::Put, request.key, request.value, 0};
  if (request.operation == Operation::Delete) command.type = kv::CommandType::Delete;
  if (request.if_mod_revision) {
    command.type = request.operation == Operation::Put ? kv::CommandType::CompareAndSet
                                                       : kv::CommandType::CompareAndDelete;
    command.expected_mod_revision = *request.if_mod_revision;
  }
  node::ClientRequest node_request{.kind = node::RequestKind::Write};
  node_request.write = kv::WriteRequest{request.client_id, request.sequence, std::move(command)};
  submit_to_node(std::move(request), std::move(node_request));
}

void Service::watch(const Request& request) {
  if (auto refused = watches_.open(request, node_.store())) {
    output_.respond(std::move(*refused));
    return;
  }
  // The answer opens the stream; the events already kept follow it.
  output_.respond(Response{.id = request.id, .revision = node_.store().revision()});
  watches_.deliver(node_.store(), output_);
}

void Service::watch_cluster(const Request& request) {
  if (cluster_watches_.count(request.id) != 0 || watches_.size() + cluster_watches_.size() >= config_.max_watches) {
    const bool in_use = cluster_watches_.count(request.id) != 0;
    output_.respond(refuse(request, in_use ? Code::Invalid : Code::TooManyWatches,
                           in_use ? "watch id " + std::to_string(request.id) + " is in use"
                                  : "this node has " + std::to_string(open_watches()) + " open watches, its limit"));
    return;
  }
  publish_cluster_state();  // the others first hear of any change, so all share the last state sent
  cluster_watches_.insert(request.id);
  output_.respond(Response{.id = request.id, .revision = node_.store().revision()});
  last_cluster_state_ = cluster_state();
  output_.cluster_event(request.id, *last_cluster_state_);
}

// The leader's view unless this node's is asked for: a follower may be
// behind, and a removed node never hears of its removal. With no leader
// known (or a leader that moved under a forwarded request), this node's
// view is the best there is, and an operator in an outage wants it.
void Service::cluster_status(const Request& request) {
  const raft::RaftStatus status = node_.status();
  const bool elsewhere = status.role != raft::Role::Leader && status.leader != kNoNode && !request.forwarded;
  if (request.consistency != Consistency::Stale && elsewhere) {
    not_leader(request, status.leader);
    return;
  }
  output_.respond(Response{.id = request.id, .revision = node_.store().revision(), .cluster = cluster_state()});
}

ClusterState Service::cluster_state() const {
  const raft::RaftStatus status = node_.status();
  return ClusterState{.node = status.id,
                      .role = status.role,
                      .term = status.term,
                      .leader = status.leader,
                      .commit = status.commit,
                      .applied = node_.applied_index(),
                      .revision = node_.store().revision(),
                      .membership = node_.membership(),
                      .membership_index = node_.raft().membership_index(),
                      .membership_committed = node_.raft().membership_index() <= status.commit};
}

// Every cluster watch hears of a change of role, term, leader or
// membership; commit and apply progress alone is no event (it would be one
// per write).
void Service::publish_cluster_state() {
  if (cluster_watches_.empty()) {
    last_cluster_state_.reset();
    return;
  }
  const ClusterState state = cluster_state();
  if (last_cluster_state_) {
    const ClusterState& last = *last_cluster_state_;
    const bool same = last.role == state.role && last.term == state.term && last.leader == state.leader &&
                      last.membership == state.membership && last.membership_index == state.membership_index &&
                      last.membership_committed == state.membership_committed;
    if (same) return;
  }
  last_cluster_state_ = state;
  for (std::uint64_t watch_id : cluster_watches_) output_.cluster_event(watch_id, state);
}

void Service::change_membership(Request request) {
  node::ClientRequest node_request{.kind = node::RequestKind::ConfigChange};
  switch (request.operation) {
    case Operation::AddMember:
      node_request.config_change.type =
          request.as_learner ? raft::ConfigChangeType::AddLearner : raft::ConfigChangeType::AddVoter;
      node_request.config_change.context = request.member_record;
      break;
    case Operation::PromoteMember: node_request.config_change.type = raft::ConfigChangeType::Promote; break;
    case Operation::RemoveMember: node_request.config_change.type = raft::ConfigChangeType::Remove; break;
    default: CONFMAN_ASSERT(false, "change_membership takes membership operations");
  }
  node_request.config_change.node = request.member;
  submit_to_node(std::move(request), std::move(node_request));
}

void Service::transfer(Request request) {
  node::ClientRequest node_request{.kind = node::RequestKind::TransferLeadership};
  node_request.transfer_target = request.member;
  submit_to_node(std::move(request), std::move(node_request));
}

void Service::submit_to_node(Request request, node::ClientRequest node_request) {
  node_request.request_id = next_node_request_id_++;
  hold(request);
  // Held before submitting: the node may answer at once.
  pending_.emplace(node_request.request_id, std::move(request));
  node_.submit(std::move(node_request), now_us_);
}

void Service::respond(node::ClientResponse response) {
  auto found = pending_.find(response.request_id);
  CONFMAN_ASSERT(found != pending_.end(), "the node answered a request the service did not send");
  const Request request = std::move(found->second);
  pending_.erase(found);
  release(request);
  if (response.outcome != node::Outcome::Ok) {
    answer_failure(request, response);
    return;
  }
  answer_from_node(request, response);
}

void Service::answer_from_node(const Request& request, const node::ClientResponse& response) {
  switch (request.operation) {
    case Operation::Get:
    case Operation::List:
      // The barrier is passed: this node has applied everything committed
      // when the leader confirmed its leadership (§6.4).
      output_.respond(read_locally(request, node_.store()));
      return;
    case Operation::Put:
    case Operation::Delete: output_.respond(write_response(request, response.write)); return;
    case Operation::AddMember:
    case Operation::PromoteMember:
    case Operation::RemoveMember:
    case Operation::TransferLeader:
      output_.respond(Response{.id = request.id,
                               .leader = response.leader_hint,
                               .revision = node_.store().revision(),
                               .membership = response.membership});
      return;
    case Operation::Watch:
    case Operation::WatchCluster:
    case Operation::ClusterStatus: break;
  }
  CONFMAN_ASSERT(false, "watches and cluster status never wait for the node");
}

void Service::answer_failure(const Request& request, const node::ClientResponse& response) {
  auto answer = [&](Code code, std::string detail) {
    Response refused = refuse(request, code, std::move(detail));
    refused.leader = response.leader_hint;
    output_.respond(std::move(refused));
  };
  switch (response.outcome) {
    case node::Outcome::Ok: break;
    case node::Outcome::NotLeader: not_leader(request, response.leader_hint); return;
    case node::Outcome::Busy: answer(Code::Busy, "the leader is busy: " + response.detail); return;
    case node::Outcome::InvalidRequest: answer(Code::Invalid, response.detail); return;
    case node::Outcome::Unknown:
      answer(Code::Unknown, "the " + std::string(operation_name(request.operation)) + " was not confirmed (" +
                                response.detail +
                                "); it may or may not have taken effect. Retry with the same session");
      return;
    case node::Outcome::Stopped: answer(Code::Stopped, "the node has stopped: " + response.detail); return;
    case node::Outcome::NoSpace: answer(Code::NoSpace, response.detail); return;
  }
  CONFMAN_ASSERT(false, "answer_failure called with Ok");
}

// Nothing happened here: the request may go to the leader as it is.
void Service::not_leader(const Request& request, NodeId leader_hint) {
  const NodeId leader = leader_hint != kNoNode ? leader_hint : node_.status().leader;
  if (leader == kNoNode || leader == node_.id()) {
    output_.respond(refuse(request, Code::NoLeader, "no leader is known at the moment; retry shortly"));
    return;
  }
  if (request.forwarded) {
    Response refused = refuse(request, Code::NoLeader,
                              "node " + std::to_string(node_.id()) + " is not the leader either (leadership moved to " +
                                  std::to_string(leader) + "); retry");
    refused.leader = leader;
    output_.respond(std::move(refused));
    return;
  }
  if (request.redirect) {
    Response redirect = refuse(request, Code::Redirect, "node " + std::to_string(leader) + " leads");
    redirect.leader = leader;
    output_.respond(std::move(redirect));
    return;
  }
  forward(request, leader);
}

void Service::on_store_changed() {
  for (const Request& request : read_waits_.take_ready(node_.store().revision())) {
    release(request);
    output_.respond(read_locally(request, node_.store()));
  }
  watches_.deliver(node_.store(), output_);
  publish_cluster_state();
}

void Service::after_input() {
  if (!node_.stopped()) reroute_to_newer_leader();
  publish_cluster_state();
  if (!node_.stopped() || stop_handled_) return;
  // Fail-stop: the node answered what it held; the service answers the rest.
  stop_handled_ = true;
  const std::string detail = "the node has stopped: " + node_.stop_reason();
  for (const Request& request : read_waits_.take_all()) {
    release(request);
    output_.respond(refuse(request, Code::Stopped, detail));
  }
  for (Forward& forward : forwards_.take_all()) {
    release(forward.request);
    forward_lost(std::move(forward), ForwardFailure::NoAnswer, detail);
  }
  watches_.end_all(Code::Stopped, detail, output_);
  const std::set<std::uint64_t> cluster_watches = std::move(cluster_watches_);
  cluster_watches_.clear();
  for (std::uint64_t watch_id : cluster_watches) output_.watch_ended(watch_id, Code::Stopped, detail);
}

}  // namespace confman::service
