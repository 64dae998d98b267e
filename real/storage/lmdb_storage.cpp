#include "real/storage/lmdb_storage.h"

#include <utility>

#include "core/util/assert.h"
#include "real/storage/batch_limits.h"

namespace confman::real {

Result<std::unique_ptr<LmdbStorage>, std::string> LmdbStorage::open(const std::filesystem::path& directory,
                                                                    LmdbOptions options, PostToCore post_to_core) {
  CONFMAN_ASSERT(options.map_size_bytes > 0 && options.max_record_bytes > 0 && options.max_pending_writes > 0,
                 "LmdbOptions sizes must be positive");
  auto store = LmdbStore::open(directory, options.initial_map_bytes, options.map_size_bytes);
  if (!store) return unexpected(store.error());
  // A store continued by a WAL holds only part of the state: reading it
  // without its WAL would lose acknowledged writes.
  auto generation = read_wal_generation(store->env(), store->tables());
  if (!generation || generation->has_value()) {
    return unexpected("the data directory " + directory.string() +
                      " is kept by the WAL storage (--storage wal); LmdbStorage cannot read it alone");
  }
  return std::unique_ptr<LmdbStorage>(
      new LmdbStorage(directory, options, std::move(post_to_core), std::move(store).value()));
}

LmdbStorage::LmdbStorage(std::filesystem::path directory, LmdbOptions options, PostToCore post_to_core,
                         LmdbStore store)
    : directory_(std::move(directory)),
      options_(options),
      store_(std::move(store)),
      writes_(std::move(post_to_core), options.max_pending_writes) {}

Result<node::StoredState, node::StorageError> LmdbStorage::load() {
  auto state = read_stored_state(store_.env(), store_.tables());
  if (!state) {
    return unexpected(node::StorageError{node::StorageStatus::IoError,
                                         "LMDB store at " + directory_.string() + ": " + state.error().detail});
  }
  return std::move(state).value();
}

void LmdbStorage::write(node::WriteBatch batch, std::function<void(node::StorageStatus)> on_complete) {
  writes_.submit([this, batch = std::move(batch)] { return commit(batch); }, std::move(on_complete));
}

WriteOutcome LmdbStorage::commit(const node::WriteBatch& batch) {
  if (auto oversized = oversized_record(batch, options_.max_record_bytes)) {
    return WriteOutcome{node::StorageStatus::IoError, *oversized};
  }
  auto committed = commit_batch(store_.env(), store_.tables(), batch);
  // The aborted transaction left nothing behind: grow the map and try again.
  while (!committed && is_map_full(committed.error()) && store_.grow()) {
    committed = commit_batch(store_.env(), store_.tables(), batch);
  }
  if (committed) return WriteOutcome{};
  // A full map aborts the transaction: nothing was written, so the node may
  // hold the batch and retry it. Anything else is fail-stop.
  const node::StorageStatus status =
      is_map_full(committed.error()) ? node::StorageStatus::DiskFull : node::StorageStatus::IoError;
  return WriteOutcome{status, "LMDB store at " + directory_.string() + ": " + committed.error().detail};
}

}  // namespace confman::real
