#include "fuzz/membership_sequence.h"

#include <algorithm>

namespace confman::fuzz {

namespace {

constexpr NodeId kNodes = kFoundingVoters + kSpareNodes;
constexpr std::uint32_t kMaxWaitMs = 2000;
constexpr std::size_t kMaxOps = 40;

rc::Gen<NodeId> gen_node() { return rc::gen::inRange<NodeId>(1, kNodes + 1); }

rc::Gen<Op> node_op(OpKind kind) {
  return rc::gen::map(gen_node(), [kind](NodeId node) { return Op{kind, node, {}, 0}; });
}

// One side of a partition: a non-empty proper subset of the nodes.
rc::Gen<Op> partition_op() {
  return rc::gen::map(rc::gen::suchThat(rc::gen::container<std::vector<bool>>(kNodes, rc::gen::arbitrary<bool>()),
                                        [](const std::vector<bool>& in_side) {
                                          const auto count = std::count(in_side.begin(), in_side.end(), true);
                                          return count > 0 && count < static_cast<long>(kNodes);
                                        }),
                      [](const std::vector<bool>& in_side) {
                        Op op{OpKind::Partition, kNoNode, {}, 0};
                        for (NodeId id = 1; id <= kNodes; ++id) {
                          if (in_side[id - 1]) op.side.push_back(id);
                        }
                        return op;
                      });
}

std::string op_name(OpKind kind) {
  switch (kind) {
    case OpKind::AddVoter: return "add-voter";
    case OpKind::AddLearner: return "add-learner";
    case OpKind::Promote: return "promote";
    case OpKind::Remove: return "remove";
    case OpKind::TransferLeader: return "transfer-leader";
    case OpKind::Crash: return "crash";
    case OpKind::Restart: return "restart";
    case OpKind::Partition: return "partition";
    case OpKind::Heal: return "heal";
    case OpKind::Wait: return "wait";
  }
  return "?";
}

sim::TimelineAction timeline_action(OpKind kind) {
  switch (kind) {
    case OpKind::AddVoter: return sim::TimelineAction::AddVoter;
    case OpKind::AddLearner: return sim::TimelineAction::AddLearner;
    case OpKind::Promote: return sim::TimelineAction::Promote;
    case OpKind::Remove: return sim::TimelineAction::Remove;
    case OpKind::TransferLeader: return sim::TimelineAction::TransferLeader;
    case OpKind::Crash: return sim::TimelineAction::Crash;
    case OpKind::Restart: return sim::TimelineAction::Restart;
    case OpKind::Partition: return sim::TimelineAction::Partition;
    case OpKind::Heal:
    case OpKind::Wait: break;
  }
  return sim::TimelineAction::Heal;
}

}  // namespace

rc::Gen<Op> gen_op() {
  // Membership operations dominate; between waits, several land at the same
  // instant, which is where changes overlap with each other and with faults.
  return rc::gen::weightedOneOf<Op>({
      {6, node_op(OpKind::AddVoter)},
      {4, node_op(OpKind::AddLearner)},
      {3, node_op(OpKind::Promote)},
      {6, node_op(OpKind::Remove)},
      {2, node_op(OpKind::TransferLeader)},
      {2, node_op(OpKind::Crash)},
      {2, node_op(OpKind::Restart)},
      {4, partition_op()},
      {2, rc::gen::just(Op{OpKind::Heal, kNoNode, {}, 0})},
      {6, rc::gen::map(rc::gen::inRange<std::uint32_t>(1, kMaxWaitMs + 1),
                       [](std::uint32_t wait_ms) { return Op{OpKind::Wait, kNoNode, {}, wait_ms}; })},
  });
}

rc::Gen<std::vector<Op>> gen_sequence() {
  return rc::gen::resize(kMaxOps, rc::gen::container<std::vector<Op>>(gen_op()));
}

sim::Scenario sequence_scenario(const std::vector<Op>& ops) {
  sim::Scenario scenario;
  scenario.name = "membership-sequence";
  scenario.path = "membership-sequence.toml";
  scenario.nodes = kFoundingVoters;
  scenario.spare_nodes = kSpareNodes;
  scenario.workload.clients = 4;
  scenario.workload.keys = 3;
  scenario.expect.liveness_bound_us = 10'000'000;
  TimeUs now_us = 1'000'000;  // a leader and some acknowledged writes first
  for (const Op& op : ops) {
    if (op.kind == OpKind::Wait) {
      now_us += static_cast<TimeUs>(op.wait_ms) * 1000;
      continue;
    }
    sim::TimelineEvent event{.at_us = now_us, .action = timeline_action(op.kind), .node = op.node};
    if (op.kind == OpKind::Partition) {
      std::vector<NodeId> rest;
      for (NodeId id = 1; id <= kNodes; ++id) {
        if (std::find(op.side.begin(), op.side.end(), id) == op.side.end()) rest.push_back(id);
      }
      event.groups = {op.side, rest};
      event.node = kNoNode;
    }
    if (op.kind == OpKind::Heal) event.node = kNoNode;
    scenario.timeline.push_back(std::move(event));
  }
  scenario.duration_us = now_us + 1'000'000;
  return scenario;
}

std::string describe(const std::vector<Op>& ops) {
  std::string text;
  for (const Op& op : ops) {
    text += text.empty() ? "" : "; ";
    text += op_name(op.kind);
    if (op.kind == OpKind::Wait) text += " " + std::to_string(op.wait_ms) + "ms";
    if (op.node != kNoNode) text += " " + std::to_string(op.node);
    if (op.kind == OpKind::Partition) {
      text += " {";
      for (std::size_t i = 0; i < op.side.size(); ++i) text += (i ? "," : "") + std::to_string(op.side[i]);
      text += "}|rest";
    }
  }
  return text;
}

}  // namespace confman::fuzz
