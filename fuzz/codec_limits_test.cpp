// Messages and records at the decoder's limits still round-trip (the
// generators stay well below them to keep the properties fast).

#include <gtest/gtest.h>

#include "core/node/stored_record.h"
#include "core/raft/message.h"

namespace confman::raft {
namespace {

// The most members a membership may have: half voters, half learners.
Membership largest_membership() {
  Membership membership;
  for (NodeId id = 1; id <= kMaxMembers; ++id) (id % 2 == 1 ? membership.voters : membership.learners).push_back(id);
  return membership;
}

TEST(CodecLimits, AppendWithTheMostEntriesRoundTrips) {
  Message message{.type = MessageType::Append, .from = 1, .to = 2, .term = 3, .index = 100, .log_term = 3};
  for (std::size_t i = 0; i < kMaxEntriesPerMessage; ++i) {
    message.entries.push_back(Entry{3, 101 + i, i % 2 == 0 ? EntryType::Normal : EntryType::Noop, Bytes(i % 7, 0xAB)});
  }
  const auto decoded = decode_message(encode_message(message));
  ASSERT_TRUE(decoded.ok()) << decoded.error().describe();
  EXPECT_EQ(*decoded, message);
}

TEST(CodecLimits, LargestSnapshotChunkRoundTrips) {
  Message message{.type = MessageType::Snapshot, .from = 1, .to = 2, .term = 3, .index = 100, .log_term = 3};
  message.chunk = Bytes(kMaxSnapshotChunkBytes, 0x5A);
  message.snapshot_size = kMaxSnapshotBytes;
  message.snapshot_offset = kMaxSnapshotBytes - kMaxSnapshotChunkBytes;  // the last chunk
  message.membership = largest_membership();
  const auto decoded = decode_message(encode_message(message));
  ASSERT_TRUE(decoded.ok()) << decoded.error().describe();
  EXPECT_EQ(*decoded, message);
  EXPECT_TRUE(is_last_chunk(*decoded));
}

TEST(CodecLimits, ConfigEntryWithTheMostMembersAndTheLargestContextRoundTrips) {
  ConfigEntryData data;
  data.change.type = ConfigChangeType::AddLearner;
  data.change.node = 64;  // a learner of largest_membership()
  data.change.context = std::string(kMaxConfigContextBytes, 'c');
  data.membership = largest_membership();
  const auto decoded = decode_config_entry(encode_config_entry(data));
  ASSERT_TRUE(decoded.ok()) << decoded.error().describe();
  EXPECT_EQ(*decoded, data);
}

TEST(CodecLimits, LargestEntryRecordRoundTrips) {
  const Entry entry{5, 6, EntryType::Normal, Bytes(kMaxEntryDataBytes, 0x11)};
  const auto decoded = node::decode_entry_record(node::encode_entry_record(entry));
  ASSERT_TRUE(decoded.ok()) << decoded.error().describe();
  EXPECT_EQ(*decoded, entry);
}

TEST(CodecLimits, SnapshotRecordWithTheMostMembersRoundTrips) {
  const Snapshot snapshot{.index = 7, .term = 2, .membership = largest_membership(), .data = Bytes(1000, 0x22)};
  const auto decoded = node::decode_snapshot_record(node::encode_snapshot_record(snapshot));
  ASSERT_TRUE(decoded.ok()) << decoded.error().describe();
  EXPECT_EQ(*decoded, snapshot);
}

}  // namespace
}  // namespace confman::raft
