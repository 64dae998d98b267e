#include "sim/operator.h"

#include <algorithm>

#include "sim/workload.h"

namespace confman::sim {

namespace {
constexpr std::uint64_t kStreamMembership = 6;  // derive_seed label (cluster.cpp lists the others)
constexpr TimeUs kAdminRetryUs = 300'000;
constexpr TimeUs kAdminPatienceUs = 2'000'000;
constexpr std::size_t kMaxVotersByNemesis = 7;
constexpr std::size_t kMinVotersByNemesis = 3;

service::Operation operation_of(TimelineAction action) {
  switch (action) {
    case TimelineAction::Promote: return service::Operation::PromoteMember;
    case TimelineAction::Remove: return service::Operation::RemoveMember;
    case TimelineAction::TransferLeader: return service::Operation::TransferLeader;
    default: return service::Operation::AddMember;
  }
}
}  // namespace

Operator::Operator(Cluster& cluster, std::uint64_t seed, EventQueue& queue, Trace& trace)
    : cluster_(cluster), random_(derive_seed(seed, kStreamMembership)), queue_(queue), trace_(trace) {
  cluster_.add_client(kClientIndex, ClientSink{.path = ClientSink::Path::Direct,
                                               .on_response = [this](const service::Response& response) {
                                                 on_response(response);
                                               }});
}

void Operator::request(TimelineAction action, NodeId node) {
  if (ops_.size() >= kMaxOps) {
    trace_.event(queue_.now_us(), TraceKind::Membership, node).field("result", "dropped: too many requests in flight");
    return;
  }
  const std::uint64_t number = ++ops_started_;
  ops_[number] = Op{action, node, queue_.now_us() + kAdminPatienceUs, 0};
  attempt(number);
}

void Operator::attempt(std::uint64_t op_number) {
  auto found = ops_.find(op_number);
  if (found == ops_.end()) return;  // settled
  Op& op = found->second;
  if (queue_.now_us() >= op.deadline_us) {
    trace_.event(queue_.now_us(), TraceKind::Membership, op.node)
        .field("action", timeline_action_name(op.action))
        .field("result", "gave up: not accepted in time");
    ops_.erase(found);
    return;
  }
  queue_.schedule_after(kAdminRetryUs, [this, op_number] { attempt(op_number); });
  const NodeId leader_id = cluster_.leader();
  if (leader_id == kNoNode) return;
  op.attempts += 1;
  service::Request request;
  request.id = Client::request_id(kClientIndex, op_number, op.attempts);
  request.operation = operation_of(op.action);
  request.member = op.node;
  request.as_learner = op.action == TimelineAction::AddLearner;
  // A stand-in for the addresses the real server records, so that the
  // member registry is replicated, snapshotted and compared like the rest.
  if (request.operation == service::Operation::AddMember) request.member_record = "sim-node-" + std::to_string(op.node);
  cluster_.send_request(kClientIndex, leader_id, request);
}

void Operator::on_response(const service::Response& response) {
  auto found = ops_.find(Client::op_number_of(response.id));
  if (found == ops_.end()) return;
  const Op& op = found->second;
  if (response.code == service::Code::Ok) {
    trace_.event(queue_.now_us(), TraceKind::Membership, op.node)
        .field("action", timeline_action_name(op.action))
        .field("result", response.membership ? response.membership->describe() : "done");
    ops_.erase(found);
  } else if (response.code == service::Code::Invalid) {
    trace_.event(queue_.now_us(), TraceKind::Membership, op.node)
        .field("action", timeline_action_name(op.action))
        .field("result", "refused: " + response.detail);
    ops_.erase(found);
  }
  // Anything else (not the leader, busy, unknown): the next attempt retries.
}

bool Operator::change_due(std::uint32_t per_minute, std::uint64_t ticks_per_minute) {
  return per_minute > 0 && random_.chance(per_minute, ticks_per_minute);
}

std::optional<std::pair<TimelineAction, NodeId>> Operator::draw_change() {
  if (cluster_.leader() == kNoNode) return std::nullopt;
  const raft::Membership membership = cluster_.current_membership();
  std::vector<std::pair<TimelineAction, NodeId>> choices;
  std::size_t corrupted_voters = 0;
  for (NodeId voter : membership.voters) corrupted_voters += cluster_.corrupted(voter) ? 1 : 0;
  for (NodeId id = 1; id <= static_cast<NodeId>(cluster_.node_count()); ++id) {
    if (cluster_.corrupted(id)) continue;
    if (!membership.contains(id)) {
      choices.emplace_back(TimelineAction::AddLearner, id);
      if (membership.voters.size() < kMaxVotersByNemesis) choices.emplace_back(TimelineAction::AddVoter, id);
    } else if (membership.is_learner(id)) {
      if (membership.voters.size() < kMaxVotersByNemesis) choices.emplace_back(TimelineAction::Promote, id);
      choices.emplace_back(TimelineAction::Remove, id);
    }
  }
  for (NodeId voter : membership.voters) {
    const std::size_t voters_after = membership.voters.size() - 1;
    const std::size_t corrupted_after = corrupted_voters - (cluster_.corrupted(voter) ? 1 : 0);
    // Stricter than the bound for corrupting a disk (Nemesis::random_disk_fault):
    // after a removal, corrupted voters must leave room for one more failure.
    const bool quorum_stays_safe = corrupted_after == 0 || corrupted_after + 1 <= (voters_after - 1) / 2;
    if (voters_after >= kMinVotersByNemesis && quorum_stays_safe) {
      choices.emplace_back(TimelineAction::Remove, voter);
    }
    if (voter != cluster_.leader()) choices.emplace_back(TimelineAction::TransferLeader, voter);
  }
  if (choices.empty()) return std::nullopt;
  return choices[random_.below(choices.size())];
}

}  // namespace confman::sim
