// A write is answered as soon as its entry is durable on a quorum: nothing
// on that path waits for a timer. Heartbeats hide such a wait in a busy
// cluster, and a lone client would pay a heartbeat interval per write.

#include <gtest/gtest.h>

#include "tests/node/node_cluster.h"

namespace confman::node::testing {
namespace {

ClientRequest put(std::uint64_t request_id, const std::string& key) {
  ClientRequest request;
  request.request_id = request_id;
  request.write.client_id = 7;
  request.write.sequence = request_id;
  request.write.command = kv::Command{kv::CommandType::Put, key, "v", 0};
  return request;
}

// Delivers frames and completes writes, with the clock stopped, until
// nothing is left to do.
void settle_without_timers(NodeCluster& cluster) {
  for (int round = 0; round < 100; ++round) {
    bool busy = !cluster.network.empty();
    for (NodeId id = 1; id <= 3; ++id) {
      busy = busy || !cluster.member(id).storage.pending.empty();
      cluster.member(id).storage.complete_all();
    }
    std::deque<Frame> frames = std::move(cluster.network);
    cluster.network.clear();
    for (const Frame& frame : frames) cluster.deliver(frame);
    if (!busy) return;
  }
}

TEST(NodeCommitLatency, AWriteIsAnsweredAndAppliedEverywhereWithoutATimer) {
  NodeCluster cluster(3);
  const NodeId leader = cluster.await_leader();
  ASSERT_NE(leader, kNoNode);
  ASSERT_EQ(cluster.put_many(3), 3);
  cluster.run_for(5'000);  // idle: every commit index written
  settle_without_timers(cluster);
  for (std::uint64_t i = 1; i <= 3; ++i) {
    Responses& responses = cluster.member(leader).responses;
    const std::size_t before = responses.received.size();
    cluster[leader].submit(put(1000 + i, "/lone/" + std::to_string(i)), cluster.now_us);
    settle_without_timers(cluster);
    ASSERT_EQ(responses.received.size(), before + 1) << "write " << i << " waited for a timer";
    EXPECT_EQ(responses.received.back().outcome, Outcome::Ok);
  }
  // The followers learn the commit index with the next append; the last one
  // waits for a heartbeat, which is how Raft tells them (§5.3).
  cluster.run_for(5'000);
  EXPECT_TRUE(cluster.converged());
}

}  // namespace
}  // namespace confman::node::testing
