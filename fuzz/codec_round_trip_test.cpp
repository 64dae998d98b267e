// Codec round trips: whatever the core encodes, it decodes back to an equal
// value. Every MessageType gets its own property run, so a type's failure is
// named and no type is starved by the others' share of the draws.

#include <string>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/node/stored_record.h"
#include "fuzz/codec_generators.h"

namespace confman::fuzz {
namespace {

using raft::Message;
using raft::MessageType;

void require_round_trip(const Message& message) {
  const Bytes frame = raft::encode_message(message);
  const auto decoded = raft::decode_message(frame);
  if (!decoded) RC_FAIL("decode failed: " + decoded.error().describe());
  RC_ASSERT(*decoded == message);
  RC_ASSERT(raft::peek_message_type(frame) == message.type);
}

TEST(MessageCodecProperty, EveryMessageTypeRoundTrips) {
  const std::vector<MessageType> types = generated_message_types();
  ASSERT_FALSE(types.empty());
  for (MessageType type : types) {
    const rc::Gen<Message> messages = *message_of_type(type);
    const bool passed = rc::check(std::string("encode then decode: ") + raft::message_type_name(type), [&] {
      const Message message = *messages;
      RC_ASSERT(message.type == type);
      require_round_trip(message);
    });
    EXPECT_TRUE(passed) << raft::message_type_name(type);
  }
}

RC_GTEST_PROP(MessageCodecProperty, AnyMessageRoundTrips, ()) { require_round_trip(*any_message()); }

RC_GTEST_PROP(StoredRecordProperty, HardStateRoundTrips, ()) {
  const raft::HardState hard_state = *any_hard_state();
  const auto decoded = node::decode_hard_state_record(node::encode_hard_state_record(hard_state));
  if (!decoded) RC_FAIL("decode failed: " + decoded.error().describe());
  RC_ASSERT(*decoded == hard_state);
}

RC_GTEST_PROP(StoredRecordProperty, EntryOfEveryTypeRoundTrips, ()) {
  const raft::Entry entry = *any_entry();
  RC_TAG(static_cast<int>(entry.type));
  const auto decoded = node::decode_entry_record(node::encode_entry_record(entry));
  if (!decoded) RC_FAIL("decode failed: " + decoded.error().describe());
  RC_ASSERT(*decoded == entry);
}

RC_GTEST_PROP(ConfigEntryProperty, ConfigEntryDataRoundTrips, ()) {
  const raft::ConfigEntryData data = *any_config_entry_data();
  RC_TAG(raft::config_change_type_name(data.change.type));
  const auto decoded = raft::decode_config_entry(raft::encode_config_entry(data));
  if (!decoded) RC_FAIL("decode failed: " + decoded.error().describe());
  RC_ASSERT(*decoded == data);
}

RC_GTEST_PROP(StoredRecordProperty, SnapshotRoundTrips, ()) {
  const raft::Snapshot snapshot = *any_snapshot();
  const auto decoded = node::decode_snapshot_record(node::encode_snapshot_record(snapshot));
  if (!decoded) RC_FAIL("decode failed: " + decoded.error().describe());
  RC_ASSERT(*decoded == snapshot);
}

}  // namespace
}  // namespace confman::fuzz
