// Corrupted encodings: what the checksums must catch, and what the decoders
// must survive when a checksum cannot help.
//
// Every message and stored record is a sealed frame, [crc32c][payload].
// - A truncated frame never decodes (its checksum no longer matches; a
//   chance collision is 2^-32 per case, so a failure here is a real bug).
// - A frame with 1 to 3 flipped bits never decodes: CRC-32C has Hamming
//   distance >= 4 for frames far longer than these (Koopman's CRC tables),
//   so this is a guarantee, not a likelihood. A different valid value can
//   never come out silently.
// - A garbled payload under a recomputed checksum (what a buggy or hostile
//   sender could produce) must be rejected or decode to a value that
//   re-encodes and decodes to itself; it must never crash the decoder.

#include <set>
#include <string>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/node/stored_record.h"
#include "fuzz/codec_generators.h"

namespace confman::fuzz {
namespace {

constexpr std::size_t kChecksumBytes = 4;

template <typename T>
struct Codec {
  const char* name;
  rc::Gen<T> values;
  Bytes (*encode)(const T&);
  Decoded<T> (*decode)(ByteView);
};

void flip_bit(Bytes& bytes, std::size_t bit) { bytes[bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8)); }

// 1 to `most` distinct bit positions in the first `bytes` bytes.
std::set<std::size_t> distinct_bits(std::size_t bytes, int most) {
  const int count = *rc::gen::inRange(1, most + 1);
  std::set<std::size_t> bits;
  while (bits.size() < static_cast<std::size_t>(count)) bits.insert(*rc::gen::inRange<std::size_t>(0, bytes * 8));
  return bits;
}

template <typename T>
void check_truncation_is_detected(const Codec<T>& codec) {
  const bool passed = rc::check(std::string(codec.name) + ": a truncated frame never decodes", [&] {
    const Bytes frame = codec.encode(*codec.values);
    const auto length = *rc::gen::inRange<std::size_t>(0, frame.size());
    RC_ASSERT_FALSE(codec.decode(ByteView(frame).first(length)).ok());
  });
  EXPECT_TRUE(passed) << codec.name;
}

template <typename T>
void check_bit_flips_are_detected(const Codec<T>& codec) {
  const bool passed = rc::check(std::string(codec.name) + ": 1 to 3 flipped bits never decode", [&] {
    Bytes frame = codec.encode(*codec.values);
    for (std::size_t bit : distinct_bits(frame.size(), 3)) flip_bit(frame, bit);
    RC_ASSERT_FALSE(codec.decode(frame).ok());
  });
  EXPECT_TRUE(passed) << codec.name;
}

template <typename T>
void check_resealed_garbage_is_handled(const Codec<T>& codec) {
  const bool passed = rc::check(std::string(codec.name) + ": a garbled payload, resealed, is rejected or stable", [&] {
    const Bytes frame = codec.encode(*codec.values);
    Bytes payload(frame.begin() + kChecksumBytes, frame.end());
    if (payload.empty()) return;
    for (std::size_t bit : distinct_bits(payload.size(), 8)) flip_bit(payload, bit);
    // Cut the payload short now and then (a cut almost never decodes, so
    // not always: garbled fields behind a sound structure must be reached).
    if (*rc::gen::inRange(0, 4) == 0) payload.resize(*rc::gen::inRange<std::size_t>(0, payload.size()));
    const auto decoded = codec.decode(seal_frame(payload));
    RC_CLASSIFY(decoded.ok(), "decoded");
    if (!decoded) return;
    const auto again = codec.decode(codec.encode(*decoded));
    RC_ASSERT(again.ok());
    RC_ASSERT(*again == *decoded);
  });
  EXPECT_TRUE(passed) << codec.name;
}

template <typename T>
void check_corruption_properties(const Codec<T>& codec) {
  check_truncation_is_detected(codec);
  check_bit_flips_are_detected(codec);
  check_resealed_garbage_is_handled(codec);
}

TEST(CorruptionProperty, Messages) {
  check_corruption_properties(Codec<raft::Message>{"message", any_message(), &raft::encode_message,
                                                   &raft::decode_message});
}

TEST(CorruptionProperty, HardStateRecords) {
  check_corruption_properties(Codec<raft::HardState>{"hard state record", any_hard_state(),
                                                     &node::encode_hard_state_record,
                                                     &node::decode_hard_state_record});
}

TEST(CorruptionProperty, EntryRecords) {
  check_corruption_properties(
      Codec<raft::Entry>{"entry record", any_entry(), &node::encode_entry_record, &node::decode_entry_record});
}

TEST(CorruptionProperty, SnapshotRecords) {
  check_corruption_properties(Codec<raft::Snapshot>{"snapshot record", any_snapshot(), &node::encode_snapshot_record,
                                                    &node::decode_snapshot_record});
}

// The snapshot record's inner checksum covers the state bytes on its own: a
// record whose outer frame is resealed after the data changed is still
// rejected (this is the checksum InstallSnapshot carries end to end).
RC_GTEST_PROP(CorruptionProperty, SnapshotDataChangedUnderAResealedFrameIsRejected, ()) {
  raft::Snapshot snapshot = *any_snapshot();
  snapshot.data = *rc::gen::nonEmpty(rc::gen::arbitrary<Bytes>());
  const Bytes frame = node::encode_snapshot_record(snapshot);
  Bytes payload(frame.begin() + kChecksumBytes, frame.end());
  // The data is the payload's tail; flip one of its bits.
  const std::size_t data_start = payload.size() - snapshot.data.size();
  const auto bit = *rc::gen::inRange<std::size_t>(data_start * 8, payload.size() * 8);
  flip_bit(payload, bit);
  RC_ASSERT_FALSE(node::decode_snapshot_record(seal_frame(payload)).ok());
}

}  // namespace
}  // namespace confman::fuzz
