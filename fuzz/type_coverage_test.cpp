// The generators must cover every message and entry type the core knows.
// "Knows" is read from the core itself, over the whole byte range: the names
// message_type_name() gives, the type bytes the decoders accept. A type added
// to the core without a generator (or a generator without the decoder
// accepting its type) fails here with the byte value.

#include <string_view>

#include <gtest/gtest.h>

#include "core/node/stored_record.h"
#include "fuzz/codec_generators.h"

namespace confman::fuzz {
namespace {

using raft::EntryType;
using raft::MessageType;

bool core_names(MessageType type) { return std::string_view(raft::message_type_name(type)) != "Unknown"; }

// peek_message_type() shares the decoder's type check and reads only the
// type byte (offset 5: after the 4-byte checksum and the version).
bool decoder_accepts(MessageType type) {
  Bytes frame(6, 0);
  frame[5] = static_cast<std::uint8_t>(type);
  return raft::peek_message_type(frame).has_value();
}

TEST(GeneratorCoverage, EveryMessageTypeTheCoreKnowsHasAGenerator) {
  for (int byte = 0; byte <= 0xFF; ++byte) {
    const auto type = static_cast<MessageType>(byte);
    const bool generated = message_of_type(type).has_value();
    EXPECT_EQ(generated, core_names(type))
        << "message type byte " << byte << ": named by message_type_name() but not generated, or the reverse; "
        << "add its case to message_of_type() in fuzz/codec_generators.cpp";
    EXPECT_EQ(generated, decoder_accepts(type))
        << "message type byte " << byte << ": the decoder's type check and the generators disagree";
  }
  EXPECT_FALSE(generated_message_types().empty());
}

// The entry type byte is checked separately by the message decoder and the
// entry-record decoder; both must accept exactly the generated types. (The
// data is a valid Config entry's, which the decoders check for that type and
// ignore for the others.)
TEST(GeneratorCoverage, EveryEntryTypeTheDecodersAcceptIsGenerated) {
  const Bytes config_data = raft::encode_config_entry(
      raft::ConfigEntryData{.change = {raft::ConfigChangeType::AddVoter, 2}, .membership = {.voters = {1, 2}}});
  for (int byte = 0; byte <= 0xFF; ++byte) {
    const auto type = static_cast<EntryType>(byte);
    const raft::Entry entry{.term = 1, .index = 1, .type = type, .data = config_data};
    const bool in_record = node::decode_entry_record(node::encode_entry_record(entry)).ok();
    const raft::Message append{.type = MessageType::Append, .term = 1, .index = 0, .entries = {entry}};
    const bool in_message = raft::decode_message(raft::encode_message(append)).ok();
    EXPECT_EQ(is_generated_entry_type(type), in_record) << "entry type byte " << byte << " (entry record decoder)";
    EXPECT_EQ(is_generated_entry_type(type), in_message) << "entry type byte " << byte << " (message decoder)";
  }
  EXPECT_FALSE(generated_entry_types().empty());
}

TEST(GeneratorCoverage, EveryConfigChangeTypeTheCoreKnowsIsGenerated) {
  for (int byte = 0; byte <= 0xFF; ++byte) {
    const auto type = static_cast<raft::ConfigChangeType>(byte);
    const bool named = std::string_view(raft::config_change_type_name(type)) != "unknown";
    const raft::ConfigEntryData data{.change = {type, 2}, .membership = {.voters = {1}}};
    const bool decodable = raft::decode_config_entry(raft::encode_config_entry(data)).ok();
    EXPECT_EQ(is_generated_change_type(type), named) << "config change type byte " << byte;
    EXPECT_EQ(is_generated_change_type(type), decodable) << "config change type byte " << byte;
  }
  EXPECT_FALSE(generated_change_types().empty());
}

}  // namespace
}  // namespace confman::fuzz
