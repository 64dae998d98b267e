#pragma once
// Records the core stores: the hard state, log entries and the snapshot. Each is a sealed
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

// A snapshot record (Raft §7): index, term, voters and the state bytes with a
// crc32c of their own, all in a sealed frame. The inner checksum is the one
// the snapshot carries end to end (InstallSnapshot checks it too), so a
// record is verified twice: as a record, and as the snapshot it holds.
Bytes encode_snapshot_record(const raft::Snapshot& snapshot);
Decoded<raft::Snapshot> decode_snapshot_record(ByteView record);

}  // namespace confman::node
