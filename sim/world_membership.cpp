// Membership changes in the simulated world: an operator's requests (from
// the timeline or the random nemesis) to add a learner or a voter, promote,
// remove, or transfer leadership. They go to whichever node leads at the
// time, like a real operator's tool would send them, and are retried every
// kAdminRetryUs for up to kAdminPatienceUs until the cluster accepts them or
// refuses them as invalid. They run during every other fault; the invariant
// checker and the linearizability check still watch everything.

#include <algorithm>

#include "sim/world.h"

namespace confman::sim {

namespace {
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

raft::Membership World::current_membership() const {
  const node::Node* newest = nullptr;
  for (NodeId id = 1; id <= static_cast<NodeId>(node_count()); ++id) {
    const node::Node* node = this->node(id);
    if (node == nullptr) continue;
    if (newest == nullptr || node->raft().membership_index() > newest->raft().membership_index()) newest = node;
  }
  if (newest != nullptr && !newest->membership().empty()) return newest->membership();
  raft::Membership founding;
  for (int i = 1; i <= scenario_.nodes; ++i) founding.voters.push_back(static_cast<NodeId>(i));
  return founding;
}

void World::membership_change(TimelineAction action, NodeId node) {
  faults_ += 1;
  trace_.event(now_us(), TraceKind::Fault, node).field("fault", timeline_action_name(action));
  record_fault(TimelineEvent{.action = action, .node = node});
  if (admin_ops_.size() >= kMaxAdminOps) {
    trace_.event(now_us(), TraceKind::Membership, node).field("result", "dropped: too many requests in flight");
    return;
  }
  const std::uint64_t number = ++admin_ops_started_;
  admin_ops_[number] = AdminOp{action, node, now_us() + kAdminPatienceUs, 0};
  admin_attempt(number);
}

void World::admin_attempt(std::uint64_t op_number) {
  auto found = admin_ops_.find(op_number);
  if (found == admin_ops_.end()) return;  // settled
  AdminOp& op = found->second;
  if (now_us() >= op.deadline_us) {
    trace_.event(now_us(), TraceKind::Membership, op.node)
        .field("action", timeline_action_name(op.action))
        .field("result", "gave up: not accepted in time");
    admin_ops_.erase(found);
    return;
  }
  queue_.schedule_after(kAdminRetryUs, [this, op_number] { admin_attempt(op_number); });
  const NodeId leader_id = leader();
  if (leader_id == kNoNode) return;
  op.attempts += 1;
  service::Request request;
  request.id = Client::request_id(kAdminClient, op_number, op.attempts);
  request.operation = operation_of(op.action);
  request.member = op.node;
  request.as_learner = op.action == TimelineAction::AddLearner;
  // A stand-in for the addresses the real server records, so that the
  // member registry is replicated, snapshotted and compared like the rest.
  if (request.operation == service::Operation::AddMember) request.member_record = "sim-node-" + std::to_string(op.node);
  send_to(kClientEndpointBase + kAdminClient, leader_id,
          [this, leader_id, request] { deliver_request(leader_id, request); });
}

void World::on_admin_response(const service::Response& response) {
  auto found = admin_ops_.find(Client::op_number_of(response.id));
  if (found == admin_ops_.end()) return;
  const AdminOp& op = found->second;
  if (response.code == service::Code::Ok) {
    trace_.event(now_us(), TraceKind::Membership, op.node)
        .field("action", timeline_action_name(op.action))
        .field("result", response.membership ? response.membership->describe() : "done");
    admin_ops_.erase(found);
  } else if (response.code == service::Code::Invalid) {
    trace_.event(now_us(), TraceKind::Membership, op.node)
        .field("action", timeline_action_name(op.action))
        .field("result", "refused: " + response.detail);
    admin_ops_.erase(found);
  }
  // Anything else (not the leader, busy, unknown): the next attempt retries.
}

// Draws a change the current membership allows, keeping 3..7 voters and
// never removing a voter whose loss would leave corrupted disks a threat to
// the quorum.
void World::random_membership_change() {
  if (leader() == kNoNode) return;
  const raft::Membership membership = current_membership();
  std::vector<std::pair<TimelineAction, NodeId>> choices;
  std::size_t corrupted_voters = 0;
  for (NodeId voter : membership.voters) corrupted_voters += corrupted(voter) ? 1 : 0;
  for (NodeId id = 1; id <= static_cast<NodeId>(node_count()); ++id) {
    if (corrupted(id)) continue;
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
    const std::size_t corrupted_after = corrupted_voters - (corrupted(voter) ? 1 : 0);
    // Stricter than the bound for corrupting a disk (random_disk_fault):
    // after a removal, corrupted voters must leave room for one more failure.
    const bool quorum_stays_safe = corrupted_after == 0 || corrupted_after + 1 <= (voters_after - 1) / 2;
    if (voters_after >= kMinVotersByNemesis && quorum_stays_safe) {
      choices.emplace_back(TimelineAction::Remove, voter);
    }
    if (voter != leader()) choices.emplace_back(TimelineAction::TransferLeader, voter);
  }
  if (choices.empty()) return;
  const auto& [action, node] = choices[membership_random_.below(choices.size())];
  membership_change(action, node);
}

}  // namespace confman::sim
