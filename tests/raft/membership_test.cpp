// Single-server membership changes, learners and leadership transfer
// (core/raft/membership.h; dissertation chapter 4 and §3.10). Each test pins
// down one rule, and most of them the hazard the rule prevents.

#include <gtest/gtest.h>

#include "tests/raft/raft_harness.h"

namespace confman::raft::testing {
namespace {

ConfigChange add_learner(NodeId node) { return ConfigChange{ConfigChangeType::AddLearner, node}; }
ConfigChange add_voter(NodeId node) { return ConfigChange{ConfigChangeType::AddVoter, node}; }
ConfigChange promote(NodeId node) { return ConfigChange{ConfigChangeType::Promote, node}; }
ConfigChange remove(NodeId node) { return ConfigChange{ConfigChangeType::Remove, node}; }

// Proposes a change on `leader` and delivers everything that follows.
Result<LogIndex, Rejection> change(Cluster& cluster, NodeId leader, const ConfigChange& config_change,
                                   const std::vector<NodeId>& cut = {}) {
  auto index = cluster[leader].propose_config_change(config_change, cluster.now_us);
  cluster.deliver(drain(cluster[leader]), cut);
  return index;
}

// Time passes for every node in `ids`, and what they send is delivered.
void tick_all(Cluster& cluster, const std::vector<NodeId>& ids, TimeUs step_us, int steps,
              const std::vector<NodeId>& cut = {}) {
  for (int i = 0; i < steps; ++i) {
    cluster.now_us += step_us;
    for (NodeId id : ids) {
      cluster[id].tick(cluster.now_us);
      cluster.deliver(drain(cluster[id]), cut);
    }
  }
}

TEST(MembershipChange, ValidityRules) {
  const Membership three{{1, 2, 3}, {}};
  EXPECT_EQ(apply_config_change(three, add_learner(4)).value(), (Membership{{1, 2, 3}, {4}}));
  EXPECT_EQ(apply_config_change(three, add_voter(4)).value(), (Membership{{1, 2, 3, 4}, {}}));
  EXPECT_EQ(apply_config_change(Membership{{1, 2, 3}, {4}}, promote(4)).value(), (Membership{{1, 2, 3, 4}, {}}));
  EXPECT_EQ(apply_config_change(Membership{{1, 2, 3}, {4}}, remove(4)).value(), three);
  EXPECT_NE(apply_config_change(three, add_learner(2)).error().find("already a member"), std::string::npos);
  EXPECT_NE(apply_config_change(three, promote(2)).error().find("not a learner"), std::string::npos);
  EXPECT_NE(apply_config_change(three, remove(9)).error().find("not a member"), std::string::npos);
  EXPECT_NE(apply_config_change(Membership{{1}, {}}, remove(1)).error().find("last voter"), std::string::npos);
  EXPECT_FALSE(apply_config_change(three, add_voter(kNoNode)).ok());
}

TEST(MembershipChange, ConfigEntryRoundTripsAndBadOnesAreRejected) {
  const ConfigEntryData data{promote(4), Membership{{1, 2, 4}, {7}}};
  EXPECT_EQ(decode_config_entry(encode_config_entry(data)).value(), data);
  ConfigEntryData overlapping{add_learner(2), Membership{{1, 2}, {2}}};
  EXPECT_FALSE(decode_config_entry(encode_config_entry(overlapping)).ok());
  ConfigEntryData unsorted{add_voter(3), Membership{{3, 1}, {}}};
  EXPECT_FALSE(decode_config_entry(encode_config_entry(unsorted)).ok());
  ConfigEntryData no_voters{remove(1), Membership{{}, {2}}};
  EXPECT_FALSE(decode_config_entry(encode_config_entry(no_voters)).ok());
  // A message carrying a Config entry that does not decode is refused whole.
  Message append{.type = MessageType::Append, .from = 1, .to = 2, .term = 1, .index = 0, .log_term = 0};
  append.entries.push_back(Entry{1, 1, EntryType::Config, Bytes{9, 9}});
  EXPECT_FALSE(decode_message(encode_message(append)).ok());
}

TEST(MembershipChange, LearnerReceivesTheLogButNeverVotesOrCampaigns) {
  Cluster cluster(3);
  cluster.elect(1);
  cluster.add_joining(4);
  ASSERT_TRUE(change(cluster, 1, add_learner(4)).ok());
  EXPECT_EQ(cluster[1].membership(), (Membership{{1, 2, 3}, {4}}));
  EXPECT_EQ(cluster[4].log().last_index(), cluster[1].log().last_index());
  EXPECT_EQ(cluster[4].membership(), cluster[1].membership());

  // The learner's election timer fires again and again: it never campaigns.
  for (int i = 0; i < 5; ++i) {
    cluster.now_us += 10'000;
    cluster[4].tick(cluster.now_us);
    const auto sent = drain(cluster[4]);
    EXPECT_TRUE(of_type(sent, MessageType::PreVote).empty() && of_type(sent, MessageType::Vote).empty());
    EXPECT_EQ(cluster[4].role(), Role::Follower);
  }
  // Learners do not count toward commitment: leader + learner is no majority.
  const LogIndex committed = cluster[1].log().committed();
  ASSERT_TRUE(cluster[1].propose(Bytes{1}, cluster.now_us).ok());
  cluster.deliver(drain(cluster[1]), {2, 3});
  EXPECT_EQ(cluster[4].log().last_index(), cluster[1].log().last_index()) << "the learner got the entry";
  EXPECT_EQ(cluster[1].log().committed(), committed);
}

TEST(MembershipChange, LearnerIsNotPromotedBeforeItHasCaughtUp) {
  Cluster cluster(3);
  cluster.elect(1);
  cluster.add_joining(4);
  ASSERT_TRUE(change(cluster, 1, add_learner(4), {4}).ok());  // the learner hears nothing yet
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(cluster[1].propose(Bytes{static_cast<std::uint8_t>(i)}, cluster.now_us).ok());
    cluster.deliver(drain(cluster[1]), {4});
  }
  auto refused = change(cluster, 1, promote(4), {4});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().reason, RejectReason::Busy);
  EXPECT_NE(refused.error().detail.find("has not caught up"), std::string::npos) << refused.error().detail;
  EXPECT_FALSE(cluster[1].membership().is_voter(4));

  tick_all(cluster, {1}, 100, 30);  // heartbeats and appends reach the learner now
  ASSERT_EQ(cluster[4].log().last_index(), cluster[1].log().last_index());
  ASSERT_TRUE(change(cluster, 1, promote(4)).ok());
  EXPECT_EQ(cluster[1].membership(), (Membership{{1, 2, 3, 4}, {}}));
}

// Rule 1: two uncommitted single-server changes can leave two disjoint
// majorities (dissertation §4.1), so the second waits for the first.
TEST(MembershipChange, OnlyOneChangeIsInFlight) {
  Cluster cluster(3);
  cluster.elect(1);
  cluster.add_joining(4);
  cluster.add_joining(5);
  ASSERT_TRUE(change(cluster, 1, add_voter(4), {2, 3, 4}).ok());  // cannot commit: nobody answers
  auto second = change(cluster, 1, add_voter(5), {2, 3, 4});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().reason, RejectReason::Busy);
  EXPECT_NE(second.error().detail.find("not committed yet"), std::string::npos) << second.error().detail;

  tick_all(cluster, {1}, 100, 20);  // the first commits
  ASSERT_GE(cluster[1].log().committed(), cluster[1].membership_index());
  EXPECT_TRUE(change(cluster, 1, add_voter(5)).ok());
  EXPECT_EQ(cluster[1].membership().voters, (std::vector<NodeId>{1, 2, 3, 4, 5}));
}

// Rule 2 (the 2015 single-server-change bug): a new leader must commit an
// entry of its own term before it changes membership.
TEST(MembershipChange, NewLeaderChangesNothingBeforeCommittingInItsTerm) {
  Cluster cluster(3);
  cluster.elect(1);
  // 2 campaigns and 3 votes for it, but the no-op of term 2 reaches nobody.
  cluster.now_us += 10'000;
  cluster[2].tick(cluster.now_us);
  for (int round = 0; round < 2 && cluster[2].role() != Role::Leader; ++round) {
    for (const Message& request : drain(cluster[2])) {
      if (request.to != 3) continue;
      cluster[3].step(request, cluster.now_us);
      for (const Message& answer : drain(cluster[3])) cluster[2].step(answer, cluster.now_us);
    }
  }
  ASSERT_EQ(cluster[2].role(), Role::Leader);
  drain(cluster[2]);  // lost
  cluster.add_joining(4);
  ASSERT_NE(cluster[2].log().term_at(cluster[2].log().committed()), cluster[2].term());
  auto refused = change(cluster, 2, add_voter(4), {1, 3});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().reason, RejectReason::LeaderNotReady);
}

// A change takes effect when appended; if the follower's log loses the entry
// to a new leader's, the membership before it is back.
TEST(MembershipChange, TruncatedConfigEntryRevertsTheMembership) {
  Cluster cluster(5);
  cluster.elect(1);
  cluster.add_joining(6);
  ASSERT_TRUE(change(cluster, 1, add_learner(6), {2, 3, 4, 6}).ok());  // only 5 gets it
  EXPECT_TRUE(cluster[5].membership().is_learner(6)) << "in effect as soon as appended";
  EXPECT_EQ(cluster[5].membership_index(), cluster[1].membership_index());

  cluster.elect(2, {1, 5});  // 2 wins with 3 and 4, without the change
  ASSERT_EQ(cluster[2].role(), Role::Leader);
  tick_all(cluster, {2}, 100, 20, {1});  // 2's log overwrites 5's
  EXPECT_EQ(cluster[5].membership(), (Membership{{1, 2, 3, 4, 5}, {}}));
  EXPECT_EQ(cluster[5].membership_index(), 0u);
}

TEST(MembershipChange, RemovedNodeIsIgnoredWhenItCampaigns) {
  Cluster cluster(3);
  cluster.elect(1);
  ASSERT_TRUE(change(cluster, 1, remove(3), {3}).ok());  // 3 never learns it was removed
  tick_all(cluster, {1}, 100, 5, {3});
  ASSERT_GE(cluster[1].log().committed(), cluster[1].membership_index());
  const Term term = cluster[1].term();
  // 3 times out and campaigns, again and again, with the old membership.
  for (int i = 0; i < 5; ++i) {
    cluster.now_us += 3'000;
    cluster[3].tick(cluster.now_us);
    cluster.deliver(drain(cluster[3]));
  }
  EXPECT_EQ(cluster[1].role(), Role::Leader);
  EXPECT_EQ(cluster[1].term(), term);
  EXPECT_EQ(cluster[2].term(), term);
}

// §4.2.2: a leader that removes itself leads until the change commits, then
// hands over and steps down.
TEST(MembershipChange, LeaderThatRemovesItselfHandsOverAndStepsDown) {
  Cluster cluster(3);
  cluster.elect(1);
  ASSERT_TRUE(cluster[1].propose(Bytes{7}, cluster.now_us).ok());
  cluster.deliver(drain(cluster[1]));
  ASSERT_TRUE(change(cluster, 1, remove(1)).ok());
  tick_all(cluster, {1}, 100, 3);
  EXPECT_NE(cluster[1].role(), Role::Leader);
  const bool handed_over = cluster[2].role() == Role::Leader || cluster[3].role() == Role::Leader;
  EXPECT_TRUE(handed_over) << "TimeoutNow made a remaining voter campaign at once";
  // The removed leader stays out.
  for (int i = 0; i < 3; ++i) {
    cluster.now_us += 10'000;
    cluster[1].tick(cluster.now_us);
    EXPECT_TRUE(of_type(drain(cluster[1]), MessageType::PreVote).empty());
  }
}

// Found by the membership property suite: a leader appends its own removal,
// loses leadership before the change commits, and holds the only log the
// remaining voter would vote for. It must still campaign (counting only the
// new voters) or nobody can ever win.
TEST(MembershipChange, LeaderWhoseRemovalDidNotCommitCanStillFinishIt) {
  Cluster cluster(3);
  cluster.elect(1);
  ASSERT_TRUE(change(cluster, 1, remove(3)).ok());
  tick_all(cluster, {1}, 100, 3);
  ASSERT_EQ(cluster[1].membership(), (Membership{{1, 2}, {}}));
  ASSERT_TRUE(change(cluster, 1, remove(1), {2, 3}).ok());  // appended on 1 only
  ASSERT_EQ(cluster[1].membership(), (Membership{{2}, {}}));
  tick_all(cluster, {1}, 500, 6, {2, 3});  // 1 hears nobody and steps down
  ASSERT_NE(cluster[1].role(), Role::Leader);
  // 2 cannot win: 1's log is ahead of its own. 1 campaigns to finish the change.
  tick_all(cluster, {1, 2}, 3'000, 4, {3});
  EXPECT_EQ(cluster[2].role(), Role::Leader) << "1 finished its removal and handed over";
  EXPECT_EQ(cluster[2].membership(), (Membership{{2}, {}}));
  EXPECT_NE(cluster[1].role(), Role::Leader);
}

// Pre-vote (dissertation §9.6): a removed node cut off for a long time keeps
// its term while it tries to campaign, so when it is added back it does not
// force an election on a healthy leader.
TEST(MembershipChange, NodeAddedBackAfterALongIsolationDoesNotForceAnElection) {
  Cluster cluster(3);
  cluster.elect(1);
  ASSERT_TRUE(change(cluster, 1, remove(3), {3}).ok());
  tick_all(cluster, {1, 2}, 100, 5, {3});
  const Term term = cluster[1].term();
  for (int i = 0; i < 20; ++i) {  // 3 campaigns alone, again and again
    cluster.now_us += 3'000;
    cluster[3].tick(cluster.now_us);
    cluster.deliver(drain(cluster[3]), {1, 2});
  }
  EXPECT_EQ(cluster[3].term(), term) << "pre-vote kept the isolated node's term";
  ASSERT_TRUE(change(cluster, 1, add_learner(3)).ok());
  tick_all(cluster, {1, 2}, 100, 10);
  EXPECT_EQ(cluster[1].role(), Role::Leader);
  EXPECT_EQ(cluster[1].term(), term);
  EXPECT_EQ(cluster[3].log().last_index(), cluster[1].log().last_index());
  EXPECT_TRUE(cluster[3].membership().is_learner(3));
}

TEST(LeadershipTransfer, BringsTheTargetUpToDateThenItTakesOverDespiteTheLease) {
  Cluster cluster(3);
  cluster.elect(1);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(cluster[1].propose(Bytes{static_cast<std::uint8_t>(i)}, cluster.now_us).ok());
    cluster.deliver(drain(cluster[1]), {3});  // 3 falls behind
  }
  ASSERT_LT(cluster[3].log().last_index(), cluster[1].log().last_index());
  ASSERT_TRUE(cluster[1].transfer_leadership(3, cluster.now_us).ok());
  // §3.10: no new proposals while handing over.
  auto refused = cluster[1].propose(Bytes{9}, cluster.now_us);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().reason, RejectReason::Busy);
  cluster.deliver(drain(cluster[1]));
  EXPECT_EQ(cluster[3].role(), Role::Leader);
  EXPECT_EQ(cluster[3].term(), 2u);
  EXPECT_EQ(cluster[1].role(), Role::Follower);
  EXPECT_EQ(cluster[1].leader(), 3u);
}

TEST(LeadershipTransfer, IsAbandonedAfterAnElectionTimeout) {
  Cluster cluster(3);
  cluster.elect(1);
  ASSERT_TRUE(cluster[1].transfer_leadership(3, cluster.now_us).ok());
  EXPECT_EQ(cluster[1].transfer_target(), 3u);
  tick_all(cluster, {1}, 100, 11, {3});  // the target is unreachable
  EXPECT_EQ(cluster[1].role(), Role::Leader);
  EXPECT_EQ(cluster[1].transfer_target(), kNoNode);
  EXPECT_TRUE(cluster[1].propose(Bytes{1}, cluster.now_us).ok());
}

// A clock that steps back counts as no time passed (Raft::advance_clock):
// the transfer is still abandoned an election timeout later, not an
// election timeout plus the jump (which kept the leader refusing proposals).
TEST(LeadershipTransfer, IsAbandonedOnTimeWhenTheClockStepsBack) {
  Cluster cluster(3);
  cluster.elect(1);
  ASSERT_TRUE(cluster[1].transfer_leadership(3, cluster.now_us).ok());
  cluster.now_us -= 20'000'000;
  cluster[1].tick(cluster.now_us);
  tick_all(cluster, {1}, 100, 11, {3});
  EXPECT_EQ(cluster[1].transfer_target(), kNoNode);
  EXPECT_TRUE(cluster[1].propose(Bytes{1}, cluster.now_us).ok());
}

TEST(LeadershipTransfer, OnlyToAVoter) {
  Cluster cluster(3);
  cluster.elect(1);
  cluster.add_joining(4);
  ASSERT_TRUE(change(cluster, 1, add_learner(4)).ok());
  auto refused = cluster[1].transfer_leadership(4, cluster.now_us);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().reason, RejectReason::Invalid);
}

// A snapshot records the membership as of its index, not the newest one.
TEST(MembershipChange, MembershipAtAnIndexAndAcrossARestart) {
  Cluster cluster(3);
  cluster.elect(1);
  cluster.add_joining(4);
  const LogIndex before = cluster[1].log().last_index();
  const LogIndex at = change(cluster, 1, add_learner(4)).value();
  EXPECT_EQ(cluster[1].membership_at(before), (Membership{{1, 2, 3}, {}}));
  EXPECT_EQ(cluster[1].membership_at(at), (Membership{{1, 2, 3}, {4}}));
  cluster.restart(2);
  EXPECT_EQ(cluster[2].membership(), (Membership{{1, 2, 3}, {4}}));
  EXPECT_EQ(cluster[2].membership_index(), at);
}

}  // namespace
}  // namespace confman::raft::testing
