// What the request layer does with what it forwarded (core/service/forwards.h):
// a newer leader takes what is safe to send twice at once, a write without a
// session is Unknown at once, and a failed forward says whether anything
// could have happened. A follower that forwarded to a leader that then froze
// kept its clients waiting for the whole forward timeout (4 to 7 s on real
// processes, while a new leader was elected in 1 to 1.8 s).

#include <gtest/gtest.h>

#include "tests/service/service_cluster.h"

namespace confman::service {
namespace {

using testing::RecordingOutput;
using testing::ServiceCluster;

NodeId follower_of(NodeId leader) { return leader == 1 ? 2 : 1; }

struct Forwarded {
  NodeId follower = kNoNode;
  NodeId leader = kNoNode;
  std::uint64_t id = 0;
};

// A request handed to a follower, which forwards it; the forward is not delivered.
Forwarded forward_from_follower(ServiceCluster& cluster, Request request) {
  const NodeId leader = cluster.await_leader();
  const NodeId follower = follower_of(leader);
  request.id = cluster.next_id();
  cluster[follower].handle(request, cluster.now_us);
  EXPECT_EQ(cluster.output(follower).forwards.size(), 1u);
  return Forwarded{follower, leader, request.id};
}

// Cuts the old leader off and steps until the follower knows another leader
// (or leads); returns it.
NodeId move_leadership(ServiceCluster& cluster, const Forwarded& forwarded) {
  cluster.cut.insert(forwarded.leader);
  for (int i = 0; i < 20'000; ++i) {
    const raft::RaftStatus status = cluster[forwarded.follower].node().status();
    if (status.role == raft::Role::Leader) return forwarded.follower;
    if (status.leader != kNoNode && status.leader != forwarded.leader) return status.leader;
    cluster.step();
  }
  return kNoNode;
}

Request put_with_session(std::uint64_t client_id) {
  return Request{.operation = Operation::Put, .key = "/a", .value = "1", .client_id = client_id, .sequence = client_id == 0 ? 0u : 1u};
}

TEST(Forwarding, AWriteWithASessionGoesToTheNewLeaderAsSoonAsItIsKnown) {
  ServiceCluster cluster(3);
  const Forwarded forwarded = forward_from_follower(cluster, put_with_session(7));
  const TimeUs cut_at_us = cluster.now_us;
  const NodeId new_leader = move_leadership(cluster, forwarded);
  ASSERT_NE(new_leader, kNoNode);
  // Re-routed in the same step the follower learned of the new leader.
  EXPECT_LT(cluster.now_us - cut_at_us, ServiceConfig{}.forward_timeout_us);
  RecordingOutput& output = cluster.output(forwarded.follower);
  if (new_leader == forwarded.follower) {
    for (int i = 0; i < 400 && output.answer(forwarded.id) == nullptr; ++i) cluster.step();
    ASSERT_NE(output.answer(forwarded.id), nullptr);
    EXPECT_EQ(output.answer(forwarded.id)->code, Code::Ok);
  } else {
    ASSERT_EQ(output.forwards.size(), 2u);
    EXPECT_EQ(output.forwards[1].leader, new_leader);
    EXPECT_EQ(output.answer(forwarded.id), nullptr);
    // The new leader's answer is relayed; the old one's, arriving late, is not.
    EXPECT_TRUE(cluster[forwarded.follower].forward_answered(forwarded.id, new_leader, cluster.now_us));
    EXPECT_FALSE(cluster[forwarded.follower].forward_answered(forwarded.id, forwarded.leader, cluster.now_us));
  }
  EXPECT_EQ(cluster[forwarded.follower].pending_requests(), 0u);
  EXPECT_EQ(cluster[forwarded.follower].pending_bytes(), 0u);
}

TEST(Forwarding, AWriteWithoutASessionIsUnknownAsSoonAsLeadershipMoves) {
  ServiceCluster cluster(3);
  const Forwarded forwarded = forward_from_follower(cluster, put_with_session(0));
  const NodeId new_leader = move_leadership(cluster, forwarded);
  ASSERT_NE(new_leader, kNoNode);
  const Response* answer = cluster.output(forwarded.follower).answer(forwarded.id);
  ASSERT_NE(answer, nullptr);
  EXPECT_EQ(answer->code, Code::Unknown);
  EXPECT_NE(answer->detail.find("leadership moved"), std::string::npos) << answer->detail;
  EXPECT_EQ(cluster.output(forwarded.follower).forwards.size(), 1u);  // not sent again
}

TEST(Forwarding, AReadGoesToTheNewLeader) {
  ServiceCluster cluster(3);
  const Forwarded forwarded = forward_from_follower(cluster, Request{.operation = Operation::Get, .key = "/a"});
  const NodeId new_leader = move_leadership(cluster, forwarded);
  ASSERT_NE(new_leader, kNoNode);
  RecordingOutput& output = cluster.output(forwarded.follower);
  if (new_leader != forwarded.follower) {
    ASSERT_EQ(output.forwards.size(), 2u);
    EXPECT_EQ(output.forwards[1].leader, new_leader);
  } else {
    for (int i = 0; i < 400 && output.answer(forwarded.id) == nullptr; ++i) cluster.step();
    ASSERT_NE(output.answer(forwarded.id), nullptr);
    EXPECT_EQ(output.answer(forwarded.id)->code, Code::NotFound);
  }
}

TEST(Forwarding, AForwardNeverSentChangedNothing) {
  ServiceCluster cluster(3);
  const Forwarded forwarded = forward_from_follower(cluster, put_with_session(0));
  cluster[forwarded.follower].forward_failed(forwarded.id, forwarded.leader, ForwardFailure::NotSent,
                                             "connection refused", cluster.now_us);
  const Response* answer = cluster.output(forwarded.follower).answer(forwarded.id);
  ASSERT_NE(answer, nullptr);
  EXPECT_EQ(answer->code, Code::Unreachable);
  EXPECT_NE(answer->detail.find("nothing was applied"), std::string::npos) << answer->detail;
  EXPECT_EQ(cluster[forwarded.follower].pending_bytes(), 0u);
}

TEST(Forwarding, AWriteSentWithoutAnAnswerIsUnknownAndAReadIsUnreachable) {
  ServiceCluster cluster(3);
  const Forwarded write = forward_from_follower(cluster, put_with_session(0));
  cluster[write.follower].forward_failed(write.id, write.leader, ForwardFailure::NoAnswer, "connection reset",
                                         cluster.now_us);
  ASSERT_NE(cluster.output(write.follower).answer(write.id), nullptr);
  EXPECT_EQ(cluster.output(write.follower).answer(write.id)->code, Code::Unknown);

  const std::uint64_t read_id = cluster.next_id();
  cluster[write.follower].handle(Request{.id = read_id, .operation = Operation::Get, .key = "/a"}, cluster.now_us);
  cluster[write.follower].forward_failed(read_id, write.leader, ForwardFailure::NoAnswer, "connection reset",
                                         cluster.now_us);
  ASSERT_NE(cluster.output(write.follower).answer(read_id), nullptr);
  EXPECT_EQ(cluster.output(write.follower).answer(read_id)->code, Code::Unreachable);
}

TEST(Forwarding, AForwardWithNoAnswerEndsAtItsTimeout) {
  ServiceCluster cluster(3);
  const Forwarded forwarded = forward_from_follower(cluster, put_with_session(3));
  const TimeUs sent_at_us = cluster.now_us;
  const Response* answer = nullptr;
  while (answer == nullptr && cluster.now_us - sent_at_us <= 2 * ServiceConfig{}.forward_timeout_us) {
    cluster.step();
    answer = cluster.output(forwarded.follower).answer(forwarded.id);
  }
  ASSERT_NE(answer, nullptr);
  EXPECT_EQ(answer->code, Code::Unknown);
  EXPECT_GE(cluster.now_us - sent_at_us, ServiceConfig{}.forward_timeout_us);
  // A late answer is not relayed.
  EXPECT_FALSE(cluster[forwarded.follower].forward_answered(forwarded.id, forwarded.leader, cluster.now_us));
}

// The network may deliver a client's request twice. The second forward
// replaced the first without releasing its bytes, so a follower's pending
// bytes crept up with every duplicate until it refused everything Busy.
TEST(Forwarding, ARequestDeliveredTwiceIsHeldOnce) {
  ServiceCluster cluster(3);
  const NodeId leader = cluster.await_leader();
  const NodeId follower = follower_of(leader);
  const Request put{.id = cluster.next_id(), .operation = Operation::Put, .key = "/a", .value = "1"};
  cluster[follower].handle(put, cluster.now_us);
  cluster[follower].handle(put, cluster.now_us);
  EXPECT_EQ(cluster.output(follower).forwards.size(), 2u);
  EXPECT_EQ(cluster[follower].pending_requests(), 1u);
  EXPECT_EQ(cluster[follower].pending_bytes(), request_bytes(put));
  EXPECT_TRUE(cluster[follower].forward_answered(put.id, leader, cluster.now_us));
  EXPECT_EQ(cluster[follower].pending_bytes(), 0u);
}

}  // namespace
}  // namespace confman::service
