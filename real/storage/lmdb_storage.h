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
// Threading: the node runs on one thread and must not block on fsync, so
// write() only queues the batch. A writer thread owned by this object runs the
// transactions one at a time, in issue order, and hands each completion to
// post_to_core, which must run it later on the node's thread (the server:
// boost::asio::post onto the core's io_context). Calling the completion
// right away on the writer thread would race with the node; never do that.
// load() reads on the calling thread.
//
// Shutdown: destroy this object on the node's thread (or once that thread's
// event loop has stopped), before the node it serves. The destructor FINISHES
// every write already issued (each is committed or fails, in order), then
// joins the writer thread; their completions are not delivered. A completion
// posted before destruction that runs after it does nothing: completions
// never run after destruction.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "core/node/env.h"
#include "core/raft/message.h"
#include "core/util/result.h"
#include "real/storage/directory_lock.h"
#include "real/storage/lmdb_tables.h"

namespace confman::real {

class WriterThread;

// Runs a callback on the node's thread, later; callable from any thread.
using PostToCore = std::function<void(std::function<void()>)>;

struct LmdbOptions {
  // The most the environment may hold. A write that does not fit completes
  // DiskFull and stores nothing; the node holds it and retries.
  std::size_t map_size_bytes = std::size_t{1} << 30;
  // The largest record a write may store: the largest snapshot the core makes,
  // plus room for the record's framing. A larger one completes IoError.
  std::size_t max_record_bytes = raft::kMaxSnapshotBytes + (std::size_t{1} << 20);
  // Writes queued or running at once (the node keeps one in flight); more is
  // a caller bug and stops the process.
  std::size_t max_pending_writes = 4;
};

class LmdbStorage final : public node::Storage {
 public:
  // Creates the directory if missing. Fails with e.g. "cannot open LMDB
  // environment at /var/lib/confman: Permission denied".
  static Result<std::unique_ptr<LmdbStorage>, std::string> open(const std::filesystem::path& directory,
                                                                 LmdbOptions options, PostToCore post_to_core);

  LmdbStorage(const LmdbStorage&) = delete;
  LmdbStorage& operator=(const LmdbStorage&) = delete;
  ~LmdbStorage() override;

  // Any failure is an IoError whose detail says what could not be read.
  Result<node::StoredState, node::StorageError> load() override;
  void write(node::WriteBatch batch, std::function<void(node::StorageStatus)> on_complete) override;

  // Why the last write that did not complete Ok failed, for the server's log
  // (a completion carries only a status). Read it on the node's thread.
  const std::string& last_write_failure() const { return last_write_failure_; }
  const std::filesystem::path& directory() const { return directory_; }

 private:
  struct Completion {
    node::StorageStatus status = node::StorageStatus::Ok;
    std::string failure;
  };

  LmdbStorage(std::filesystem::path directory, LmdbOptions options, PostToCore post_to_core, DirectoryLock lock,
              MDB_env* env, LmdbTables tables);
  Completion commit(const node::WriteBatch& batch) const;  // on the writer thread
  void complete(const Completion& completion, const std::function<void(node::StorageStatus)>& on_complete);

  std::filesystem::path directory_;
  LmdbOptions options_;
  PostToCore post_to_core_;
  DirectoryLock lock_;
  MDB_env* env_;
  LmdbTables tables_;
  // Cleared by the destructor (on the node's thread); a posted completion
  // that finds it cleared does nothing.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::string last_write_failure_;
  std::unique_ptr<WriterThread> writer_;
};

}  // namespace confman::real
