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

TEST(MessageCodec, RoundTripsEveryType) {
  for (int type = 1; type <= 8; ++type) {
    Message message = sample_append();
    message.type = static_cast<MessageType>(type);
    message.reject = type % 2 == 0;
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

TEST(MessageCodec, EntryTermAboveMessageTermIsRejected) {
  Message message = sample_append();
  message.entries[0].term = 8;
  EXPECT_FALSE(decode_message(encode_message(message)).ok());
}

}  // namespace
}  // namespace confman::raft
