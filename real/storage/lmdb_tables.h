#pragma once
// The on-disk layout of LmdbStorage, one LMDB environment with two named
// tables (README.md, "Storage"):
//   "meta": "format"      -> u64 big-endian layout version
//           "hard_state"  -> the core's sealed hard state record
//           "pinned_hard_state" -> the newest one written with
//                            WriteBatch::pin_hard_state (WalStorage writes it
//                            before the WAL record, so a WAL cut keeps it)
//           "snapshot"    -> the core's sealed snapshot record
//           "first_index" -> u64 big-endian index of the first stored entry
//                            (absent: 1)
//           "wal_generation" -> u64 big-endian: the WAL file that continues
//                            this state (WalStorage only; absent: none)
//   "log":  u64 big-endian index -> the core's sealed entry record
// Big-endian keys sort as numbers, so a cursor walks the log in order. The
// records are opaque bytes here: the core verifies their checksums.
//
// Only forward declarations of LMDB's types appear here, so that lmdb.h stays
// inside the .cpp files of this folder.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

#include "core/node/env.h"
#include "core/util/result.h"

struct MDB_env;

namespace confman::real {

struct LmdbTables {
  unsigned int meta = 0;  // MDB_dbi handles (lmdb.h: typedef unsigned int MDB_dbi)
  unsigned int log = 0;
};

struct LmdbFailure {
  int code = 0;        // an LMDB or errno code, as mdb_strerror knows it
  std::string detail;  // what was being done, and why it failed
};

// Opens (creating if missing) the environment in `directory`, whose data
// file may grow to map_size_bytes, and clears reader slots left by dead
// processes. Every commit is durable (no MDB_NOSYNC or MDB_NOMETASYNC).
Result<MDB_env*, std::string> open_environment(const std::filesystem::path& directory, std::size_t map_size_bytes);

// Opens both tables (creating them in a new environment) and checks that the
// stored layout is the one this build reads.
Result<LmdbTables, LmdbFailure> open_tables(MDB_env* env);

// Everything stored, as the core expects it: entries contiguous from
// first_index. One read transaction, so a concurrent write is seen whole or
// not at all.
Result<node::StoredState, LmdbFailure> read_stored_state(MDB_env* env, const LmdbTables& tables);

// Applies a batch with exactly the semantics of node::apply_write_batch in
// one write transaction, committed durably (fsync) before it returns. On any
// failure the transaction is aborted: nothing of the batch is stored.
Result<Done, LmdbFailure> commit_batch(MDB_env* env, const LmdbTables& tables, const node::WriteBatch& batch);

// Stores the pinned hard state record alone, durably.
Result<Done, LmdbFailure> commit_pinned_hard_state(MDB_env* env, const LmdbTables& tables, ByteView record);

// Applies the batches in order, in one write transaction committed durably,
// and records wal_generation if set. All of it is stored, or none of it.
Result<Done, LmdbFailure> commit_batches(MDB_env* env, const LmdbTables& tables,
                                         std::span<const node::WriteBatch> batches,
                                         std::optional<std::uint64_t> wal_generation);

// The stored wal_generation; nullopt if the store was never continued by a WAL.
Result<std::optional<std::uint64_t>, LmdbFailure> read_wal_generation(MDB_env* env, const LmdbTables& tables);

// The map is full: the batch was refused whole, and may fit later.
bool is_map_full(const LmdbFailure& failure);

std::string lmdb_error_text(int code);

}  // namespace confman::real
