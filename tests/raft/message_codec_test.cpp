#include <gtest/gtest.h>

#include "core/raft/message.h"

namespace confman::raft {
namespace {

Message sample_append() {
  return Message{.type = MessageType::Append,
                 .from = 1,
                 .to = 2,
                 .term = 7,
                 .index = 10,
                 .log_term = 6,
                 .commit = 9,
                 .entries = {Entry{7, 11, EntryType::Noop, {}}, Entry{7, 12, EntryType::Normal, {1, 2, 3}}},
                 .reject = false,
                 .reject_hint = 0,
                 .read_context = 5};
}

// An InstallSnapshot chunk (§7): bytes [3, 7) of a 10-byte snapshot.
Message sample_snapshot() {
  return Message{.type = MessageType::Snapshot,
                 .from = 1,
                 .to = 2,
                 .term = 7,
                 .index = 40,
                 .log_term = 6,
                 .commit = 45,
                 .snapshot_offset = 3,
                 .snapshot_size = 10,
                 .snapshot_crc = 0xDEADBEEF,
                 .membership = {.voters = {1, 2, 3}},
                 .chunk = {4, 5, 6, 7}};
}

TEST(MessageCodec, RoundTripsEveryType) {
  for (int type = 1; type <= 11; ++type) {
    Message message = sample_append();
    message.type = static_cast<MessageType>(type);
    message.reject = type % 2 == 0;
    if (message.type == MessageType::Snapshot) message = sample_snapshot();
    if (message.type == MessageType::SnapshotResponse) {
      message.entries.clear();
      message.snapshot_offset = 7;  // the next byte the follower needs
    }
    auto decoded = decode_message(encode_message(message));
    ASSERT_TRUE(decoded.ok()) << decoded.error().describe();
    EXPECT_EQ(*decoded, message);
    EXPECT_EQ(peek_message_type(encode_message(message)), message.type);
  }
}

// DESIGN.md: every message carries a checksum the core verifies; a flipped
// bit anywhere makes the message undecodable (it is dropped like a lost one).
TEST(MessageCodec, EveryFlippedBitIsDetected) {
  const Bytes frame = encode_message(sample_append());
  for (std::size_t byte = 0; byte < frame.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes corrupted = frame;
      corrupted[byte] ^= static_cast<std::uint8_t>(1 << bit);
      EXPECT_FALSE(decode_message(corrupted).ok()) << "byte " << byte << " bit " << bit;
    }
  }
}

TEST(MessageCodec, TruncationIsRejected) {
  const Bytes frame = encode_message(sample_append());
  for (std::size_t length = 0; length < frame.size(); ++length) {
    Bytes truncated(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(length));
    EXPECT_FALSE(decode_message(truncated).ok()) << "length " << length;
  }
}

// A well-checksummed message whose entries do not follow its prev index is
// rejected: the receiver relies on contiguity.
TEST(MessageCodec, NonContiguousEntriesAreRejected) {
  Message message = sample_append();
  message.entries[1].index = 14;
  auto decoded = decode_message(encode_message(message));
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().what.find("contiguous"), std::string::npos);
}

// A well-checksummed frame of type 12 (after TimeoutNow) is refused.
TEST(MessageCodec, TypesAfterTheLastAreRejected) {
  const Bytes frame = encode_message(sample_append());
  Bytes payload(frame.begin() + 4, frame.end());  // [version][type]...
  payload[1] = 12;
  EXPECT_FALSE(decode_message(seal_frame(payload)).ok());
  EXPECT_FALSE(peek_message_type(seal_frame(payload)).has_value());
}

TEST(MessageCodec, SnapshotChunkEveryFlippedBitIsDetected) {
  const Bytes frame = encode_message(sample_snapshot());
  for (std::size_t byte = 0; byte < frame.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes corrupted = frame;
      corrupted[byte] ^= static_cast<std::uint8_t>(1 << bit);
      EXPECT_FALSE(decode_message(corrupted).ok()) << "byte " << byte << " bit " << bit;
    }
  }
}

// The receiver appends a chunk at its offset without re-checking: a chunk
// that reaches past the snapshot's size is refused by the decoder.
TEST(MessageCodec, SnapshotChunkOutsideTheSnapshotIsRejected) {
  Message message = sample_snapshot();
  message.snapshot_offset = 8;  // 8 + 4 > 10
  auto decoded = decode_message(encode_message(message));
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().what.find("inside the snapshot"), std::string::npos) << decoded.error().describe();
}

TEST(MessageCodec, SnapshotOverTheSizeLimitIsRejected) {
  Message message = sample_snapshot();
  message.snapshot_size = kMaxSnapshotBytes + 1;
  EXPECT_FALSE(decode_message(encode_message(message)).ok());
}

TEST(MessageCodec, SnapshotWithoutVotersOrIndexIsRejected) {
  Message no_voters = sample_snapshot();
  no_voters.membership.voters.clear();
  EXPECT_FALSE(decode_message(encode_message(no_voters)).ok());
  Message no_index = sample_snapshot();
  no_index.index = 0;
  EXPECT_FALSE(decode_message(encode_message(no_index)).ok());
  Message future_term = sample_snapshot();
  future_term.log_term = future_term.term + 1;
  EXPECT_FALSE(decode_message(encode_message(future_term)).ok());
}

TEST(MessageCodec, EntryTermAboveMessageTermIsRejected) {
  Message message = sample_append();
  message.entries[0].term = 8;
  EXPECT_FALSE(decode_message(encode_message(message)).ok());
}

}  // namespace
}  // namespace confman::raft
