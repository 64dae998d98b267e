// The node's side of log compaction and InstallSnapshot (Raft paper §7;
// dissertation §5.1): it snapshots its store, compacts its log only behind a
// durable snapshot, restarts from it, refuses a corrupted one, and installs
// one from the leader durably before acknowledging it — so that a crash at
// any point leaves either the old state or the new one.

#include <gtest/gtest.h>

#include "tests/node/node_cluster.h"

namespace confman::node {
namespace {

using testing::Frame;
using testing::NodeCluster;

constexpr std::uint64_t kThreshold = 20;
constexpr std::uint64_t kTrailing = 5;

void small_snapshots(NodeConfig& config) {
  config.snapshot_threshold_entries = kThreshold;
  config.snapshot_trailing_entries = kTrailing;
  config.raft.max_snapshot_chunk_bytes = 64;  // several chunks per snapshot
}

std::optional<raft::Snapshot> stored_snapshot(const StoredState& state) {
  if (!state.snapshot) return std::nullopt;
  auto decoded = decode_snapshot_record(*state.snapshot);
  EXPECT_TRUE(decoded.ok()) << decoded.error().describe();
  return std::move(decoded).value();
}

// Dissertation §5.1.2: a snapshot once the log has grown by the threshold;
// §5.1.3 / §7: the log is compacted only once the snapshot is durable, and
// the storage write that stores the snapshot also drops the entries.
TEST(NodeSnapshot, SnapshotAfterThresholdCompactsOnlyOnceDurable) {
  NodeCluster cluster(1, small_snapshots);
  ASSERT_EQ(cluster.await_leader(), 1u);
  auto& member = cluster.member(1);
  member.auto_sync = false;
  Node& node = cluster[1];
  // Apply entries one sync at a time until the node asks to write a snapshot.
  std::optional<WriteBatch> snapshot_batch;
  for (int i = 0; i < 40 && !snapshot_batch; ++i) {
    ClientRequest request;
    request.request_id = 100 + static_cast<std::uint64_t>(i);
    request.write.command = kv::Command{kv::CommandType::Put, "/k/" + std::to_string(i % 3), "v", 0};
    node.submit(request, cluster.now_us);
    while (!member.storage.pending.empty() && !snapshot_batch) {
      if (member.storage.pending.front().first.snapshot) {
        snapshot_batch = member.storage.pending.front().first;
        break;
      }
      member.storage.complete_next();
    }
  }
  ASSERT_TRUE(snapshot_batch.has_value());
  const auto snapshot = decode_snapshot_record(*snapshot_batch->snapshot);
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ(snapshot->index, node.applied_index());
  EXPECT_GE(snapshot->index, kThreshold);
  EXPECT_EQ(snapshot->membership.voters, std::vector<NodeId>{1});
  EXPECT_EQ(snapshot_batch->compact_through, snapshot->index - kTrailing);
  EXPECT_EQ(kv::Store::restore_snapshot(snapshot->data)->digest(), node.store().digest());
  // Not durable yet: nothing compacted, in memory or on disk.
  EXPECT_EQ(node.raft().log().compacted_index(), 0u);
  EXPECT_EQ(member.storage.durable.first_index, 1u);
  EXPECT_TRUE(member.observer.events.empty());
  member.storage.complete_next();
  EXPECT_EQ(node.raft().log().compacted_index(), snapshot->index - kTrailing);
  EXPECT_EQ(node.raft().snapshot_index(), snapshot->index);
  EXPECT_EQ(member.storage.durable.first_index, snapshot->index - kTrailing + 1);
  EXPECT_EQ(node.snapshots_taken(), 1u);
  ASSERT_EQ(member.observer.events.size(), 1u);
  EXPECT_EQ(member.observer.events[0], "compacted " + std::to_string(snapshot->index - kTrailing));
}

// Dissertation §5.1.2: with a log-to-snapshot ratio, the entry count alone
// does not start a snapshot while the entries applied since the last one are
// small beside it: a large state written out every few small writes would
// spend the disk's bandwidth on snapshots.
// 1,023 writes of 1 MiB to one key filled a server's 1 GiB disk: snapshots
// came every 10,000 entries whatever their size. A byte threshold snapshots
// once the log holds that much, and a trailing byte bound keeps the log
// behind the snapshot small, so the log stays within a few values of the
// live data however often one key is overwritten.
TEST(NodeSnapshot, LargeValuesAreSnapshottedByBytesAndTheLogStaysBounded) {
  constexpr std::size_t kValueBytes = 64 * 1024;
  constexpr std::uint64_t kThresholdBytes = 8 * kValueBytes;
  constexpr std::uint64_t kTrailingBytes = 2 * kValueBytes;
  NodeCluster cluster(1, [&](NodeConfig& config) {
    config.snapshot_threshold_entries = 10'000;  // entries alone would never snapshot here
    config.snapshot_threshold_bytes = kThresholdBytes;
    config.snapshot_trailing_entries = 100;
    config.snapshot_trailing_bytes = kTrailingBytes;
  });
  std::uint64_t most_log_bytes = 0;
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(cluster.put("/one/key", std::string(kValueBytes, static_cast<char>('a' + i % 26))));
    const raft::RaftLog& log = cluster[1].raft().log();
    std::uint64_t log_bytes = 0;
    for (LogIndex index = log.first_index(); index <= log.last_index(); ++index) log_bytes += log.at(index).data.size();
    most_log_bytes = std::max(most_log_bytes, log_bytes);
  }
  cluster.run_for(5'000);
  EXPECT_GE(cluster[1].snapshots_taken(), 200u * kValueBytes / kThresholdBytes - 1);
  // The log never held more than the threshold, the trailing bytes and the
  // entries written while a snapshot was being taken.
  EXPECT_LE(most_log_bytes, kThresholdBytes + kTrailingBytes + 4 * kValueBytes);
}

TEST(NodeSnapshot, ARatioWaitsForTheLogToOutgrowTheSnapshot) {
  constexpr std::size_t kLargeValueBytes = 8'000;
  auto snapshots_after_small_writes = [&](std::uint32_t ratio_percent) {
    NodeCluster cluster(1, [&](NodeConfig& config) {
      small_snapshots(config);
      config.snapshot_log_ratio_percent = ratio_percent;
    });
    EXPECT_TRUE(cluster.put("/large", std::string(kLargeValueBytes, 'x')));
    EXPECT_EQ(cluster.put_many(static_cast<int>(kThreshold) * 5), static_cast<int>(kThreshold) * 5);
    cluster.run_for(5'000);
    return cluster[1].snapshots_taken();
  };
  // By entries alone: one snapshot per threshold's worth of writes.
  EXPECT_GE(snapshots_after_small_writes(0), 4u);
  // At 200%, the first snapshot (the large value in it) waits until the log
  // holds twice its size: the small writes never get there.
  EXPECT_EQ(snapshots_after_small_writes(200), 1u);

  // Large writes do get there: each snapshot waits for twice its size.
  NodeCluster cluster(1, [&](NodeConfig& config) {
    small_snapshots(config);
    config.snapshot_log_ratio_percent = 200;
  });
  for (int i = 0; i < static_cast<int>(kThreshold); ++i) ASSERT_TRUE(cluster.put("/k", "v"));
  cluster.run_for(5'000);
  ASSERT_EQ(cluster[1].snapshots_taken(), 1u);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(cluster.put("/large/" + std::to_string(i), std::string(kLargeValueBytes, 'x')));
  for (int i = 0; i < static_cast<int>(kThreshold); ++i) ASSERT_TRUE(cluster.put("/k", "v"));
  cluster.run_for(5'000);
  EXPECT_EQ(cluster[1].snapshots_taken(), 2u);
}

// Start-up from a snapshot: the store comes from it, the entries after it are
// applied, and the node continues as before (same digest).
TEST(NodeSnapshot, RestartFromSnapshotRestoresTheState) {
  NodeCluster cluster(1, small_snapshots);
  ASSERT_EQ(cluster.put_many(55), 55);
  cluster.run_for(5'000);
  Node& before = cluster[1];
  ASSERT_GE(before.snapshots_taken(), 2u);
  const std::uint64_t digest = before.store().digest();
  const LogIndex applied = before.applied_index();
  const auto snapshot = stored_snapshot(cluster.member(1).storage.durable);
  ASSERT_TRUE(snapshot.has_value());
  cluster.crash(1);
  ASSERT_TRUE(cluster.start(1).ok());
  Node& after = cluster[1];
  EXPECT_EQ(after.applied_index(), applied);
  EXPECT_EQ(after.store().digest(), digest);
  EXPECT_EQ(after.raft().log().compacted_index(), snapshot->index);
  EXPECT_EQ(cluster.member(1).observer.events.back(), "installed " + std::to_string(snapshot->index));
  ASSERT_EQ(cluster.put_many(5, "/after/"), 5);
}

// DESIGN.md: a stored record that fails its checksum is never used; a
// corrupted snapshot record stops start-up with a clear error.
TEST(NodeSnapshot, CorruptedSnapshotRecordStopsStartUp) {
  NodeCluster cluster(1, small_snapshots);
  ASSERT_EQ(cluster.put_many(30), 30);
  cluster.run_for(5'000);
  cluster.crash(1);
  StoredState& durable = cluster.member(1).storage.durable;
  ASSERT_TRUE(durable.snapshot.has_value());
  (*durable.snapshot)[durable.snapshot->size() / 2] ^= 0x10;
  auto started = cluster.start(1);
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().detail.find("snapshot record"), std::string::npos) << started.error().detail;
  EXPECT_NE(started.error().detail.find("checksum"), std::string::npos) << started.error().detail;
}

// The record's inner checksum (the one the snapshot carries end to end) is
// verified too, even when the record's own frame is intact.
TEST(NodeSnapshot, SnapshotRecordChecksIsDataChecksum) {
  const raft::Snapshot snapshot{7, 2, {.voters = {1, 2, 3}}, Bytes{1, 2, 3, 4, 5}};
  const Bytes record = encode_snapshot_record(snapshot);
  ASSERT_EQ(decode_snapshot_record(record).value(), snapshot);
  Bytes payload(record.begin() + 4, record.end());
  payload.back() ^= 0x01;  // a data byte, then sealed again
  auto decoded = decode_snapshot_record(seal_frame(payload));
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().what.find("data checksum"), std::string::npos) << decoded.error().describe();
}

TEST(NodeSnapshot, StoredLogThatDoesNotContinueTheSnapshotStopsStartUp) {
  NodeCluster cluster(1, small_snapshots);
  ASSERT_EQ(cluster.put_many(30), 30);
  cluster.run_for(5'000);
  cluster.crash(1);
  StoredState& durable = cluster.member(1).storage.durable;
  const auto snapshot = stored_snapshot(durable);
  ASSERT_TRUE(snapshot.has_value());
  durable.first_index = snapshot->index + 2;  // a gap between snapshot and log
  auto started = cluster.start(1);
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().detail.find("does not continue the snapshot"), std::string::npos)
      << started.error().detail;
}

TEST(NodeSnapshot, LogWithoutSnapshotMustStartAtOne) {
  NodeCluster cluster(1);
  ASSERT_EQ(cluster.put_many(3), 3);
  cluster.crash(1);
  cluster.member(1).storage.durable.first_index = 2;
  auto started = cluster.start(1);
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().detail.find("no snapshot record"), std::string::npos) << started.error().detail;
}

// Brings node 3 far behind: it is cut off while the others commit enough to
// snapshot and compact past everything it has.
void leave_node_3_behind(NodeCluster& cluster, int writes) {
  ASSERT_NE(cluster.await_leader(), kNoNode);
  ASSERT_EQ(cluster.put_many(3), 3);
  cluster.run_for(20'000);
  cluster.cut = {3};
  ASSERT_EQ(cluster.put_many(writes), writes);
  const NodeId leader = cluster.leader();
  ASSERT_NE(leader, 3u);
  ASSERT_GT(cluster[leader].raft().log().compacted_index(), cluster[3].raft().log().last_index());
}

bool is_snapshot_ack(const Frame& frame) {
  if (frame.from != 3) return false;
  const raft::Message message = frame.decoded();
  return message.type == raft::MessageType::SnapshotResponse && message.commit >= message.index;
}

// §7 with §5.1's persistence rule: the follower's acknowledgement that it
// installed the snapshot leaves only once the snapshot is durable, and its
// store is replaced only then.
TEST(NodeInstallSnapshot, FollowerWritesTheSnapshotBeforeAcknowledging) {
  NodeCluster cluster(3, small_snapshots);
  leave_node_3_behind(cluster, 60);
  auto& follower = cluster.member(3);
  follower.auto_sync = false;
  cluster.cut.clear();
  const std::uint64_t old_digest = follower.node->store().digest();
  // Run until node 3 has the install write pending; every other write of it
  // completes as it comes.
  bool pending_install = false;
  for (int i = 0; i < 2000 && !pending_install; ++i) {
    for (const Frame& frame : cluster.network) ASSERT_FALSE(is_snapshot_ack(frame)) << "acknowledged too early";
    cluster.step();
    while (!follower.storage.pending.empty()) {
      if (follower.storage.pending.front().first.snapshot) {
        pending_install = true;
        break;
      }
      follower.storage.complete_next();
    }
  }
  ASSERT_TRUE(pending_install);
  const WriteBatch& batch = follower.storage.pending.front().first;
  const auto snapshot = decode_snapshot_record(*batch.snapshot);
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ(batch.compact_through, snapshot->index);
  EXPECT_EQ(batch.truncate_from, snapshot->index + 1);
  // While the write is in flight nothing is acknowledged and the store is untouched.
  for (int i = 0; i < 20; ++i) {
    cluster.step();
    for (const Frame& frame : cluster.network) ASSERT_FALSE(is_snapshot_ack(frame)) << "acknowledged before durable";
  }
  EXPECT_EQ(follower.node->store().digest(), old_digest);
  EXPECT_LT(follower.node->applied_index(), snapshot->index);
  follower.storage.complete_next();
  EXPECT_EQ(follower.node->applied_index(), snapshot->index);
  EXPECT_EQ(follower.node->snapshots_installed(), 1u);
  EXPECT_EQ(follower.observer.events.back(), "installed " + std::to_string(snapshot->index));
  EXPECT_EQ(follower.storage.durable.entries.size(), 0u);
  EXPECT_EQ(follower.storage.durable.first_index, snapshot->index + 1);
  bool acknowledged = false;
  for (const Frame& frame : cluster.network) acknowledged = acknowledged || is_snapshot_ack(frame);
  EXPECT_TRUE(acknowledged);
  follower.auto_sync = true;
  EXPECT_TRUE(cluster.run_until_converged());
}

// A follower far behind catches up through the snapshot and the appends
// after it, and ends with the same state digest as everyone else.
TEST(NodeInstallSnapshot, FollowerFarBehindCatchesUp) {
  NodeCluster cluster(3, small_snapshots);
  leave_node_3_behind(cluster, 100);
  cluster.cut.clear();
  ASSERT_TRUE(cluster.run_until_converged());
  EXPECT_GE(cluster[3].snapshots_installed(), 1u);
  EXPECT_GT(cluster[3].raft().log().compacted_index(), 0u);
  ASSERT_EQ(cluster.put_many(10, "/more/"), 10);
  EXPECT_TRUE(cluster.run_until_converged());
}

// A crash at any point of an install leaves either the old durable state or
// the new one, never a mix: for every event of node 3 during the install
// (each frame it receives, each write it completes) and a few after it,
// crash it right there, restart it from its disk, and check it starts,
// holds exactly the old or the new state, and then converges with the others.
TEST(NodeInstallSnapshot, CrashAtEveryStepOfAnInstallLeavesOldOrNewState) {
  constexpr int kEventsAfterInstall = 4;
  bool install_finished_without_crash = false;
  int restarts_in_old_state = 0;
  int restarts_in_new_state = 0;
  for (int crash_at = 0; crash_at < 400 && !install_finished_without_crash; ++crash_at) {
    SCOPED_TRACE("crash at event " + std::to_string(crash_at));
    NodeCluster cluster(3, small_snapshots);
    leave_node_3_behind(cluster, 60);
    auto& follower = cluster.member(3);
    follower.auto_sync = false;
    cluster.cut.clear();
    const LogIndex old_commit = follower.node->status().commit;
    const std::uint64_t old_digest = follower.node->store().digest();
    int events = 0;
    int installed_at = -1;  // the event after which the install was durable
    bool crashed = false;
    while (!crashed && cluster.now_us < 5'000'000 && (installed_at < 0 || events < installed_at + kEventsAfterInstall)) {
      cluster.now_us += 500;
      std::deque<Frame> frames = std::move(cluster.network);
      cluster.network.clear();
      for (const Frame& frame : frames) {
        if (frame.to == 3 && !crashed && events++ == crash_at) {
          cluster.crash(3);
          crashed = true;
        }
        cluster.deliver(frame);
      }
      for (NodeId id = 1; id <= 2; ++id) cluster.member(id).storage.complete_all();
      while (!crashed && !follower.storage.pending.empty()) {
        if (events++ == crash_at) {
          cluster.crash(3);
          crashed = true;
          break;
        }
        follower.storage.complete_next();
        if (installed_at < 0 && follower.node->snapshots_installed() == 1) installed_at = events;
      }
      for (NodeId id = 1; id <= 3; ++id) {
        if (cluster.up(id) && cluster.now_us >= cluster[id].next_deadline_us()) cluster[id].tick(cluster.now_us);
      }
    }
    if (!crashed) {
      ASSERT_EQ(follower.node->snapshots_installed(), 1u);
      install_finished_without_crash = true;
      continue;
    }
    auto started = cluster.start(3);
    ASSERT_TRUE(started.ok()) << started.error().detail;
    Node& restarted = cluster[3];
    const auto snapshot = stored_snapshot(follower.storage.durable);
    if (!snapshot.has_value() || restarted.applied_index() < snapshot->index) {
      // The old state: what it had before, replayed from its own log.
      EXPECT_EQ(restarted.applied_index(), old_commit);
      EXPECT_EQ(restarted.store().digest(), old_digest);
      restarts_in_old_state += 1;
    } else {
      // The new state: the snapshot's, and at most what followed it.
      EXPECT_EQ(restarted.raft().log().compacted_index(), snapshot->index);
      EXPECT_EQ(cluster.member(3).observer.events.back(), "installed " + std::to_string(snapshot->index));
      if (restarted.applied_index() == snapshot->index) {
        EXPECT_EQ(restarted.store().digest(), kv::Store::restore_snapshot(snapshot->data)->digest());
      }
      restarts_in_new_state += 1;
    }
    follower.auto_sync = true;
    ASSERT_TRUE(cluster.run_until_converged());
  }
  EXPECT_TRUE(install_finished_without_crash) << "the install never completed";
  EXPECT_GT(restarts_in_old_state, 5);
  EXPECT_GT(restarts_in_new_state, 0);
}

}  // namespace
}  // namespace confman::node
