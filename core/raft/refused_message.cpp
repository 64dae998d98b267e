#include "core/raft/refused_message.h"

namespace confman::raft {

const char* refused_message_name(RefusedMessage kind) {
  switch (kind) {
    case RefusedMessage::FromSelf: return "from_self";
    case RefusedMessage::SecondLeader: return "second_leader";
    case RefusedMessage::AckBeyondLog: return "ack_beyond_log";
    case RefusedMessage::Inconsistent: return "inconsistent";
    case RefusedMessage::TruncatesCommitted: return "truncates_committed";
  }
  return "unknown";
}

std::optional<RefusedMessage> check_leader_message(const Message& message) {
  if (message.type == MessageType::Snapshot) {
    if (message.log_term > message.term) return RefusedMessage::Inconsistent;
    return std::nullopt;
  }
  if (message.type != MessageType::Append) return std::nullopt;
  // §5.3: the entries follow prev (index, log_term) one by one, their terms
  // never go down, and no leader sends an entry of a term after its own.
  Term previous_term = message.log_term;
  if (previous_term > message.term) return RefusedMessage::Inconsistent;
  for (std::size_t i = 0; i < message.entries.size(); ++i) {
    const Entry& entry = message.entries[i];
    if (entry.index != message.index + 1 + i || entry.term < previous_term || entry.term > message.term) {
      return RefusedMessage::Inconsistent;
    }
    previous_term = entry.term;
  }
  return std::nullopt;
}

}  // namespace confman::raft
