// Raft behaviour pinned to the paper ("In Search of an Understandable
// Consensus Algorithm", Ongaro & Ousterhout 2014) and the dissertation
// (Ongaro 2014); each test names the section it checks.

#include <gtest/gtest.h>

#include "tests/raft/raft_harness.h"

namespace confman::raft {
namespace {

using testing::Cluster;
using testing::config_for;
using testing::drain;
using testing::of_type;

Entry entry(Term term, LogIndex index) { return Entry{term, index, EntryType::Normal, {}}; }

// §5.2 + dissertation §9.6: an expired election timer first starts a
// pre-vote for term + 1 without touching the node's own term or vote.
TEST(RaftElection, TimeoutStartsPreVoteWithoutBumpingTerm) {
  Raft raft(config_for(1, {1, 2, 3}), 7);
  raft.tick(1'000'000);
  const auto messages = drain(raft);
  EXPECT_EQ(raft.role(), Role::PreCandidate);
  EXPECT_EQ(raft.term(), 0u);
  const auto pre_votes = of_type(messages, MessageType::PreVote);
  ASSERT_EQ(pre_votes.size(), 2u);
  EXPECT_EQ(pre_votes[0].term, 1u);
}

// §5.2: a candidate that wins a majority becomes leader and (§8) appends a
// no-op entry of its term.
TEST(RaftElection, MajorityElectsLeaderWhichAppendsNoop) {
  Cluster cluster(3);
  cluster.elect(1);
  EXPECT_EQ(cluster[1].role(), Role::Leader);
  EXPECT_EQ(cluster[1].term(), 1u);
  EXPECT_EQ(cluster[1].log().last_index(), 1u);
  EXPECT_EQ(cluster[1].log().at(1).type, EntryType::Noop);
  EXPECT_EQ(cluster[2].leader(), 1u);
  EXPECT_EQ(cluster[1].log().committed(), 1u);  // the no-op reached a majority
}

// §5.2: each server votes for at most one candidate in a term.
TEST(RaftElection, AtMostOneVotePerTerm) {
  Raft voter(config_for(3, {1, 2, 3}), 7);
  voter.step(Message{.type = MessageType::Vote, .from = 1, .to = 3, .term = 1}, 0);
  auto first = of_type(drain(voter), MessageType::VoteResponse);
  voter.step(Message{.type = MessageType::Vote, .from = 2, .to = 3, .term = 1}, 0);
  auto second = of_type(drain(voter), MessageType::VoteResponse);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_FALSE(first[0].reject);
  EXPECT_TRUE(second[0].reject);
}

// §5.4.1 election restriction: no vote for a candidate whose log is less up
// to date (lower last term, or same term and shorter).
TEST(RaftElection, VoteDeniedToLessUpToDateCandidate) {
  Raft voter(config_for(3, {1, 2, 3}), 7);
  voter.restore(HardState{2, kNoNode, 0}, {entry(1, 1), entry(2, 2)}, 0);
  voter.step(Message{.type = MessageType::Vote, .from = 1, .to = 3, .term = 3, .index = 5, .log_term = 1}, 0);
  auto older_term = of_type(drain(voter), MessageType::VoteResponse);
  voter.step(Message{.type = MessageType::Vote, .from = 2, .to = 3, .term = 4, .index = 1, .log_term = 2}, 0);
  auto shorter = of_type(drain(voter), MessageType::VoteResponse);
  ASSERT_EQ(older_term.size(), 1u);
  ASSERT_EQ(shorter.size(), 1u);
  EXPECT_TRUE(older_term[0].reject);
  EXPECT_TRUE(shorter[0].reject);
}

// §5.1: "respond to RPCs only after updating stable storage": a granted vote
// leaves in the same Ready as the hard state recording it, so the embedding
// code (which sends only after persisting) can never send it first.
TEST(RaftPersistence, GrantedVoteTravelsWithTheHardStateRecordingIt) {
  Raft voter(config_for(3, {1, 2, 3}), 7);
  voter.step(Message{.type = MessageType::Vote, .from = 1, .to = 3, .term = 1}, 0);
  Ready ready = voter.take_ready();
  ASSERT_TRUE(ready.hard_state.has_value());
  EXPECT_EQ(ready.hard_state->vote, 1u);
  EXPECT_EQ(ready.hard_state->term, 1u);
  // A vote promises what the write holds: it waits for it.
  ASSERT_EQ(of_type(ready.messages_after_persist, MessageType::VoteResponse).size(), 1u);
  EXPECT_TRUE(of_type(ready.messages, MessageType::VoteResponse).empty());
}

// §5.3: appends that overlap the prev entry with a different term are
// rejected, with a hint that lets the leader skip the whole conflicting term.
TEST(RaftReplication, RejectsMismatchedAppendWithHint) {
  Raft follower(config_for(2, {1, 2, 3}), 7);
  follower.restore(HardState{3, kNoNode, 0}, {entry(1, 1), entry(2, 2), entry(2, 3), entry(2, 4)}, 0);
  follower.step(Message{.type = MessageType::Append, .from = 1, .to = 2, .term = 3, .index = 4, .log_term = 3}, 0);
  auto responses = of_type(drain(follower), MessageType::AppendResponse);
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_TRUE(responses[0].reject);
  EXPECT_EQ(responses[0].index, 4u);
  EXPECT_EQ(responses[0].reject_hint, 4u);
  EXPECT_EQ(responses[0].log_term, 2u);
}

// §5.4.2 (Figure 8): a leader does not commit an entry of an earlier term by
// counting replicas; it is committed only with an entry of the current term.
TEST(RaftCommit, EarlierTermEntryIsNotCommittedByCountingReplicas) {
  Raft leader(config_for(1, {1, 2, 3}), 7);
  leader.restore(HardState{2, 1, 0}, {entry(1, 1)}, 0);
  leader.tick(1'000'000);
  drain(leader);
  leader.step(Message{.type = MessageType::PreVoteResponse, .from = 2, .to = 1, .term = 3}, 1'000'000);
  drain(leader);
  leader.step(Message{.type = MessageType::VoteResponse, .from = 2, .to = 1, .term = 3}, 1'000'000);
  drain(leader);
  ASSERT_EQ(leader.role(), Role::Leader);
  ASSERT_EQ(leader.log().last_index(), 2u);  // the term-1 entry and the new no-op
  // Node 2 acknowledges only index 1 (of term 1): a majority holds it, yet it
  // must not be committed.
  leader.step(Message{.type = MessageType::AppendResponse, .from = 2, .to = 1, .term = 3, .index = 1}, 1'000'000);
  drain(leader);
  EXPECT_EQ(leader.log().committed(), 0u);
  leader.step(Message{.type = MessageType::AppendResponse, .from = 2, .to = 1, .term = 3, .index = 2}, 1'000'000);
  drain(leader);
  EXPECT_EQ(leader.log().committed(), 2u);
}

// A leader counts itself only for entries it has persisted: until its own
// write completes, one follower's acknowledgement is not a majority of 3.
TEST(RaftCommit, LeaderCountsItselfOnlyAfterPersisting) {
  Cluster cluster(3);
  cluster.elect(1);
  auto index = cluster[1].propose(Bytes{1, 2, 3}, cluster.now_us);
  ASSERT_TRUE(index.ok());
  Ready ready = cluster[1].take_ready();  // taken, not yet advanced (write in flight)
  cluster[1].step(Message{.type = MessageType::AppendResponse, .from = 2, .to = 1, .term = 1, .index = *index},
                  cluster.now_us);
  EXPECT_LT(cluster[1].log().committed(), *index);
  cluster[1].advance(ready);
  EXPECT_EQ(cluster[1].log().committed(), *index);
}

// Followers refuse proposals and name the leader they know.
TEST(RaftProposal, FollowerRejectsWithLeaderHint) {
  Cluster cluster(3);
  cluster.elect(1);
  auto result = cluster[2].propose(Bytes{1}, cluster.now_us);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().reason, RejectReason::NotLeader);
  EXPECT_EQ(result.error().leader_hint, 1u);
}

// §6.4 ReadIndex: the read is released only after a heartbeat round confirms
// leadership with a majority, at the commit index of that moment.
TEST(RaftReadIndex, ReleasedAfterHeartbeatQuorum) {
  Cluster cluster(3);
  cluster.elect(1);
  ASSERT_TRUE(cluster[1].read_index(77, cluster.now_us).ok());
  Ready ready = cluster[1].take_ready();
  EXPECT_TRUE(ready.read_states.empty());
  const auto heartbeats = of_type(ready.messages, MessageType::Heartbeat);
  ASSERT_EQ(heartbeats.size(), 2u);
  cluster[1].advance(ready);
  // Only node 2 answers: with the leader that is a majority of three.
  cluster[2].step(heartbeats[0], cluster.now_us);
  auto answers = drain(cluster[2]);
  ASSERT_EQ(answers.size(), 1u);
  cluster[1].step(answers[0], cluster.now_us);
  Ready released = cluster[1].take_ready();
  ASSERT_EQ(released.read_states.size(), 1u);
  EXPECT_EQ(released.read_states[0].request_id, 77u);
  EXPECT_EQ(released.read_states[0].index, cluster[1].log().committed());
}

// §6.4: a new leader serves no read until an entry of its term is committed.
TEST(RaftReadIndex, WaitsForCommitInCurrentTerm) {
  Cluster cluster(3);
  cluster.elect(1, /*cut=*/{2, 3});  // campaign messages lost: still a pre-candidate
  EXPECT_NE(cluster[1].role(), Role::Leader);
  auto rejected = cluster[1].read_index(1, cluster.now_us);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().reason, RejectReason::NotLeader);
}

// Dissertation §6.2 check-quorum: a leader that hears from no majority for an
// election timeout steps down.
TEST(RaftCheckQuorum, IsolatedLeaderStepsDown) {
  Cluster cluster(3);
  cluster.elect(1);
  for (int i = 0; i < 40; ++i) {
    cluster.now_us += 100;
    cluster[1].tick(cluster.now_us);
    drain(cluster[1]);  // heartbeats vanish
  }
  EXPECT_NE(cluster[1].role(), Role::Leader);
}

// Dissertation §9.6 / §4.2.3: a node rejoining after a partition cannot
// depose a healthy leader: its pre-vote fails and nobody's term moves.
TEST(RaftPreVote, RejoiningNodeDoesNotDisruptLeader) {
  Cluster cluster(3);
  cluster.elect(1);
  const Term term = cluster[1].term();
  // Node 3 stops hearing the leader (one-way cut) and times out again and
  // again; its pre-votes reach nodes 1 and 2, which still hear the leader.
  for (int i = 0; i < 100; ++i) {
    cluster.now_us += 100;
    cluster[1].tick(cluster.now_us);
    cluster.deliver(drain(cluster[1]), /*cut=*/{3});
    cluster[3].tick(cluster.now_us);
    cluster.deliver(drain(cluster[3]));
  }
  EXPECT_EQ(cluster[1].role(), Role::Leader);
  EXPECT_EQ(cluster[1].term(), term);
  EXPECT_EQ(cluster[2].term(), term);
  EXPECT_EQ(cluster[3].term(), term);  // pre-vote never bumps the term
}

// A stale leader learns of a newer term from any answer and steps down.
TEST(RaftTerms, StaleLeaderStepsDownOnHigherTerm) {
  Cluster cluster(3);
  cluster.elect(1);
  cluster[1].step(Message{.type = MessageType::AppendResponse, .from = 2, .to = 1, .term = 9}, cluster.now_us);
  EXPECT_EQ(cluster[1].role(), Role::Follower);
  EXPECT_EQ(cluster[1].term(), 9u);
}

// Flow control: with no acknowledgements a leader has at most
// max_inflight_appends appends outstanding to a follower.
TEST(RaftReplication, InflightAppendsAreBounded) {
  Cluster cluster(3);
  cluster.elect(1);
  std::size_t appends_to_2 = 0;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(cluster[1].propose(Bytes{static_cast<std::uint8_t>(i)}, cluster.now_us).ok());
    for (const Message& message : drain(cluster[1])) {
      if (message.type == MessageType::Append && message.to == 2) appends_to_2 += 1;
    }
  }
  EXPECT_EQ(appends_to_2, RaftConfig{}.max_inflight_appends);
}

// Proposals beyond the uncommitted limit are refused, not queued without bound.
TEST(RaftProposal, RefusesBeyondUncommittedLimit) {
  RaftConfig config = config_for(1, {1, 2, 3});
  config.max_uncommitted_entries = 5;
  Raft leader(config, 1);
  leader.restore(HardState{}, {}, 0);
  leader.tick(10'000'000);
  drain(leader);
  leader.step(Message{.type = MessageType::PreVoteResponse, .from = 2, .to = 1, .term = 1}, 10'000'000);
  drain(leader);
  leader.step(Message{.type = MessageType::VoteResponse, .from = 2, .to = 1, .term = 1}, 10'000'000);
  drain(leader);
  ASSERT_EQ(leader.role(), Role::Leader);
  int accepted = 0;
  for (int i = 0; i < 10; ++i) {
    if (leader.propose(Bytes{1}, 10'000'000).ok()) accepted += 1;
  }
  EXPECT_EQ(accepted, 4);  // the no-op is the fifth uncommitted entry
}

}  // namespace
}  // namespace confman::raft

namespace confman::raft {
namespace {

// Time is an input: if the clock goes backwards, no time has passed. A
// follower whose clock jumps back still times out one election timeout
// (of its own clock's progress) later, not after the clock catches up.
TEST(RaftClock, BackwardJumpNeitherFreezesNorFiresTimers) {
  Raft raft(testing::config_for(1, {1, 2, 3}), 7);
  raft.restore(HardState{}, {}, 1'000'000);
  const TimeUs deadline_us = raft.next_deadline_us();
  ASSERT_GT(deadline_us, 1'000'000);
  raft.tick(1'000'000 - 500'000);  // half a second backwards
  EXPECT_EQ(raft.role(), Role::Follower);
  EXPECT_EQ(raft.next_deadline_us(), deadline_us - 500'000);
  raft.tick(deadline_us - 500'000);
  EXPECT_EQ(raft.role(), Role::PreCandidate);
}

}  // namespace
}  // namespace confman::raft

namespace confman::raft {
namespace {

// The first election after a start (Raft::set_first_election_deadline).
TEST(RaftFirstElection, ALoneVoterCampaignsAtTheFirstTick) {
  Raft raft(testing::config_for(1, {1}), 7);
  raft.restore(HardState{}, {}, 5'000'000);
  EXPECT_EQ(raft.next_deadline_us(), 5'000'000);
  raft.tick(5'000'000);
  EXPECT_EQ(raft.role(), Role::Leader);
}

TEST(RaftFirstElection, AFreshClusterSkipsTheFixedPartOfTheTimeout) {
  const RaftConfig config = testing::config_for(1, {1, 2, 3});
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    Raft raft(config, seed);
    raft.restore(HardState{}, {}, 0);
    EXPECT_GE(raft.next_deadline_us(), config.heartbeat_interval_us);
    EXPECT_LT(raft.next_deadline_us(), config.heartbeat_interval_us + config.election_timeout_us);
  }
}

TEST(RaftFirstElection, ANodeWithHistoryWaitsTheWholeTimeout) {
  const RaftConfig config = testing::config_for(1, {1, 2, 3});
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    Raft raft(config, seed);
    raft.restore(HardState{1, kNoNode, 0}, {Entry{1, 1, EntryType::Noop, {}}}, 0);
    EXPECT_GE(raft.next_deadline_us(), config.election_timeout_us);
  }
}

}  // namespace
}  // namespace confman::raft

namespace confman::raft {
namespace {

using testing::config_for;
using testing::drain;
using testing::of_type;

// A lost vote request or answer once cost the whole randomized timeout:
// a (pre-)candidate asks again, each heartbeat interval, the voters that
// have not answered, and only those.
TEST(RaftElectionRetries, ACandidateAsksAgainOnlyWhoHasNotAnswered) {
  const RaftConfig config = config_for(1, {1, 2, 3});
  Raft raft(config, 7);
  raft.tick(1'000'000);
  ASSERT_EQ(raft.role(), Role::PreCandidate);
  ASSERT_EQ(of_type(drain(raft), MessageType::PreVote).size(), 2u);
  TimeUs now = 1'000'000 + config.heartbeat_interval_us;
  EXPECT_EQ(raft.next_deadline_us(), now);
  raft.tick(now);
  EXPECT_EQ(of_type(drain(raft), MessageType::PreVote).size(), 2u);
  // Node 2 grants: a candidate now, asking both again for the real vote.
  raft.step(Message{.type = MessageType::PreVoteResponse, .from = 2, .to = 1, .term = 1}, now);
  ASSERT_EQ(raft.role(), Role::Candidate);
  ASSERT_EQ(of_type(drain(raft), MessageType::Vote).size(), 2u);
  raft.step(Message{.type = MessageType::VoteResponse, .from = 3, .to = 1, .term = 1, .reject = true}, now);
  now += config.heartbeat_interval_us;
  raft.tick(now);
  const auto again = of_type(drain(raft), MessageType::Vote);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].to, 2u);
  EXPECT_EQ(again[0].term, 1u);
}

// A voter answers a repeated request as it answered the first.
TEST(RaftElectionRetries, ARepeatedVoteRequestGetsTheSameAnswer) {
  Raft voter(config_for(3, {1, 2, 3}), 7);
  for (int i = 0; i < 2; ++i) {
    voter.step(Message{.type = MessageType::Vote, .from = 1, .to = 3, .term = 1}, 0);
    const auto answer = of_type(drain(voter), MessageType::VoteResponse);
    ASSERT_EQ(answer.size(), 1u);
    EXPECT_FALSE(answer[0].reject);
  }
  voter.step(Message{.type = MessageType::Vote, .from = 2, .to = 3, .term = 1}, 0);
  EXPECT_TRUE(of_type(drain(voter), MessageType::VoteResponse)[0].reject);
}

// Two pre-candidates with the same log used to grant each other, both went
// on to vote for themselves, and with the third node down neither could
// win (seed 101 of paused-leader-3: two such split votes in a row). Only
// the lower id is granted between rivals.
TEST(RaftElectionRetries, RivalPreCandidatesWithTheSameLogGrantOnlyTheLowerId) {
  Raft raft(config_for(2, {1, 2, 3}), 7);
  raft.tick(1'000'000);
  ASSERT_EQ(raft.role(), Role::PreCandidate);
  drain(raft);
  raft.step(Message{.type = MessageType::PreVote, .from = 3, .to = 2, .term = 1, .index = 0, .log_term = 0}, 1'000'000);
  const auto to_higher = of_type(drain(raft), MessageType::PreVoteResponse);
  ASSERT_EQ(to_higher.size(), 1u);
  EXPECT_TRUE(to_higher[0].reject);
  raft.step(Message{.type = MessageType::PreVote, .from = 1, .to = 2, .term = 1, .index = 0, .log_term = 0}, 1'000'000);
  const auto to_lower = of_type(drain(raft), MessageType::PreVoteResponse);
  ASSERT_EQ(to_lower.size(), 1u);
  EXPECT_FALSE(to_lower[0].reject);
  // A follower grants both, as before.
  Raft follower(config_for(2, {1, 2, 3}), 7);
  follower.step(Message{.type = MessageType::PreVote, .from = 3, .to = 2, .term = 1, .index = 0, .log_term = 0}, 0);
  EXPECT_FALSE(of_type(drain(follower), MessageType::PreVoteResponse)[0].reject);
}

}  // namespace
}  // namespace confman::raft
