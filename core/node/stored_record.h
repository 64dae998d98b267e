#pragma once
// Records the core stores: the hard state and log entries. Each is a sealed
// frame (crc32c + payload) that the core verifies when it reads it back, so a
// corrupted record is detected by the same code in simulation and production
// and is never used.

#include "core/raft/entry.h"
#include "core/util/codec.h"

namespace confman::node {

Bytes encode_hard_state_record(const raft::HardState& hard_state);
Decoded<raft::HardState> decode_hard_state_record(ByteView record);

Bytes encode_entry_record(const raft::Entry& entry);
Decoded<raft::Entry> decode_entry_record(ByteView record);

}  // namespace confman::node
