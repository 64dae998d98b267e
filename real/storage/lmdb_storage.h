#pragma once
// The real runtime's durable storage: the node's Storage on LMDB.
//
// Layout: one LMDB environment in the data directory, with a table of
// metadata (hard state, snapshot, first index) and a table of log entries
// keyed by big-endian index (lmdb_tables.h). Records are the core's sealed
// bytes, stored as they are; the core verifies their checksums.
//
// Durability: a write is one LMDB write transaction committed with LMDB's
// default durable commit (data pages synced, then the meta page synced)
// before its completion reports Ok. A crash at any moment leaves either the
// whole batch or none of it.
//
// Threading and shutdown: writes run off the node's thread, in issue order,
// and their completions are posted back to it (async_writes.h); load() reads
// on the calling thread. Destroy this on the node's thread, before the node
// it serves: the destructor finishes every write already issued and
// delivers none of their completions.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "core/node/env.h"
#include "core/raft/message.h"
#include "core/util/result.h"
#include "real/storage/async_writes.h"
#include "real/storage/lmdb_store.h"
#include "real/storage/map_usage.h"

namespace confman::real {

struct LmdbOptions {
  // The most the environment may hold. A write that does not fit completes
  // DiskFull and stores nothing; the node holds it and retries.
  std::size_t map_size_bytes = std::size_t{1} << 30;  // the ceiling the map may grow to (lmdb_store.h)
  std::size_t initial_map_bytes = std::size_t{64} << 20;
  // The largest record a write may store: the largest snapshot the core makes,
  // plus room for the record's framing. A larger one completes IoError.
  std::size_t max_record_bytes = raft::kMaxSnapshotBytes + (std::size_t{1} << 20);
  // Writes queued or running at once (the node keeps one in flight); more is
  // a caller bug and stops the process.
  std::size_t max_pending_writes = 4;
};

class LmdbStorage final : public node::Storage, public ReportsMapUsage {
 public:
  // Creates the directory if missing. Fails with e.g. "cannot open LMDB
  // environment at /var/lib/confman: Permission denied".
  static Result<std::unique_ptr<LmdbStorage>, std::string> open(const std::filesystem::path& directory,
                                                                 LmdbOptions options, PostToCore post_to_core);

  LmdbStorage(const LmdbStorage&) = delete;
  LmdbStorage& operator=(const LmdbStorage&) = delete;
  ~LmdbStorage() override = default;

  // Any failure is an IoError whose detail says what could not be read.
  Result<node::StoredState, node::StorageError> load() override;
  void write(node::WriteBatch batch, std::function<void(node::StorageStatus)> on_complete) override;

  // Why the last write that did not complete Ok failed, for the server's log
  // (a completion carries only a status). Read it on the node's thread.
  const std::string& last_write_failure() const { return writes_.last_write_failure(); }
  const std::filesystem::path& directory() const { return directory_; }
  const LmdbStore& store() const { return store_; }
  MapUsage map_usage() const override { return MapUsage{store_.map_bytes(), store_.map_ceiling_bytes()}; }

 private:
  LmdbStorage(std::filesystem::path directory, LmdbOptions options, PostToCore post_to_core, LmdbStore store);
  WriteOutcome commit(const node::WriteBatch& batch);  // on the writer thread

  std::filesystem::path directory_;
  LmdbOptions options_;
  LmdbStore store_;
  AsyncWrites writes_;  // declared last: destroyed (writes finished) before the store closes
};

}  // namespace confman::real
