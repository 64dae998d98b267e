// A full disk (issue: "disk full: writes refused with a clear status, the
// node stays safe and recovers when space returns"). The refused write left
// nothing on disk, so the node holds it and tries again; meanwhile it stays
// up, refuses client writes with NoSpace and sends nothing.

#include <gtest/gtest.h>

#include "tests/node/node_cluster.h"

namespace confman::node::testing {
namespace {

constexpr TimeUs kRetryUs = 20'000;

NodeConfig single_node_config() {
  NodeConfig config;
  config.raft.id = 1;
  config.raft.voters = {1};
  config.raft.election_timeout_us = 1000;
  config.raft.heartbeat_interval_us = 100;
  config.disk_full_retry_us = kRetryUs;
  return config;
}

ClientRequest put(std::uint64_t request_id, std::string key, std::string value) {
  ClientRequest request;
  request.request_id = request_id;
  request.write.client_id = 1;
  request.write.sequence = request_id;
  request.write.command = kv::Command{kv::CommandType::Put, std::move(key), std::move(value), 0};
  return request;
}

ClientRequest get(std::uint64_t request_id, std::string key, ReadConsistency consistency) {
  ClientRequest request;
  request.request_id = request_id;
  request.kind = RequestKind::Get;
  request.key = std::move(key);
  request.consistency = consistency;
  return request;
}

struct SingleNode {
  SingleNode() : node(single_node_config(), Env{&storage, &transport, &responses, nullptr}) {}
  void become_leader() {
    ASSERT_TRUE(node.start(0).ok());
    node.tick(10'000);
    storage.complete_all();
    ASSERT_EQ(node.status().role, raft::Role::Leader);
  }
  const ClientResponse& last() const { return responses.received.back(); }
  ManualStorage storage;
  std::deque<Frame> frames;
  QueueTransport transport{1, frames};
  Responses responses;
  Node node;
};

TEST(DiskFull, RefusedWriteIsHeldAndRetriedWhileTheNodeStaysUp) {
  SingleNode single;
  single.become_leader();
  single.node.submit(put(1, "/a", "x"), 20'000);
  ASSERT_EQ(single.storage.pending.size(), 1u);
  const WriteBatch refused = single.storage.pending.front().first;
  single.storage.complete_next(StorageStatus::DiskFull);

  EXPECT_FALSE(single.node.stopped());
  EXPECT_TRUE(single.node.disk_full());
  // Answered at once rather than held for as long as the disk stays full,
  // and never acknowledged: its entry may still be stored later.
  ASSERT_EQ(single.responses.received.size(), 1u);
  EXPECT_EQ(single.last().outcome, Outcome::Unknown);
  EXPECT_NE(single.last().detail.find("disk is full"), std::string::npos) << single.last().detail;
  EXPECT_EQ(single.node.next_deadline_us(), 20'000 + kRetryUs);

  // Not yet due: nothing is written again.
  single.node.tick(20'000 + kRetryUs - 1);
  EXPECT_TRUE(single.storage.pending.empty());
  // Due: the very same batch goes to the disk again.
  single.node.tick(20'000 + kRetryUs);
  ASSERT_EQ(single.storage.pending.size(), 1u);
  const WriteBatch& retried = single.storage.pending.front().first;
  EXPECT_EQ(retried.first_index, refused.first_index);
  EXPECT_EQ(retried.entries, refused.entries);
  EXPECT_EQ(retried.hard_state, refused.hard_state);
  EXPECT_TRUE(single.node.disk_full()) << "no write has succeeded yet";
  single.node.submit(put(2, "/b", "y"), 20'000 + kRetryUs);
  EXPECT_EQ(single.last().outcome, Outcome::NoSpace) << "still refusing while the retry is in flight";

  single.storage.complete_next(StorageStatus::Ok);
  EXPECT_FALSE(single.node.disk_full());
  // Stored after all (its client was told the outcome was unknown).
  EXPECT_EQ(single.responses.received.size(), 2u);
  ASSERT_TRUE(single.node.store().get("/a").has_value());
  EXPECT_EQ(single.node.store().get("/a")->value, "x");
  EXPECT_EQ(single.node.disk_full_refusals(), 1u);
}

// The bug this prevents: the retry deadline stayed where it was when the
// clock stepped back, so a node kept out of the cluster for the length of
// the jump (swarm seed 235 of timeline-split-5: 15 s).
TEST(DiskFull, AClockThatStepsBackDoesNotPutOffTheRetry) {
  SingleNode single;
  single.become_leader();
  single.node.submit(put(1, "/a", "x"), 20'000);
  single.storage.complete_next(StorageStatus::DiskFull);
  ASSERT_EQ(single.node.next_deadline_us(), 20'000 + kRetryUs);
  // The clock steps back 15 s. The node counts no time as passed since its
  // last input (the refusal): the retry is due a retry interval after the
  // reading that went back, not 15 s later.
  const TimeUs jumped_us = 20'000 + 5'000 - 15'000'000;
  single.node.tick(jumped_us);
  EXPECT_EQ(single.node.next_deadline_us(), jumped_us + kRetryUs);
  single.node.tick(jumped_us + kRetryUs);
  EXPECT_EQ(single.storage.pending.size(), 1u) << "the retry waited for the clock to catch up";
}

TEST(DiskFull, WritesAndLinearizableReadsAreRefusedWithNoSpaceStaleReadsServed) {
  SingleNode single;
  single.become_leader();
  single.node.submit(put(1, "/a", "x"), 20'000);
  single.storage.complete_all();
  single.node.submit(put(2, "/b", "y"), 21'000);
  single.storage.complete_next(StorageStatus::DiskFull);
  ASSERT_EQ(single.responses.received.size(), 2u);  // 1 acknowledged; 2 unknown
  EXPECT_EQ(single.last().outcome, Outcome::Unknown);

  single.node.submit(put(3, "/c", "z"), 22'000);
  ASSERT_EQ(single.responses.received.size(), 3u);
  EXPECT_EQ(single.last().outcome, Outcome::NoSpace);
  EXPECT_NE(single.last().detail.find("disk full"), std::string::npos) << single.last().detail;
  EXPECT_TRUE(single.storage.pending.empty()) << "a refused request reached the disk";

  single.node.submit(get(4, "/a", ReadConsistency::Linearizable), 22'000);
  EXPECT_EQ(single.last().outcome, Outcome::NoSpace);

  single.node.submit(get(5, "/a", ReadConsistency::Stale), 22'000);
  EXPECT_EQ(single.last().outcome, Outcome::Ok);
  ASSERT_TRUE(single.last().read.has_value());
  EXPECT_EQ(single.last().read->value, "x");
}

TEST(DiskFull, RepeatedRefusalsKeepRetryingUntilSpaceReturns) {
  SingleNode single;
  single.become_leader();
  single.node.submit(put(1, "/a", "x"), 20'000);
  TimeUs now_us = 20'000;
  for (int refusal = 0; refusal < 5; ++refusal) {
    ASSERT_EQ(single.storage.pending.size(), 1u);
    single.storage.complete_next(StorageStatus::DiskFull);
    now_us = single.node.next_deadline_us();
    single.node.tick(now_us);
  }
  EXPECT_EQ(single.node.disk_full_refusals(), 5u);
  ASSERT_EQ(single.responses.received.size(), 1u);  // answered once, at the first refusal
  EXPECT_EQ(single.last().outcome, Outcome::Unknown);
  single.storage.complete_all();
  EXPECT_EQ(single.responses.received.size(), 1u);
  ASSERT_TRUE(single.node.store().get("/a").has_value());
}

// A follower whose disk is full takes no part: it acknowledges nothing it
// could not store, the others carry on, and it catches up once it can write.
TEST(DiskFull, FollowerWithAFullDiskSendsNothingAndCatchesUpAfterwards) {
  NodeCluster cluster(3, [](NodeConfig& config) { config.disk_full_retry_us = kRetryUs; });
  const NodeId leader = cluster.await_leader();
  ASSERT_NE(leader, kNoNode);
  const NodeId full = leader == 3 ? 2 : 3;
  cluster.member(full).auto_sync = false;
  ASSERT_EQ(cluster.put_many(1), 1);

  // Refuse everything the full node writes, for a while.
  int frames_from_full_node = 0;
  bool refused_any = false;
  for (int step = 0; step < 400; ++step) {
    ManualStorage& storage = cluster.member(full).storage;
    while (!storage.pending.empty()) {
      storage.complete_next(StorageStatus::DiskFull);
      refused_any = true;
    }
    for (const Frame& frame : cluster.network) frames_from_full_node += frame.from == full ? 1 : 0;
    cluster.step();
    if (step == 200) {
      EXPECT_EQ(cluster.put_many(10), 10) << "the other two must keep committing";
    }
  }
  ASSERT_TRUE(refused_any);
  EXPECT_FALSE(cluster[full].stopped());
  EXPECT_TRUE(cluster[full].disk_full());
  EXPECT_EQ(frames_from_full_node, 0) << "a node holding a refused write sent messages";
  EXPECT_GT(cluster[full].messages_dropped_disk_full(), 0u);

  // Space returns.
  cluster.member(full).auto_sync = true;
  EXPECT_TRUE(cluster.run_until_converged(5'000'000));
  EXPECT_FALSE(cluster[full].disk_full());
}

}  // namespace
}  // namespace confman::node::testing
