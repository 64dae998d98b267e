#include "real/storage/lmdb_storage.h"

#include <lmdb.h>

#include <optional>
#include <system_error>
#include <utility>

#include "core/util/assert.h"
#include "real/storage/batch_limits.h"
#include "real/storage/writer_thread.h"

namespace confman::real {

namespace {

struct EnvCloser {
  void operator()(MDB_env* env) const { mdb_env_close(env); }
};
using EnvHandle = std::unique_ptr<MDB_env, EnvCloser>;

}  // namespace

Result<std::unique_ptr<LmdbStorage>, std::string> LmdbStorage::open(const std::filesystem::path& directory,
                                                                    LmdbOptions options, PostToCore post_to_core) {
  CONFMAN_ASSERT(post_to_core != nullptr, "LmdbStorage needs a way to post completions to the node's thread");
  CONFMAN_ASSERT(options.map_size_bytes > 0 && options.max_record_bytes > 0 && options.max_pending_writes > 0,
                 "LmdbOptions sizes must be positive");
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) return unexpected("cannot create data directory " + directory.string() + ": " + error.message());
  auto lock = DirectoryLock::acquire(directory);
  if (!lock) return unexpected(lock.error());
  auto opened = open_environment(directory, options.map_size_bytes);
  if (!opened) return unexpected(opened.error());
  EnvHandle env(*opened);
  auto tables = open_tables(env.get());
  if (!tables) {
    return unexpected("cannot open LMDB environment at " + directory.string() + ": " + tables.error().detail);
  }
  // A store continued by a WAL holds only part of the state: reading it
  // without its WAL would lose acknowledged writes.
  auto generation = read_wal_generation(env.get(), *tables);
  if (!generation || generation->has_value()) {
    return unexpected("the data directory " + directory.string() +
                      " is kept by the WAL storage (--storage wal); LmdbStorage cannot read it alone");
  }
  return std::unique_ptr<LmdbStorage>(new LmdbStorage(directory, options, std::move(post_to_core),
                                                      std::move(lock).value(), env.release(), *tables));
}

LmdbStorage::LmdbStorage(std::filesystem::path directory, LmdbOptions options, PostToCore post_to_core,
                         DirectoryLock lock, MDB_env* env, LmdbTables tables)
    : directory_(std::move(directory)),
      options_(options),
      post_to_core_(std::move(post_to_core)),
      lock_(std::move(lock)),
      env_(env),
      tables_(tables),
      writer_(std::make_unique<WriterThread>(options.max_pending_writes)) {}

LmdbStorage::~LmdbStorage() {
  *alive_ = false;  // completions already posted will find this and do nothing
  writer_.reset();  // finishes every issued write, then joins
  mdb_env_close(env_);
  // lock_ is released after this, once the environment is closed.
}

Result<node::StoredState, node::StorageError> LmdbStorage::load() {
  auto state = read_stored_state(env_, tables_);
  if (!state) {
    return unexpected(node::StorageError{node::StorageStatus::IoError,
                                         "LMDB store at " + directory_.string() + ": " + state.error().detail});
  }
  return std::move(state).value();
}

void LmdbStorage::write(node::WriteBatch batch, std::function<void(node::StorageStatus)> on_complete) {
  CONFMAN_ASSERT(on_complete != nullptr, "a storage write needs a completion");
  writer_->submit([this, batch = std::move(batch), on_complete = std::move(on_complete)]() mutable {
    // On the writer thread: commit, then let the node's thread see the result.
    Completion completion = commit(batch);
    post_to_core_([this, alive = alive_, completion = std::move(completion), on_complete = std::move(on_complete)] {
      if (*alive) complete(completion, on_complete);
    });
  });
}

LmdbStorage::Completion LmdbStorage::commit(const node::WriteBatch& batch) const {
  if (auto oversized = oversized_record(batch, options_.max_record_bytes)) {
    return Completion{node::StorageStatus::IoError, *oversized};
  }
  auto committed = commit_batch(env_, tables_, batch);
  if (committed) return Completion{};
  // A full map aborts the transaction: nothing was written, so the node may
  // hold the batch and retry it. Anything else is fail-stop.
  const node::StorageStatus status =
      is_map_full(committed.error()) ? node::StorageStatus::DiskFull : node::StorageStatus::IoError;
  return Completion{status, "LMDB store at " + directory_.string() + ": " + committed.error().detail};
}

void LmdbStorage::complete(const Completion& completion, const std::function<void(node::StorageStatus)>& on_complete) {
  if (completion.status != node::StorageStatus::Ok) last_write_failure_ = completion.failure;
  on_complete(completion.status);
}

}  // namespace confman::real
