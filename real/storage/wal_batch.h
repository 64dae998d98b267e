#pragma once
// The payload of one WAL record: a write batch without a snapshot or a
// compaction (those go straight to LMDB, wal_storage.h).
//   u8 version (1)
//   varint truncate_from, varint first_index, varint entry count,
//   each entry as a length-prefixed byte string,
//   u8 has_hard_state, then the hard state as a length-prefixed byte string.
// The entry and hard state bytes are the core's sealed records, verified by
// the core when it loads them.

#include <cstddef>

#include "core/node/env.h"
#include "core/util/codec.h"

namespace confman::real {

// A batch the WAL may hold: no snapshot, no compaction.
bool fits_wal(const node::WriteBatch& batch);

Bytes encode_wal_batch(const node::WriteBatch& batch);

// Refuses anything encode_wal_batch does not write, and records over
// max_record_bytes.
Decoded<node::WriteBatch> decode_wal_batch(ByteView payload, std::size_t max_record_bytes);

}  // namespace confman::real
