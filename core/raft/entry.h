#pragma once

#include <cstdint>
#include <vector>

#include "core/raft/membership.h"
#include "core/types.h"
#include "core/util/codec.h"

namespace confman::raft {

enum class EntryType : std::uint8_t {
  Normal = 1,  // a state machine command (opaque to Raft)
  Noop = 2,    // appended by a new leader to commit entries of earlier terms (§5.4.2, §8)
  Config = 3,  // a membership change (membership.h): data is a ConfigEntryData
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
// `recovering` is set when a repair cut damaged records from the node's log
// (docs/DESIGN.md, "Storage faults"): entries it once acknowledged may be
// gone, so it neither votes nor campaigns until it has re-fetched the
// leader's whole log.
struct HardState {
  Term term = 0;
  NodeId vote = kNoNode;
  LogIndex commit = 0;
  bool recovering = false;
  bool operator==(const HardState&) const = default;
};

// A snapshot of the state machine (§7; dissertation §5.1): the state after
// applying every entry up to `index`, whose term was `term`, with the
// membership in force there (dissertation Figure 5.1, "last config").
// `data` is opaque to Raft (the node's store encoding); a crc32c of it travels
// with every transfer and every stored copy.
struct Snapshot {
  LogIndex index = 0;
  Term term = 0;
  Membership membership{};
  Bytes data{};
  bool operator==(const Snapshot&) const = default;
};

}  // namespace confman::raft
