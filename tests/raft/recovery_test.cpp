// Recovery from a repaired log (core/raft/raft_recovery.cpp): a node whose
// log was cut at damaged records neither votes nor campaigns until it holds
// the leader's whole log, and the leader stops counting what it had
// acknowledged before.

#include <gtest/gtest.h>

#include "tests/raft/raft_harness.h"

namespace confman::raft::testing {
namespace {

// Proposes one entry on `leader` and delivers the exchange, cutting `cut`.
LogIndex propose(Cluster& cluster, NodeId leader, const std::vector<NodeId>& cut = {}) {
  auto index = cluster[leader].propose(Bytes{1, 2, 3}, cluster.now_us);
  if (!index) {
    ADD_FAILURE() << "the proposal was refused";
    return 0;
  }
  cluster.deliver(drain(cluster[leader]), cut);
  return *index;
}

TEST(Recovery, ARecoveringNodeDoesNotVoteSoNoCandidateMissingACommittedEntryWins) {
  // Entry 2 commits on nodes 1 and 2 only; node 2 then loses it to a repair
  // and node 1 is cut off. Node 3 lacks entry 2: with node 2's vote it
  // would win and lose a committed write.
  for (const bool recovering : {true, false}) {
    Cluster cluster(3);
    cluster.elect(1);
    const LogIndex committed = propose(cluster, 1, {3});
    ASSERT_EQ(cluster[1].status().commit, committed);
    // Without the mark: what a node that ignored the damage would do.
    cluster.restart_repaired(2, committed, recovering);
    cluster.now_us += 100'000;  // node 1's lease has long lapsed on node 2
    cluster.elect(3, {1});
    EXPECT_EQ(cluster[3].role() == Role::Leader, !recovering) << "recovering=" << recovering;
  }
}

TEST(Recovery, ARecoveringNodeNeverCampaigns) {
  Cluster cluster(3);
  cluster.elect(1);
  const LogIndex index = propose(cluster, 1);
  cluster.restart_repaired(2, index);
  for (int round = 0; round < 20; ++round) {
    cluster.now_us += 5'000;  // five election timeouts each round
    cluster[2].tick(cluster.now_us);
    EXPECT_TRUE(of_type(drain(cluster[2]), MessageType::PreVote).empty());
    EXPECT_EQ(cluster[2].role(), Role::Follower);
  }
  EXPECT_TRUE(cluster[2].status().recovering);
}

TEST(Recovery, ANodeRecoversOnceItHoldsTheLeadersWholeLogAndThenVotesAgain) {
  Cluster cluster(3);
  cluster.elect(1);
  propose(cluster, 1);
  const LogIndex lost = propose(cluster, 1);
  cluster.restart_repaired(2, lost - 1);
  ASSERT_TRUE(cluster[2].status().recovering);
  // The next heartbeat round: node 2's answer says it is recovering, the
  // leader sends the append that reaches its last index.
  cluster.now_us += 200;
  cluster[1].tick(cluster.now_us);
  cluster.deliver(drain(cluster[1]));
  EXPECT_FALSE(cluster[2].status().recovering);
  EXPECT_EQ(cluster[2].log().last_index(), cluster[1].log().last_index());
  // The cleared mark is part of the hard state written with those entries.
  cluster.restart(2);
  EXPECT_FALSE(cluster[2].status().recovering);
  // And it votes again: with node 1 cut off, 3 wins with node 2's vote.
  cluster.now_us += 100'000;
  cluster.elect(3, {1});
  EXPECT_EQ(cluster[3].role(), Role::Leader);
}

TEST(Recovery, TheLeaderStopsCountingARecoveringFollowersOldAcknowledgements) {
  // Five nodes: entry N needs three. Node 2 acknowledges it, loses it to a
  // repair, and says so; then node 3 acknowledges it. Counting node 2's old
  // acknowledgement would commit N with one real copy besides the leader's.
  Cluster cluster(5);
  cluster.elect(1);
  const LogIndex index = propose(cluster, 1, {3, 4, 5});
  ASSERT_LT(cluster[1].status().commit, index);
  cluster.restart_repaired(2, index);
  cluster.now_us += 200;
  cluster[1].tick(cluster.now_us);
  // One heartbeat round with node 2 alone, whose append answers are dropped
  // so it cannot acknowledge N again.
  std::vector<Message> heartbeats = of_type(drain(cluster[1]), MessageType::Heartbeat);
  for (const Message& heartbeat : heartbeats) {
    if (heartbeat.to != 2) continue;
    cluster[2].step(heartbeat, cluster.now_us);
    for (const Message& answer : drain(cluster[2])) {
      ASSERT_TRUE(answer.recovering);
      cluster[1].step(answer, cluster.now_us);
    }
  }
  (void)drain(cluster[1]);
  // Node 3 catches up and acknowledges N.
  cluster.now_us += 200;
  cluster[1].tick(cluster.now_us);
  cluster.deliver(drain(cluster[1]), {2, 4, 5});
  EXPECT_LT(cluster[1].status().commit, index) << "committed counting a lost acknowledgement";
  // Once node 2 holds N again, it counts.
  cluster.now_us += 200;
  cluster[1].tick(cluster.now_us);
  cluster.deliver(drain(cluster[1]), {4, 5});
  EXPECT_GE(cluster[1].status().commit, index);
}

}  // namespace
}  // namespace confman::raft::testing
