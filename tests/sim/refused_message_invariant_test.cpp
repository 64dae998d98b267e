// The simulator's invariant that honest peers send nothing a node refuses
// (sim/invariants.h, on_peer_message; core/raft/refused_message.h), and its
// canary: a forged Append from a second leader in the term makes it fire.

#include <gtest/gtest.h>

#include "sim/invariants.h"
#include "tests/node/node_cluster.h"

namespace confman::sim {
namespace {

using node::testing::NodeCluster;

TEST(RefusedMessageInvariant, HonestTrafficPassesAndAForgedSecondLeaderFails) {
  NodeCluster cluster(3);
  const NodeId leader = cluster.await_leader();
  ASSERT_NE(leader, kNoNode);
  ASSERT_TRUE(cluster.put("/k", "1"));
  Invariants invariants(3);
  for (const NodeId id : {1, 2, 3}) invariants.on_peer_message(cluster[id], cluster.now_us);
  EXPECT_FALSE(invariants.violated()) << invariants.violation();

  // A follower hears an Append from the other follower, in the leader's term.
  const NodeId follower = leader == 1 ? 2 : 1;
  const NodeId forger = 6 - leader - follower;
  const raft::Message forged{.type = raft::MessageType::Append,
                             .from = forger,
                             .to = follower,
                             .term = cluster[follower].status().term};
  cluster[follower].receive(raft::encode_message(forged), cluster.now_us);
  invariants.on_peer_message(cluster[follower], cluster.now_us);
  ASSERT_TRUE(invariants.violated());
  EXPECT_EQ(invariants.violation_kind(), ViolationKind::RefusedMessage);
  EXPECT_NE(invariants.violation().find("second_leader"), std::string::npos) << invariants.violation();
  EXPECT_EQ(cluster[follower].status().leader, leader) << "the forged Append changed nothing";
}

}  // namespace
}  // namespace confman::sim
