#pragma once
// The real runtime's default storage: a write-ahead log in front of LMDB,
// the way etcd keeps a WAL in front of its database.
//
// Why: LMDB's durable commit rewrites a path of B-tree pages and syncs
// twice (data, then the meta page), about 0.4 ms per commit on the machine
// the README's figures come from. Appending one record to a preallocated
// file and syncing it once takes about 0.1 ms. Every Raft write pays this on
// the leader and on a follower, so it bounds what one client sees.
//
// Layout, in the data directory:
//   data.mdb / lock.mdb   the LMDB store of lmdb_tables.h: the state up to a
//                         checkpoint, and "wal_generation" = G
//   wal-<G, 16 hex>.log   the batches written since, in order (wal_file.h,
//                         wal_batch.h)
// The state is the LMDB store with the WAL's batches applied on top.
//
// A batch without a snapshot or a compaction is appended to the WAL and
// synced. Anything else (a snapshot, a compaction, a batch too large for a
// record, or a full WAL file) is a checkpoint: one durable LMDB transaction
// applies every batch of the WAL, then this one, and sets wal_generation to
// G + 1; only after that is wal-<G + 1>.log created and wal-<G>.log removed.
// A crash before the LMDB commit leaves the old store and its WAL; after it,
// the new store, and a WAL that is missing (created at start-up) or empty.
// The commit is the one point where the state moves, so every batch is
// stored whole or not at all.
//
// Threading and shutdown (async_writes.h): writes run on a writer thread in
// issue order, completions are posted to the node's thread, and the
// destructor finishes issued writes without delivering their completions.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/node/env.h"
#include "core/raft/message.h"
#include "core/util/result.h"
#include "real/storage/async_writes.h"
#include "real/storage/lmdb_store.h"
#include "real/storage/map_usage.h"
#include "real/storage/wal_file.h"

namespace confman::real {

struct WalOptions {
  // The LMDB store's limit; a checkpoint that does not fit completes
  // DiskFull and stores nothing.
  std::size_t map_size_bytes = std::size_t{1} << 30;  // the ceiling the map may grow to (lmdb_store.h)
  std::size_t initial_map_bytes = std::size_t{64} << 20;
  // The largest record a write may store (as LmdbOptions).
  std::size_t max_record_bytes = raft::kMaxSnapshotBytes + (std::size_t{1} << 20);
  // Each WAL file is allocated to this size; a full one is checkpointed.
  // The batches it holds are also kept in memory until then.
  std::size_t wal_file_bytes = std::size_t{64} << 20;
  // A batch that encodes larger goes to LMDB at once (a checkpoint).
  std::size_t max_wal_payload_bytes = std::size_t{4} << 20;
  std::size_t max_pending_writes = 4;
};

class WalStorage final : public node::Storage, public ReportsMapUsage {
 public:
  // Creates the directory if missing; reads the WAL and checks that it
  // continues the LMDB store (dropping a torn last record). Fails with what
  // is wrong and where, e.g. "WAL file .../wal-0000000000000003.log is
  // damaged: the record at offset 4096 fails its checksum and data follows it".
  static Result<std::unique_ptr<WalStorage>, std::string> open(const std::filesystem::path& directory,
                                                               WalOptions options, PostToCore post_to_core);

  WalStorage(const WalStorage&) = delete;
  WalStorage& operator=(const WalStorage&) = delete;
  ~WalStorage() override = default;

  // The WAL's damage and what a repair cuts (confman-server --repair-wal).
  // With apply, the cut is made; the node must then be marked recovering
  // (the server writes the hard state with the mark before it starts).
  struct Repair {
    std::filesystem::path path;  // the WAL file looked at; empty if none
    WalFile::Repair cut;
  };
  static Result<Repair, std::string> repair(const std::filesystem::path& directory, WalOptions options, bool apply);

  // Start-up only (before any write): stores a pinned hard state record
  // (StoredState::pinned_hard_state) at once and durably.
  Result<Done, std::string> pin_hard_state_at_start(const Bytes& record);

  Result<node::StoredState, node::StorageError> load() override;
  void write(node::WriteBatch batch, std::function<void(node::StorageStatus)> on_complete) override;

  const std::string& last_write_failure() const { return writes_.last_write_failure(); }
  // Bytes of a torn last record that opening dropped (never acknowledged).
  std::size_t torn_tail_bytes() const { return torn_tail_bytes_; }
  const std::filesystem::path& directory() const { return directory_; }
  const LmdbStore& store() const { return store_; }
  MapUsage map_usage() const override { return MapUsage{store_.map_bytes(), store_.map_ceiling_bytes()}; }
  // For tests and the server's log: checkpoints so far, and the WAL in use.
  std::uint64_t generation() const;
  static std::filesystem::path wal_path(const std::filesystem::path& directory, std::uint64_t generation);

 private:
  WalStorage(std::filesystem::path directory, WalOptions options, PostToCore post_to_core, LmdbStore store);
  Result<Done, std::string> recover();
  Result<Done, IoFailure> create_wal_file();
  template <typename Transaction>
  Result<Done, LmdbFailure> commit_growing(const Transaction& transaction);
  Result<Done, LmdbFailure> commit_backlog();
  Result<Done, std::string> checkpoint_backlog();
  Result<Done, LmdbFailure> pin(const Bytes& hard_state_record);
  WriteOutcome lmdb_outcome(const LmdbFailure& failure) const;
  // On the writer thread:
  WriteOutcome commit(node::WriteBatch batch);
  WriteOutcome append(node::WriteBatch batch, const Bytes& payload);
  WriteOutcome checkpoint(node::WriteBatch batch);

  std::filesystem::path directory_;
  WalOptions options_;
  LmdbStore store_;
  // Guards what load() reads while the writer thread may change it.
  mutable std::mutex mutex_;
  std::uint64_t generation_ = 0;
  std::vector<node::WriteBatch> backlog_;  // in the WAL, not yet in LMDB
  std::optional<WalFile> wal_;             // none after a failed creation: the next write retries it
  std::size_t torn_tail_bytes_ = 0;
  AsyncWrites writes_;  // declared last: destroyed (writes finished) before what they use
};

}  // namespace confman::real
