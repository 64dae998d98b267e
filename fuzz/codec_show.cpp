// How RapidCheck prints a counterexample of the codec properties.

#include <array>
#include <ostream>

#include "fuzz/codec_generators.h"

namespace confman::raft {

namespace {

void show_bytes(const Bytes& bytes, std::ostream& out) {
  static constexpr std::array<char, 16> kHex{'0', '1', '2', '3', '4', '5', '6', '7',
                                             '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  out << bytes.size() << " bytes [";
  for (std::uint8_t byte : bytes) out << kHex[byte >> 4] << kHex[byte & 0xF];
  out << "]";
}

void show_ids(const std::vector<NodeId>& ids, std::ostream& out) {
  out << "[";
  for (std::size_t i = 0; i < ids.size(); ++i) out << (i == 0 ? "" : ", ") << ids[i];
  out << "]";
}

}  // namespace

void showValue(const Entry& entry, std::ostream& out) {
  out << "Entry{term " << entry.term << ", index " << entry.index << ", type "
      << static_cast<int>(entry.type) << ", data ";
  show_bytes(entry.data, out);
  out << "}";
}

void showValue(const Message& message, std::ostream& out) {
  out << message_type_name(message.type) << "{from " << message.from << ", to " << message.to << ", term "
      << message.term << ", index " << message.index << ", log_term " << message.log_term << ", commit "
      << message.commit << ", reject " << message.reject << ", reject_hint " << message.reject_hint
      << ", read_context " << message.read_context << ", snapshot_offset " << message.snapshot_offset
      << ", transfer " << message.transfer << ", snapshot_size " << message.snapshot_size << ", snapshot_crc "
      << message.snapshot_crc << ", membership ";
  showValue(message.membership, out);
  out << ", chunk ";
  show_bytes(message.chunk, out);
  out << ", entries [";
  for (std::size_t i = 0; i < message.entries.size(); ++i) {
    out << (i == 0 ? "" : ", ");
    showValue(message.entries[i], out);
  }
  out << "]}";
}

void showValue(const HardState& hard_state, std::ostream& out) {
  out << "HardState{term " << hard_state.term << ", vote " << hard_state.vote << ", commit " << hard_state.commit
      << "}";
}

void showValue(const Snapshot& snapshot, std::ostream& out) {
  out << "Snapshot{index " << snapshot.index << ", term " << snapshot.term << ", membership ";
  showValue(snapshot.membership, out);
  out << ", data ";
  show_bytes(snapshot.data, out);
  out << "}";
}

void showValue(const Membership& membership, std::ostream& out) {
  out << "{voters ";
  show_ids(membership.voters, out);
  out << ", learners ";
  show_ids(membership.learners, out);
  out << "}";
}

void showValue(const ConfigEntryData& data, std::ostream& out) {
  out << "ConfigEntryData{" << config_change_type_name(data.change.type) << " node " << data.change.node
      << ", membership ";
  showValue(data.membership, out);
  out << "}";
}

}  // namespace confman::raft
