#pragma once
// A data directory opened for LMDB: its lock (directory_lock.h), the LMDB
// environment and both tables (lmdb_tables.h). LmdbStorage and WalStorage
// each own one. Closing it closes the environment, then releases the lock.
//
// The map grows on demand. A fixed 1 GiB map filled with 1 MiB overwrites of
// one key and then refused every write (507) until a restart with a larger
// one. It now starts at initial_map_bytes (or the data file's size, if
// larger), and when a transaction does not fit the writer doubles it
// (mdb_env_set_mapsize, allowed between transactions) up to
// map_ceiling_bytes; only at the ceiling does a write fail DiskFull, which
// the server shows in /health/ready and /metrics.

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <string>

#include "core/util/result.h"
#include "real/storage/directory_lock.h"
#include "real/storage/lmdb_tables.h"

namespace confman::real {

class LmdbStore {
 public:
  // Creates the directory if missing. Fails with e.g. "cannot open LMDB
  // environment at /var/lib/confman: Permission denied".
  static Result<LmdbStore, std::string> open(const std::filesystem::path& directory, std::size_t initial_map_bytes,
                                             std::size_t map_ceiling_bytes);

  LmdbStore(LmdbStore&& other) noexcept;
  LmdbStore& operator=(LmdbStore&&) = delete;
  LmdbStore(const LmdbStore&) = delete;
  LmdbStore& operator=(const LmdbStore&) = delete;
  ~LmdbStore();

  MDB_env* env() const { return env_; }
  const LmdbTables& tables() const { return tables_; }

  // Doubles the map, up to the ceiling; false at the ceiling. Only on the
  // thread that writes, with no transaction open.
  bool grow();
  std::size_t map_bytes() const { return map_bytes_.load(); }  // any thread
  std::size_t map_ceiling_bytes() const { return map_ceiling_bytes_; }

 private:
  LmdbStore(DirectoryLock lock, MDB_env* env, LmdbTables tables, std::size_t map_bytes, std::size_t ceiling_bytes)
      : lock_(std::move(lock)), env_(env), tables_(tables), map_bytes_(map_bytes), map_ceiling_bytes_(ceiling_bytes) {}

  DirectoryLock lock_;  // released after the environment is closed
  MDB_env* env_;
  LmdbTables tables_;
  std::atomic<std::size_t> map_bytes_;
  std::size_t map_ceiling_bytes_;
};

}  // namespace confman::real
