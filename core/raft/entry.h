#pragma once

#include <cstdint>

#include "core/types.h"
#include "core/util/codec.h"

namespace confman::raft {

enum class EntryType : std::uint8_t {
  Normal = 1,  // a state machine command (opaque to Raft)
  Noop = 2,    // appended by a new leader to commit entries of earlier terms (§5.4.2, §8)
};

struct Entry {
  Term term = 0;
  LogIndex index = 0;
  EntryType type = EntryType::Normal;
  Bytes data;
  bool operator==(const Entry&) const = default;
};

// The persistent state of §5 Figure 2 plus the commit index, so that a
// restarted node never reports a commit index lower than one it persisted.
struct HardState {
  Term term = 0;
  NodeId vote = kNoNode;
  LogIndex commit = 0;
  bool operator==(const HardState&) const = default;
};

}  // namespace confman::raft
