// Peer messages no honest peer sends are dropped and counted, never
// asserted on (core/raft/refused_message.h): a forged frame must not abort
// a node. Each test sends one such message and checks the node refused it,
// counted it under its kind, and changed nothing.

#include <gtest/gtest.h>

#include "tests/raft/raft_harness.h"

namespace confman::raft {
namespace {

using testing::Cluster;
using testing::config_for;
using testing::drain;

Entry entry(Term term, LogIndex index) { return Entry{term, index, EntryType::Normal, {}}; }

std::uint64_t refused(const Raft& raft, RefusedMessage kind) {
  return raft.refused_messages()[static_cast<std::size_t>(kind)];
}

std::uint64_t refused_total(const Raft& raft) {
  std::uint64_t total = 0;
  for (const std::uint64_t count : raft.refused_messages()) total += count;
  return total;
}

TEST(RefusedMessage, AnHonestClusterRefusesNothing) {
  Cluster cluster(3);
  cluster.elect(1);
  ASSERT_TRUE(cluster[1].propose({1}, cluster.now_us).ok());
  cluster.deliver(drain(cluster[1]));
  for (const NodeId id : {1, 2, 3}) EXPECT_EQ(refused_total(cluster[id]), 0u) << "node " << id;
}

TEST(RefusedMessage, AMessageFromItselfIsRefused) {
  Raft raft(config_for(1, {1, 2, 3}), 7);
  raft.step(Message{.type = MessageType::Vote, .from = 1, .to = 1, .term = 5}, 0);
  EXPECT_EQ(refused(raft, RefusedMessage::FromSelf), 1u);
  EXPECT_EQ(raft.term(), 0u) << "not even its term was taken";
}

// §5.2 Election Safety: a leader that hears another leader in its own term
// (only a forger can send that) keeps leading; so does a follower's view.
TEST(RefusedMessage, ASecondLeaderInTheTermIsRefused) {
  Cluster cluster(3);
  cluster.elect(1);
  const Term term = cluster[1].term();
  cluster[1].step(Message{.type = MessageType::Append, .from = 2, .to = 1, .term = term, .index = 1, .log_term = term},
                  cluster.now_us);
  EXPECT_EQ(refused(cluster[1], RefusedMessage::SecondLeader), 1u);
  EXPECT_EQ(cluster[1].role(), Role::Leader);
  cluster[2].step(Message{.type = MessageType::Heartbeat, .from = 3, .to = 2, .term = term}, cluster.now_us);
  Message snapshot{.type = MessageType::Snapshot, .from = 3, .to = 2, .term = term, .index = 5, .log_term = term};
  snapshot.snapshot_size = 1;
  snapshot.membership.voters = {1, 2, 3};
  snapshot.chunk = {7};
  cluster[2].step(snapshot, cluster.now_us);
  EXPECT_EQ(refused(cluster[2], RefusedMessage::SecondLeader), 2u);
  EXPECT_EQ(cluster[2].leader(), 1u);
}

TEST(RefusedMessage, AnAppendThatWouldTruncateACommittedEntryIsRefusedWhole) {
  Cluster cluster(3);
  cluster.elect(1);
  ASSERT_TRUE(cluster[1].propose({1}, cluster.now_us).ok());
  cluster.deliver(drain(cluster[1]));
  Raft& follower = cluster[2];
  ASSERT_EQ(follower.log().committed(), 1u) << "the commit index reached the follower with the next append";
  const Term term = follower.term();
  const LogIndex last = follower.log().last_index();
  // From the real leader's id and term, a conflicting entry at index 1.
  follower.step(Message{.type = MessageType::Append, .from = 1, .to = 2, .term = term, .index = 0, .log_term = 0,
                        .entries = {entry(term, 1), entry(term, 2)}},
                cluster.now_us);
  EXPECT_EQ(refused(follower, RefusedMessage::TruncatesCommitted), 0u) << "same terms: no conflict";
  Message conflicting{.type = MessageType::Append, .from = 1, .to = 2, .term = term + 1, .index = 0, .log_term = 0,
                      .entries = {entry(term + 1, 1)}};
  follower.step(conflicting, cluster.now_us);
  EXPECT_EQ(refused(follower, RefusedMessage::TruncatesCommitted), 1u);
  EXPECT_EQ(follower.log().last_index(), last);
  EXPECT_EQ(*follower.log().term_at(1), term);
}

TEST(RefusedMessage, EntriesThatContradictTheirMessageAreRefused) {
  Raft raft(config_for(2, {1, 2, 3}), 7);
  const auto send = [&raft](std::vector<Entry> entries, Term term = 3) {
    raft.step(Message{.type = MessageType::Append, .from = 1, .to = 2, .term = term, .index = 0, .log_term = 0,
                      .entries = std::move(entries)},
              0);
  };
  send({entry(1, 1), entry(1, 3)});  // a gap
  send({entry(2, 1), entry(1, 2)});  // terms going down
  send({entry(4, 1)});               // a term after the message's
  EXPECT_EQ(refused(raft, RefusedMessage::Inconsistent), 3u);
  EXPECT_EQ(raft.log().last_index(), 0u);
  send({entry(1, 1), entry(3, 2)});
  EXPECT_EQ(raft.log().last_index(), 2u) << "a consistent append is taken";
}

TEST(RefusedMessage, AnAcknowledgementBeyondTheLeadersLogIsRefused) {
  Cluster cluster(3);
  cluster.elect(1);
  Raft& leader = cluster[1];
  const LogIndex commit = leader.log().committed();
  leader.step(Message{.type = MessageType::AppendResponse, .from = 2, .to = 1, .term = leader.term(), .index = 99},
              cluster.now_us);
  leader.step(Message{.type = MessageType::SnapshotResponse, .from = 3, .to = 1, .term = leader.term(), .index = 50,
                      .commit = 60},
              cluster.now_us);
  EXPECT_EQ(refused(leader, RefusedMessage::AckBeyondLog), 2u);
  EXPECT_EQ(leader.log().committed(), commit);
  EXPECT_EQ(leader.role(), Role::Leader);
}

}  // namespace
}  // namespace confman::raft
