// The node's contract with its environment: nothing is acknowledged before
// it is durable; a failed write stops the node; corrupted records are never
// used at start-up.

#include <gtest/gtest.h>

#include <deque>

#include "core/node/node.h"
#include "core/node/stored_record.h"

namespace confman::node {
namespace {

// Storage whose writes complete only when the test says so.
class ManualStorage final : public Storage {
 public:
  Result<StoredState, StorageError> load() override { return durable; }
  void write(WriteBatch batch, std::function<void(StorageStatus)> on_complete) override {
    pending.push_back({std::move(batch), std::move(on_complete)});
  }
  void complete_next(StorageStatus status) {
    auto [batch, callback] = std::move(pending.front());
    pending.pop_front();
    if (status == StorageStatus::Ok) apply_write_batch(durable, batch);
    callback(status);
  }
  void complete_all() {
    while (!pending.empty()) complete_next(StorageStatus::Ok);
  }
  StoredState durable;
  std::deque<std::pair<WriteBatch, std::function<void(StorageStatus)>>> pending;
};

class NullTransport final : public Transport {
 public:
  void send(NodeId, Bytes) override { sent += 1; }
  int sent = 0;
};

class Responses final : public ClientResponder {
 public:
  void respond(ClientResponse response) override { received.push_back(std::move(response)); }
  std::vector<ClientResponse> received;
};

struct SingleNode {
  SingleNode() : node(config(), Env{&storage, &transport, &responses, nullptr}) {}
  static NodeConfig config() {
    NodeConfig config;
    config.raft.id = 1;
    config.raft.voters = {1};
    config.raft.election_timeout_us = 1000;
    config.raft.heartbeat_interval_us = 100;
    return config;
  }
  void become_leader() {
    ASSERT_TRUE(node.start(0).ok());
    node.tick(10'000);
    storage.complete_all();
    ASSERT_EQ(node.status().role, raft::Role::Leader);
  }
  static ClientRequest put(std::uint64_t request_id, std::string key, std::string value) {
    ClientRequest request;
    request.request_id = request_id;
    request.write.client_id = 1;
    request.write.sequence = request_id;
    request.write.command = kv::Command{kv::CommandType::Put, std::move(key), std::move(value), 0};
    return request;
  }
  ManualStorage storage;
  NullTransport transport;
  Responses responses;
  Node node;
};

TEST(Node, WriteIsAcknowledgedOnlyAfterItsSyncCompletes) {
  SingleNode single;
  single.become_leader();
  single.node.submit(SingleNode::put(1, "/a", "x"), 20'000);
  EXPECT_TRUE(single.responses.received.empty()) << "acknowledged before the write was durable";
  ASSERT_EQ(single.storage.pending.size(), 1u);
  single.storage.complete_next(StorageStatus::Ok);
  ASSERT_EQ(single.responses.received.size(), 1u);
  EXPECT_EQ(single.responses.received[0].outcome, Outcome::Ok);
  EXPECT_EQ(single.responses.received[0].write.revision, 1u);
}

// DESIGN.md: a failed sync is never ignored; the node stops (fail-stop) and
// never acknowledges what is not durable.
TEST(Node, FailedSyncStopsTheNodeWithoutAcknowledging) {
  SingleNode single;
  single.become_leader();
  single.node.submit(SingleNode::put(1, "/a", "x"), 20'000);
  single.storage.complete_next(StorageStatus::IoError);
  EXPECT_TRUE(single.node.stopped());
  ASSERT_EQ(single.responses.received.size(), 1u);
  EXPECT_EQ(single.responses.received[0].outcome, Outcome::Unknown);
  single.node.submit(SingleNode::put(2, "/b", "y"), 30'000);
  ASSERT_EQ(single.responses.received.size(), 2u);
  EXPECT_EQ(single.responses.received[1].outcome, Outcome::Stopped);
}

TEST(Node, RetriedWriteIsAppliedOnceAndReturnsTheOriginalResult) {
  SingleNode single;
  single.become_leader();
  single.node.submit(SingleNode::put(1, "/a", "x"), 20'000);
  single.storage.complete_all();
  ClientRequest retry = SingleNode::put(1, "/a", "x");
  retry.request_id = 99;
  single.node.submit(retry, 21'000);
  single.storage.complete_all();
  ASSERT_EQ(single.responses.received.size(), 2u);
  EXPECT_EQ(single.responses.received[1].write, single.responses.received[0].write);
  EXPECT_EQ(single.node.store().revision(), 1u);
}

TEST(Node, InvalidKeyIsRejectedBeforeProposing) {
  SingleNode single;
  single.become_leader();
  single.node.submit(SingleNode::put(1, "/a//b", "x"), 20'000);
  EXPECT_TRUE(single.storage.pending.empty());
  ASSERT_EQ(single.responses.received.size(), 1u);
  EXPECT_EQ(single.responses.received[0].outcome, Outcome::InvalidRequest);
  EXPECT_NE(single.responses.received[0].detail.find("empty"), std::string::npos);
}

// The commit index is volatile (Raft Figure 2): a newer one costs no sync of
// its own while writes keep coming, and is written once the node has been
// quiet for a heartbeat interval.
TEST(Node, ANewerCommitIndexWaitsForTheNextWriteOrAQuietHeartbeat) {
  SingleNode single;
  single.become_leader();
  single.node.submit(SingleNode::put(1, "/a", "x"), 20'000);
  single.storage.complete_all();
  ASSERT_EQ(single.responses.received.size(), 1u);
  const LogIndex committed = single.node.status().commit;
  EXPECT_TRUE(single.storage.pending.empty()) << "a commit-only change was written at once";
  // The next entry carries it.
  single.node.submit(SingleNode::put(2, "/b", "y"), 20'010);
  ASSERT_EQ(single.storage.pending.size(), 1u);
  ASSERT_TRUE(single.storage.pending.front().first.hard_state.has_value());
  EXPECT_EQ(decode_hard_state_record(*single.storage.pending.front().first.hard_state)->commit, committed);
  single.storage.complete_all();
  EXPECT_TRUE(single.storage.pending.empty());
  // Quiet for a heartbeat interval: the newest commit index is written alone.
  single.node.tick(20'010 + SingleNode::config().raft.heartbeat_interval_us);
  ASSERT_EQ(single.storage.pending.size(), 1u);
  EXPECT_TRUE(single.storage.pending.front().first.entries.empty());
  single.storage.complete_all();
  EXPECT_EQ(decode_hard_state_record(*single.storage.durable.hard_state)->commit, single.node.status().commit);
}

TEST(Node, RestartReplaysCommittedWrites) {
  SingleNode first;
  first.become_leader();
  first.node.submit(SingleNode::put(1, "/a", "x"), 20'000);
  first.storage.complete_all();
  first.node.tick(20'000 + SingleNode::config().raft.heartbeat_interval_us);  // writes the commit index
  first.storage.complete_all();
  SingleNode second;
  second.storage.durable = first.storage.durable;
  ASSERT_TRUE(second.node.start(0).ok());
  EXPECT_EQ(second.node.store().digest(), first.node.store().digest());
  ASSERT_TRUE(second.node.store().get("/a").has_value());
}

// DESIGN.md: a stored record that fails its checksum is never used.
TEST(Node, CorruptedEntryRecordStopsStartUp) {
  SingleNode first;
  first.become_leader();
  first.node.submit(SingleNode::put(1, "/a", "x"), 20'000);
  first.storage.complete_next(StorageStatus::Ok);
  SingleNode second;
  second.storage.durable = first.storage.durable;
  ASSERT_GE(second.storage.durable.entries.size(), 2u);
  second.storage.durable.entries[1].back() ^= 0x01;
  auto started = second.node.start(0);
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().detail.find("entry record 2"), std::string::npos) << started.error().detail;
  EXPECT_NE(started.error().detail.find("checksum"), std::string::npos) << started.error().detail;
}

}  // namespace
}  // namespace confman::node
