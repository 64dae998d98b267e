// core/raft/quorum.h against a naive version of the same rules, over many
// random memberships and match indexes (as etcd-io/raft's
// quorum/quick_test.go does), plus the cases that matter most by hand.

#include <gtest/gtest.h>

#include <map>

#include "core/raft/quorum.h"
#include "core/util/random.h"

namespace confman::raft {
namespace {

// The commit rule as the paper states it (§5.3, Figure 2): the largest N
// such that a majority of voters have matchIndex >= N.
LogIndex naive_committed_index(const Membership& membership, const std::map<NodeId, LogIndex>& match) {
  LogIndex best = 0;
  for (const auto& [id, candidate] : match) {
    std::size_t holding = 0;
    for (NodeId voter : membership.voters) holding += match.at(voter) >= candidate ? 1 : 0;
    if (membership.is_voter(id) && holding * 2 > membership.voters.size()) best = std::max(best, candidate);
  }
  return best;
}

Membership random_membership(Random& random) {
  Membership membership;
  const std::uint64_t voters = random.between(1, 9);
  for (NodeId id = 1; id <= voters; ++id) membership.voters.push_back(id);
  const std::uint64_t learners = random.between(0, 3);
  for (NodeId id = voters + 1; id <= voters + learners; ++id) membership.learners.push_back(id);
  return membership;
}

TEST(Quorum, CommittedIndexAgreesWithTheNaiveRule) {
  Random random(20261203);
  for (int round = 0; round < 20'000; ++round) {
    const Membership membership = random_membership(random);
    std::map<NodeId, LogIndex> match;
    for (NodeId id : membership.members()) match[id] = random.below(12);
    const LogIndex fast = quorum::committed_index(membership, [&match](NodeId id) { return match.at(id); });
    ASSERT_EQ(fast, naive_committed_index(membership, match)) << "round " << round << ": " << membership.describe();
  }
}

TEST(Quorum, TallyAgreesWithCountingByHand) {
  Random random(7);
  for (int round = 0; round < 20'000; ++round) {
    const Membership membership = random_membership(random);
    std::map<NodeId, bool> votes;
    for (NodeId id = 1; id <= 14; ++id) {
      if (random.chance(2, 3)) votes[id] = random.chance(1, 2);
    }
    std::size_t granted = 0;
    std::size_t refused = 0;
    for (const auto& [id, vote] : votes) {
      if (membership.is_voter(id)) (vote ? granted : refused) += 1;
    }
    const std::size_t majority = membership.voters.size() / 2 + 1;
    const quorum::VoteResult expected = granted >= majority   ? quorum::VoteResult::Won
                                        : refused >= majority ? quorum::VoteResult::Lost
                                                              : quorum::VoteResult::Pending;
    ASSERT_EQ(quorum::tally(membership, votes), expected) << "round " << round;
  }
}

TEST(Quorum, LearnersAndStrangersNeverCount) {
  const Membership membership{.voters = {1, 2, 3}, .learners = {4, 5}};
  EXPECT_EQ(quorum::tally(membership, {{1, true}, {4, true}, {5, true}, {9, true}}), quorum::VoteResult::Pending);
  EXPECT_EQ(quorum::tally(membership, {{1, true}, {2, true}}), quorum::VoteResult::Won);
  EXPECT_EQ(quorum::tally(membership, {{2, false}, {3, false}, {4, true}}), quorum::VoteResult::Lost);
  // Learners far ahead do not move the commit point.
  const std::map<NodeId, LogIndex> match{{1, 10}, {2, 3}, {3, 2}, {4, 50}, {5, 50}};
  EXPECT_EQ(quorum::committed_index(membership, [&match](NodeId id) { return match.at(id); }), 3u);
  EXPECT_FALSE(quorum::majority(membership, [](NodeId id) { return id == 1 || id >= 4; }));
  EXPECT_TRUE(quorum::majority(membership, [](NodeId id) { return id <= 2; }));
}

TEST(Quorum, EvenMembershipsNeedMoreThanHalf) {
  const Membership four{.voters = {1, 2, 3, 4}, .learners = {}};
  EXPECT_EQ(quorum::tally(four, {{1, true}, {2, true}}), quorum::VoteResult::Pending);
  EXPECT_EQ(quorum::tally(four, {{1, true}, {2, true}, {3, true}}), quorum::VoteResult::Won);
  const std::map<NodeId, LogIndex> match{{1, 9}, {2, 9}, {3, 1}, {4, 1}};
  EXPECT_EQ(quorum::committed_index(four, [&match](NodeId id) { return match.at(id); }), 1u);
}

}  // namespace
}  // namespace confman::raft
