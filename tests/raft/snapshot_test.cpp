// Log compaction and InstallSnapshot, pinned to the Raft paper §7 ("Log
// compaction", Figure 13) and the dissertation chapter 5 (§5.1, Figure 5.3
// with offset/done chunking). Raft is agnostic of the snapshot's bytes, so
// these tests use arbitrary data; the node tests cover real store snapshots.

#include <gtest/gtest.h>

#include "core/util/codec.h"
#include "tests/raft/raft_harness.h"

namespace confman::raft {
namespace {

using testing::Cluster;
using testing::drain;
using testing::of_type;

constexpr std::size_t kChunk = 16;

Bytes snapshot_bytes(std::size_t size, std::uint8_t seed = 1) {
  Bytes data(size);
  for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<std::uint8_t>(seed + i * 7);
  return data;
}

// The whole snapshot `data` in one chunk, from node 1 to node 2.
Message whole_snapshot_for_2(Term term, LogIndex index, Term log_term, const Bytes& data) {
  return Message{.type = MessageType::Snapshot,
                 .from = 1,
                 .to = 2,
                 .term = term,
                 .index = index,
                 .log_term = log_term,
                 .snapshot_offset = 0,
                 .snapshot_size = data.size(),
                 .snapshot_crc = crc32c(data),
                 .membership = {.voters = {1, 2, 3}},
                 .chunk = data};
}

// Three nodes with 16-byte chunks; node 1 leads in term 1.
Cluster small_chunk_cluster() {
  Cluster cluster(3, [](RaftConfig& config) { config.max_snapshot_chunk_bytes = kChunk; });
  cluster.elect(1);
  return cluster;
}

// Commits `count` proposals while node 3 hears nothing, then compacts the
// leader's log up to its commit index behind a snapshot of `size` bytes.
Snapshot commit_without_3_and_compact(Cluster& cluster, int count, std::size_t size) {
  for (int i = 0; i < count; ++i) {
    EXPECT_TRUE(cluster[1].propose(Bytes{static_cast<std::uint8_t>(i)}, cluster.now_us).ok());
    cluster.deliver(drain(cluster[1]), /*cut=*/{3});
  }
  const LogIndex commit = cluster[1].log().committed();
  Snapshot snapshot{commit, cluster[1].log().term_at(commit).value(), raft::Membership{cluster.voters(), {}}, snapshot_bytes(size)};
  cluster[1].compact(snapshot, commit);
  EXPECT_EQ(cluster[1].log().compacted_index(), commit);
  return snapshot;
}

// Steps one message into its target and returns what the target answers
// (every Ready taken and advanced at once, as if persisted instantly).
std::vector<Message> exchange(Cluster& cluster, const Message& message) {
  cluster[message.to].step(message, cluster.now_us);
  return drain(cluster[message.to]);
}

std::vector<Message> to_node(const std::vector<Message>& messages, NodeId to, MessageType type) {
  std::vector<Message> result;
  for (const Message& message : of_type(messages, type)) {
    if (message.to == to) result.push_back(message);
  }
  return result;
}

// The leader's heartbeat round with `peer`: its heartbeat, the answer (which,
// like a probe's, unpauses a transfer whose chunk or answer was lost) and
// every exchange that follows between the two (e.g. a rejected append that
// turns into a snapshot), up to the snapshot chunks the leader sends, which
// are returned undelivered.
std::vector<Message> heartbeat_round(Cluster& cluster, NodeId peer) {
  cluster.now_us += 200;
  cluster[1].tick(cluster.now_us);
  std::vector<Message> pending = to_node(drain(cluster[1]), peer, MessageType::Heartbeat);
  EXPECT_EQ(pending.size(), 1u);
  std::vector<Message> chunks;
  while (!pending.empty()) {
    std::vector<Message> next;
    for (const Message& message : pending) {
      if (message.type == MessageType::Snapshot) {
        chunks.push_back(message);
        continue;
      }
      if (message.to != peer && message.from != peer) continue;
      for (Message& out : exchange(cluster, message)) next.push_back(std::move(out));
    }
    pending = std::move(next);
  }
  return chunks;
}

// Runs the chunk exchange with node 3 to its end, then delivers whatever
// else the leader sends (the appends that follow); returns how many chunks
// node 3 received.
int run_transfer(Cluster& cluster, Message chunk) {
  int chunks = 0;
  for (;;) {
    chunks += 1;
    const auto answers = exchange(cluster, chunk);
    const auto responses = of_type(answers, MessageType::SnapshotResponse);
    EXPECT_EQ(responses.size(), 1u);
    const auto out = exchange(cluster, responses.at(0));
    const auto next = to_node(out, 3, MessageType::Snapshot);
    if (next.empty()) {
      cluster.deliver(out);
      return chunks;
    }
    EXPECT_EQ(next.size(), 1u) << "one chunk in flight per follower";
    chunk = next[0];
  }
}

// §7: "the leader must occasionally send snapshots to followers that lag
// behind" — when the entry a follower needs next has been discarded. The
// snapshot goes in chunks (dissertation Figure 5.3: offset, data, done), one
// at a time.
TEST(RaftInstallSnapshot, LeaderSendsChunksWhenTheNeededEntryIsCompacted) {
  Cluster cluster = small_chunk_cluster();
  const Snapshot snapshot = commit_without_3_and_compact(cluster, 10, 100);
  const auto first = to_node(heartbeat_round(cluster, 3), 3, MessageType::Snapshot);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].index, snapshot.index);
  EXPECT_EQ(first[0].log_term, snapshot.term);
  EXPECT_EQ(first[0].snapshot_offset, 0u);
  EXPECT_EQ(first[0].snapshot_size, 100u);
  EXPECT_EQ(first[0].snapshot_crc, crc32c(snapshot.data));
  EXPECT_EQ(first[0].chunk.size(), kChunk);
  EXPECT_EQ(first[0].membership, snapshot.membership);
  // Proposals and ticks send no second chunk while one is outstanding.
  ASSERT_TRUE(cluster[1].propose(Bytes{42}, cluster.now_us).ok());
  cluster.now_us += 50;
  cluster[1].tick(cluster.now_us);
  EXPECT_TRUE(to_node(drain(cluster[1]), 3, MessageType::Snapshot).empty());

  EXPECT_EQ(run_transfer(cluster, first[0]), 7);  // ceil(100 / 16)
  Raft& follower = cluster[3];
  EXPECT_EQ(follower.log().compacted_index(), snapshot.index);
  EXPECT_EQ(follower.log().committed(), snapshot.index);
  ASSERT_TRUE(follower.snapshot().has_value());
  EXPECT_EQ(*follower.snapshot(), snapshot);
  // The leader moved on to appends: the follower now holds the proposal too.
  EXPECT_EQ(follower.log().last_index(), cluster[1].log().last_index());
}

// §5.1 "respond to RPCs only after updating stable storage", applied to
// InstallSnapshot: the acknowledgement of the last chunk travels in the same
// Ready as the snapshot to persist, and nothing is applicable until that
// Ready is advanced (the state machine must take the snapshot first).
TEST(RaftInstallSnapshot, AcknowledgementTravelsWithTheSnapshotToPersist) {
  Cluster cluster = small_chunk_cluster();
  const Snapshot snapshot = commit_without_3_and_compact(cluster, 3, 10);  // one chunk
  const auto chunk = to_node(heartbeat_round(cluster, 3), 3, MessageType::Snapshot);
  ASSERT_EQ(chunk.size(), 1u);
  ASSERT_TRUE(is_last_chunk(chunk[0]));
  Raft& follower = cluster[3];
  follower.step(chunk[0], cluster.now_us);
  EXPECT_EQ(follower.applicable_index(), 0u);
  Ready ready = follower.take_ready();
  ASSERT_TRUE(ready.snapshot.has_value());
  EXPECT_EQ(*ready.snapshot, snapshot);
  ASSERT_TRUE(ready.hard_state.has_value());
  EXPECT_EQ(ready.hard_state->commit, snapshot.index);
  const auto acks = of_type(ready.messages_after_persist, MessageType::SnapshotResponse);
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0].commit, snapshot.index);
  EXPECT_FALSE(acks[0].reject);
  EXPECT_EQ(follower.applicable_index(), 0u) << "applicable before the snapshot is durable";
  follower.advance(ready);
  EXPECT_EQ(follower.applicable_index(), snapshot.index);
}

// A lost chunk stalls nothing: the next heartbeat answer unpauses the
// transfer and the leader re-sends from the offset the follower reported.
TEST(RaftInstallSnapshot, LostChunkIsResentFromTheFollowersOffset) {
  Cluster cluster = small_chunk_cluster();
  const Snapshot snapshot = commit_without_3_and_compact(cluster, 5, 40);
  const auto first = to_node(heartbeat_round(cluster, 3), 3, MessageType::Snapshot);
  ASSERT_EQ(first.size(), 1u);
  const auto answer = of_type(exchange(cluster, first[0]), MessageType::SnapshotResponse);
  ASSERT_EQ(answer.size(), 1u);
  EXPECT_EQ(answer[0].snapshot_offset, kChunk);
  const auto second = to_node(exchange(cluster, answer[0]), 3, MessageType::Snapshot);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].snapshot_offset, kChunk);
  // The second chunk is lost. The heartbeat round brings it again.
  const auto resent = to_node(heartbeat_round(cluster, 3), 3, MessageType::Snapshot);
  ASSERT_EQ(resent.size(), 1u);
  EXPECT_EQ(resent[0].snapshot_offset, kChunk);
  EXPECT_EQ(resent[0].chunk, second[0].chunk);
  run_transfer(cluster, resent[0]);
  EXPECT_EQ(cluster[3].log().compacted_index(), snapshot.index);
  EXPECT_EQ(*cluster[3].snapshot(), snapshot);
}

// A duplicate (or a chunk after a gap) is answered with the offset the
// follower needs; the assembly is not disturbed.
TEST(RaftInstallSnapshot, DuplicateChunkIsAnsweredWithTheNeededOffset) {
  Cluster cluster = small_chunk_cluster();
  commit_without_3_and_compact(cluster, 5, 40);
  const auto first = to_node(heartbeat_round(cluster, 3), 3, MessageType::Snapshot);
  ASSERT_EQ(first.size(), 1u);
  exchange(cluster, first[0]);
  const auto again = of_type(exchange(cluster, first[0]), MessageType::SnapshotResponse);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].snapshot_offset, kChunk);
  EXPECT_LT(again[0].commit, again[0].index);  // not installed
}

// The assembly lives only in memory: a follower that restarts mid-transfer
// answers the next chunk with "from 0", and the transfer starts over.
TEST(RaftInstallSnapshot, FollowerRestartedMidTransferGetsItFromTheStart) {
  Cluster cluster = small_chunk_cluster();
  const Snapshot snapshot = commit_without_3_and_compact(cluster, 5, 40);
  const auto first = to_node(heartbeat_round(cluster, 3), 3, MessageType::Snapshot);
  ASSERT_EQ(first.size(), 1u);
  const auto answer = of_type(exchange(cluster, first[0]), MessageType::SnapshotResponse);
  const auto second = to_node(exchange(cluster, answer.at(0)), 3, MessageType::Snapshot);
  ASSERT_EQ(second.size(), 1u);
  cluster.restart(3);
  const auto restart_answer = of_type(exchange(cluster, second[0]), MessageType::SnapshotResponse);
  ASSERT_EQ(restart_answer.size(), 1u);
  EXPECT_EQ(restart_answer[0].snapshot_offset, 0u);
  const auto from_start = to_node(exchange(cluster, restart_answer[0]), 3, MessageType::Snapshot);
  ASSERT_EQ(from_start.size(), 1u);
  EXPECT_EQ(from_start[0].snapshot_offset, 0u);
  run_transfer(cluster, from_start[0]);
  EXPECT_EQ(*cluster[3].snapshot(), snapshot);
}

// A snapshot at or below the follower's commit index is refused (it holds
// that state already); the answer carries its commit index, and the leader
// continues with appends after it.
TEST(RaftInstallSnapshot, SnapshotNotNewerThanTheCommitIndexIsRefused) {
  Cluster cluster(3);
  cluster.elect(1);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(cluster[1].propose(Bytes{1}, cluster.now_us).ok());
    cluster.deliver(drain(cluster[1]));
  }
  cluster.now_us += 200;
  cluster[1].tick(cluster.now_us);
  cluster.deliver(drain(cluster[1]));  // heartbeats carry the commit index to the followers
  Raft& follower = cluster[2];
  const LogIndex commit = follower.log().committed();
  ASSERT_EQ(commit, 5u);
  const Message old{.type = MessageType::Snapshot,
                    .from = 1,
                    .to = 2,
                    .term = 1,
                    .index = 3,
                    .log_term = 1,
                    .snapshot_offset = 0,
                    .snapshot_size = 4,
                    .snapshot_crc = crc32c(snapshot_bytes(4)),
                    .membership = {.voters = {1, 2, 3}},
                    .chunk = snapshot_bytes(4)};
  follower.step(old, cluster.now_us);
  Ready ready = follower.take_ready();
  EXPECT_FALSE(ready.snapshot.has_value());
  const auto answers = of_type(ready.messages_after_persist, MessageType::SnapshotResponse);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_TRUE(answers[0].reject);
  EXPECT_EQ(answers[0].commit, commit);
  follower.advance(ready);
  EXPECT_EQ(follower.log().compacted_index(), 0u);
  EXPECT_EQ(follower.log().last_index(), 5u);
  EXPECT_EQ(follower.applicable_index(), commit);
}

// The leader side of the refusal: a follower it believed to need a snapshot
// answers that its commit index already covers it; the leader replicates
// from there instead of sending the snapshot again.
TEST(RaftInstallSnapshot, LeaderMovesOnToAppendsAfterARefusal) {
  Cluster cluster = small_chunk_cluster();
  const Snapshot snapshot = commit_without_3_and_compact(cluster, 5, 40);
  const auto first = to_node(heartbeat_round(cluster, 3), 3, MessageType::Snapshot);
  ASSERT_EQ(first.size(), 1u);
  const Message refusal{.type = MessageType::SnapshotResponse,
                        .from = 3,
                        .to = 1,
                        .term = 1,
                        .index = snapshot.index,
                        .log_term = snapshot.term,
                        .commit = snapshot.index,
                        .reject = true};
  ASSERT_TRUE(cluster[1].propose(Bytes{9}, cluster.now_us).ok());
  drain(cluster[1]);
  const auto next = exchange(cluster, refusal);
  EXPECT_TRUE(to_node(next, 3, MessageType::Snapshot).empty());
  const auto appends = to_node(next, 3, MessageType::Append);
  ASSERT_EQ(appends.size(), 1u);
  EXPECT_EQ(appends[0].index, snapshot.index);  // prev = the snapshot point
  EXPECT_EQ(appends[0].log_term, snapshot.term);
}

// §7: "If the follower receives a snapshot that describes a prefix of its
// log, then log entries covered by the snapshot are deleted but entries
// following the snapshot are still valid and must be retained." Here the
// follower simply commits up to the snapshot and keeps its whole log: it
// never takes back an entry it acknowledged.
TEST(RaftInstallSnapshot, SnapshotOfAPrefixOfTheLogKeepsTheLog) {
  Raft follower(testing::config_for(2, {1, 2, 3}), 7);
  follower.restore(HardState{1, kNoNode, 1},
                   {Entry{1, 1, EntryType::Noop, {}}, Entry{1, 2, EntryType::Normal, {1}},
                    Entry{1, 3, EntryType::Normal, {2}}, Entry{1, 4, EntryType::Normal, {3}}},
                   0);
  const Bytes data = snapshot_bytes(8);
  follower.step(whole_snapshot_for_2(/*term=*/1, /*index=*/3, /*log_term=*/1, data),
                0);
  Ready ready = follower.take_ready();
  EXPECT_FALSE(ready.snapshot.has_value()) << "nothing to install: the log holds it";
  const auto answers = of_type(ready.messages_after_persist, MessageType::SnapshotResponse);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_FALSE(answers[0].reject);
  EXPECT_EQ(answers[0].commit, 3u);
  follower.advance(ready);
  EXPECT_EQ(follower.log().last_index(), 4u);
  EXPECT_EQ(follower.log().compacted_index(), 0u);
  EXPECT_EQ(follower.applicable_index(), 3u);
}

// A follower whose log conflicts at the snapshot's index discards it all
// (§7: "discard the entire log").
TEST(RaftInstallSnapshot, ConflictingLogIsDiscarded) {
  Raft follower(testing::config_for(2, {1, 2, 3}), 7);
  follower.restore(HardState{2, kNoNode, 1},
                   {Entry{1, 1, EntryType::Noop, {}}, Entry{2, 2, EntryType::Normal, {1}},
                    Entry{2, 3, EntryType::Normal, {2}}, Entry{2, 4, EntryType::Normal, {3}}},
                   0);
  const Bytes data = snapshot_bytes(8);
  follower.step(whole_snapshot_for_2(/*term=*/3, /*index=*/3, /*log_term=*/3, data),
                0);
  Ready ready = follower.take_ready();
  ASSERT_TRUE(ready.snapshot.has_value());
  EXPECT_EQ(ready.snapshot->index, 3u);
  EXPECT_TRUE(ready.entries.empty());
  follower.advance(ready);
  EXPECT_EQ(follower.log().last_index(), 3u);
  EXPECT_EQ(follower.log().last_term(), 3u);
  EXPECT_EQ(follower.log().term_at(4), std::nullopt);
}

// Only the first chunk of another snapshot restarts the assembly; a stray
// later chunk of it is answered with "from 0" and changes nothing.
TEST(RaftInstallSnapshot, ChunkOfAnotherSnapshotRestartsTheAssembly) {
  Raft follower(testing::config_for(2, {1, 2, 3}), 7);
  follower.restore(HardState{1, kNoNode, 0}, {}, 0);
  const Bytes a = snapshot_bytes(32, 1);
  const Bytes b = snapshot_bytes(32, 2);
  auto chunk = [](const Bytes& data, LogIndex index, std::uint64_t offset) {
    return Message{.type = MessageType::Snapshot,
                   .from = 1,
                   .to = 2,
                   .term = 1,
                   .index = index,
                   .log_term = 1,
                   .snapshot_offset = offset,
                   .snapshot_size = data.size(),
                   .snapshot_crc = crc32c(data),
                   .membership = {.voters = {1, 2, 3}},
                   .chunk = Bytes(data.begin() + static_cast<std::ptrdiff_t>(offset),
                                  data.begin() + static_cast<std::ptrdiff_t>(offset + 16))};
  };
  auto answer = [&follower](const Message& message) {
    follower.step(message, 0);
    const auto answers = of_type(drain(follower), MessageType::SnapshotResponse);
    EXPECT_EQ(answers.size(), 1u);
    return answers.at(0);
  };
  EXPECT_EQ(answer(chunk(a, 10, 0)).snapshot_offset, 16u);
  EXPECT_EQ(answer(chunk(b, 12, 16)).snapshot_offset, 0u);  // stray: a's assembly survives
  EXPECT_EQ(answer(chunk(b, 12, 0)).snapshot_offset, 16u);  // b replaces a
  EXPECT_EQ(answer(chunk(a, 10, 16)).snapshot_offset, 0u);  // a is gone
  const Message last = answer(chunk(b, 12, 16));
  EXPECT_EQ(last.commit, 12u);
  EXPECT_EQ(follower.snapshot()->data, b);
}

// Every chunk passed its frame checksum, but the assembled bytes do not
// match the snapshot's own checksum: nothing is installed, the transfer
// starts over.
TEST(RaftInstallSnapshot, SnapshotFailingItsChecksumIsNotInstalled) {
  Raft follower(testing::config_for(2, {1, 2, 3}), 7);
  follower.restore(HardState{1, kNoNode, 0}, {}, 0);
  const Bytes data = snapshot_bytes(8);
  follower.step(Message{.type = MessageType::Snapshot,
                        .from = 1,
                        .to = 2,
                        .term = 1,
                        .index = 5,
                        .log_term = 1,
                        .snapshot_offset = 0,
                        .snapshot_size = data.size(),
                        .snapshot_crc = crc32c(data) ^ 1,
                        .membership = {.voters = {1, 2, 3}},
                        .chunk = data},
                0);
  Ready ready = follower.take_ready();
  EXPECT_FALSE(ready.snapshot.has_value());
  const auto answers = of_type(ready.messages_after_persist, MessageType::SnapshotResponse);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].snapshot_offset, 0u);
  EXPECT_LT(answers[0].commit, answers[0].index);
  follower.advance(ready);
  EXPECT_EQ(follower.log().committed(), 0u);
  EXPECT_FALSE(follower.snapshot().has_value());
}

// A leader that takes a newer snapshot mid-transfer restarts the transfer
// with it (the old bytes are gone).
TEST(RaftInstallSnapshot, NewerLeaderSnapshotRestartsTheTransfer) {
  Cluster cluster = small_chunk_cluster();
  const Snapshot older = commit_without_3_and_compact(cluster, 5, 40);
  const auto first = to_node(heartbeat_round(cluster, 3), 3, MessageType::Snapshot);
  ASSERT_EQ(first.size(), 1u);
  const auto answer = of_type(exchange(cluster, first[0]), MessageType::SnapshotResponse);
  const Snapshot newer = commit_without_3_and_compact(cluster, 3, 24);
  ASSERT_GT(newer.index, older.index);
  // The follower's answer about the old snapshot unpauses the transfer,
  // which goes on with the newer one from its first byte.
  const auto restarted = to_node(exchange(cluster, answer.at(0)), 3, MessageType::Snapshot);
  ASSERT_EQ(restarted.size(), 1u);
  EXPECT_EQ(restarted[0].index, newer.index);
  EXPECT_EQ(restarted[0].snapshot_offset, 0u);
  run_transfer(cluster, restarted[0]);
  EXPECT_EQ(*cluster[3].snapshot(), newer);
}

// A follower far behind (its next entry long compacted) catches up through
// the snapshot and then through appends, with nothing but the usual message
// exchange: heartbeats, chunks, answers.
TEST(RaftInstallSnapshot, FollowerFarBehindCatchesUp) {
  Cluster cluster = small_chunk_cluster();
  const Snapshot snapshot = commit_without_3_and_compact(cluster, 200, 1000);
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(cluster[1].propose(Bytes{7}, cluster.now_us).ok());
    cluster.deliver(drain(cluster[1]), /*cut=*/{3});
  }
  for (int round = 0; round < 3; ++round) {
    cluster.now_us += 200;
    cluster[1].tick(cluster.now_us);
    cluster.deliver(drain(cluster[1]));
  }
  EXPECT_EQ(cluster[3].log().compacted_index(), snapshot.index);
  EXPECT_EQ(cluster[3].log().last_index(), cluster[1].log().last_index());
  EXPECT_EQ(cluster[3].log().committed(), cluster[1].log().committed());
  EXPECT_EQ(cluster[3].applicable_index(), cluster[1].log().committed());
}

// A restarted node holds its snapshot and can serve it as a leader.
TEST(RaftInstallSnapshot, RestartedNodeKeepsItsSnapshotAndCanSendIt) {
  Cluster cluster = small_chunk_cluster();
  const Snapshot snapshot = commit_without_3_and_compact(cluster, 10, 50);
  cluster.restart(1);
  EXPECT_EQ(cluster[1].log().compacted_index(), snapshot.index);
  ASSERT_TRUE(cluster[1].snapshot().has_value());
  EXPECT_EQ(*cluster[1].snapshot(), snapshot);
  cluster.elect(1, /*cut=*/{3});
  ASSERT_EQ(cluster[1].role(), Role::Leader);
  const auto chunk = to_node(heartbeat_round(cluster, 3), 3, MessageType::Snapshot);
  ASSERT_EQ(chunk.size(), 1u);
  run_transfer(cluster, chunk[0]);
  EXPECT_EQ(*cluster[3].snapshot(), snapshot);
}

// A snapshot chunk from a deposed leader is answered in the newer term, so
// the stale leader steps down (as for a stale append).
TEST(RaftInstallSnapshot, StaleTermChunkIsAnsweredWithTheNewerTerm) {
  Raft follower(testing::config_for(2, {1, 2, 3}), 7);
  follower.restore(HardState{5, kNoNode, 0}, {}, 0);
  const Bytes data = snapshot_bytes(4);
  follower.step(whole_snapshot_for_2(/*term=*/3, /*index=*/9, /*log_term=*/3, data),
                0);
  Ready ready = follower.take_ready();
  EXPECT_FALSE(ready.snapshot.has_value());
  EXPECT_TRUE(ready.messages.empty());
  ASSERT_EQ(ready.messages_after_persist.size(), 1u);
  EXPECT_EQ(ready.messages_after_persist[0].term, 5u);
}

}  // namespace
}  // namespace confman::raft
