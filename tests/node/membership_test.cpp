// Membership changes and leadership transfer through the node's client
// interface, and the cluster-state events the embedding code observes.

#include <gtest/gtest.h>

#include "tests/node/node_cluster.h"

namespace confman::node::testing {
namespace {

ClientRequest config_change(std::uint64_t request_id, raft::ConfigChangeType type, NodeId node) {
  ClientRequest request;
  request.request_id = request_id;
  request.kind = RequestKind::ConfigChange;
  request.config_change = raft::ConfigChange{type, node};
  return request;
}

ClientRequest transfer(std::uint64_t request_id, NodeId target) {
  ClientRequest request;
  request.request_id = request_id;
  request.kind = RequestKind::TransferLeadership;
  request.transfer_target = target;
  return request;
}

// Submits on `at` and steps until it answers; returns the answer.
std::optional<ClientResponse> submit_and_wait(NodeCluster& cluster, NodeId at, const ClientRequest& request) {
  Responses& responses = cluster.member(at).responses;
  const std::size_t before = responses.received.size();
  cluster[at].submit(request, cluster.now_us);
  for (int step = 0; step < 400 && responses.received.size() == before; ++step) cluster.step();
  if (responses.received.size() == before) return std::nullopt;
  return responses.received.back();
}

TEST(NodeMembership, ChangesAreAnsweredOnceCommittedWithTheNewMembership) {
  NodeCluster cluster(4, [](NodeConfig& config) {
    if (config.raft.id == 4) config.raft.voters.clear();  // a spare, started to join
    else config.raft.voters = {1, 2, 3};
  });
  const NodeId leader = cluster.await_leader();
  ASSERT_NE(leader, kNoNode);
  ASSERT_EQ(cluster.put_many(3), 3);

  auto added = submit_and_wait(cluster, leader, config_change(100, raft::ConfigChangeType::AddLearner, 4));
  ASSERT_TRUE(added.has_value());
  ASSERT_EQ(added->outcome, Outcome::Ok) << added->detail;
  ASSERT_TRUE(added->membership.has_value());
  EXPECT_EQ(*added->membership, (raft::Membership{{1, 2, 3}, {4}}));

  cluster.run_for(50'000);
  auto promoted = submit_and_wait(cluster, leader, config_change(101, raft::ConfigChangeType::Promote, 4));
  ASSERT_TRUE(promoted.has_value());
  ASSERT_EQ(promoted->outcome, Outcome::Ok) << promoted->detail;
  EXPECT_EQ(*promoted->membership, (raft::Membership{{1, 2, 3, 4}, {}}));
  EXPECT_TRUE(cluster.run_until_converged());
  EXPECT_EQ(cluster[4].store().digest(), cluster[leader].store().digest()) << "the new voter holds the data";
}

// The leader steps down the moment its own removal commits; the change is
// committed, so its answer is Ok, not "outcome unknown".
TEST(NodeMembership, LeaderRemovingItselfAnswersOk) {
  NodeCluster cluster(3);
  const NodeId leader = cluster.await_leader();
  cluster.run_for(20'000);
  auto removed = submit_and_wait(cluster, leader, config_change(100, raft::ConfigChangeType::Remove, leader));
  ASSERT_TRUE(removed.has_value());
  EXPECT_EQ(removed->outcome, Outcome::Ok) << removed->detail;
  EXPECT_FALSE(removed->membership->contains(leader));
  EXPECT_NE(cluster[leader].status().role, raft::Role::Leader);
}

TEST(NodeMembership, InvalidChangeIsRefusedWithTheReason) {
  NodeCluster cluster(3);
  const NodeId leader = cluster.await_leader();
  cluster.run_for(20'000);  // the leader commits its no-op; followers learn who leads
  auto refused = submit_and_wait(cluster, leader, config_change(100, raft::ConfigChangeType::Promote, 2));
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->outcome, Outcome::InvalidRequest);
  EXPECT_NE(refused->detail.find("not a learner"), std::string::npos) << refused->detail;
  const NodeId follower = leader == 1 ? 2 : 1;
  auto not_leader = submit_and_wait(cluster, follower, config_change(101, raft::ConfigChangeType::Remove, 3));
  ASSERT_TRUE(not_leader.has_value());
  EXPECT_EQ(not_leader->outcome, Outcome::NotLeader);
  EXPECT_EQ(not_leader->leader_hint, leader);
}

TEST(NodeMembership, TransferIsAnsweredWhenTheTargetLeads) {
  NodeCluster cluster(3);
  const NodeId leader = cluster.await_leader();
  const NodeId target = leader == 3 ? 1 : 3;
  auto moved = submit_and_wait(cluster, leader, transfer(100, target));
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(moved->outcome, Outcome::Ok) << moved->detail;
  EXPECT_EQ(cluster.leader(), target);
}

TEST(NodeMembership, TransferToAnUnreachableTargetIsAnsweredWhenAbandoned) {
  NodeCluster cluster(3);
  const NodeId leader = cluster.await_leader();
  const NodeId target = leader == 3 ? 1 : 3;
  cluster.cut.insert(target);
  auto moved = submit_and_wait(cluster, leader, transfer(100, target));
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(moved->outcome, Outcome::Unknown);
  EXPECT_NE(moved->detail.find("did not take over"), std::string::npos) << moved->detail;
}

// Cluster-state events: every node reports the membership it holds, when a
// change enters its log and again when it commits.
TEST(NodeMembership, ObserversSeeMembershipChangesAndTheirCommit) {
  struct Events final : public NodeObserver {
    void on_membership_change(NodeId, const raft::Membership& membership, LogIndex index, bool committed) override {
      seen.push_back(membership.describe() + " @" + std::to_string(index) + (committed ? " committed" : ""));
    }
    std::vector<std::string> seen;
  };
  NodeCluster cluster(3);
  const NodeId leader = cluster.await_leader();
  cluster.run_for(20'000);
  Events events;
  // Watch a follower from its next start on.
  const NodeId follower = leader == 1 ? 2 : 1;
  cluster.crash(follower);
  auto& member = cluster.member(follower);
  member.node = std::make_unique<Node>(cluster.config(follower),
                                       Env{&member.storage, member.transport.get(), &member.responses, &events});
  ASSERT_TRUE(member.node->start(cluster.now_us).ok());
  ASSERT_EQ(events.seen.size(), 1u);
  EXPECT_EQ(events.seen[0], "voters 1,2,3 @0 committed");

  auto removed = submit_and_wait(cluster, leader, config_change(100, raft::ConfigChangeType::Remove, 3 == leader ? 2 : 3));
  ASSERT_TRUE(removed.has_value() && removed->outcome == Outcome::Ok);
  cluster.run_for(20'000);
  ASSERT_GE(events.seen.size(), 3u);
  const std::string expected = removed->membership->describe();
  EXPECT_EQ(events.seen[events.seen.size() - 2].rfind(expected, 0), 0u) << events.seen[events.seen.size() - 2];
  EXPECT_NE(events.seen.back().find("committed"), std::string::npos) << events.seen.back();
}

}  // namespace
}  // namespace confman::node::testing
