#pragma once
// Peer messages that no honest peer sends. Raft is not Byzantine tolerant:
// a forged message that looks honest (a higher term, a vote) is obeyed, and
// keeping forgers out is mutual TLS's job. But no message may abort a node:
// one that contradicts what this node knows, or contradicts itself, is
// dropped before it reaches any assertion, and counted (the server's
// /metrics shows the counts; the simulator, whose peers are all honest,
// fails a run in which any is non-zero, so a real bug that produces such a
// message is still caught, as the assertions caught it before).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/raft/message.h"

namespace confman::raft {

enum class RefusedMessage : std::uint8_t {
  FromSelf,            // claims to come from this node
  SecondLeader,        // leader traffic from a second leader in one term (Election Safety, §5.2)
  AckBeyondLog,        // a follower acknowledges or commits entries this leader never had
  Inconsistent,        // an Append's entries not contiguous after prev, or terms out of order or above the
                       // message's; a snapshot from a later term than the message's
  TruncatesCommitted,  // an Append that conflicts with a committed entry (Leader Completeness, §5.4)
};
inline constexpr std::size_t kRefusedMessageKinds = 5;
const char* refused_message_name(RefusedMessage kind);
using RefusedCounts = std::array<std::uint64_t, kRefusedMessageKinds>;

// What is wrong with a leader's message on its own (Append and Snapshot),
// before the receiver's state is consulted; nullopt: nothing.
std::optional<RefusedMessage> check_leader_message(const Message& message);

}  // namespace confman::raft
