#pragma once
// A data directory opened for LMDB: its lock (directory_lock.h), the LMDB
// environment and both tables (lmdb_tables.h). LmdbStorage and WalStorage
// each own one. Closing it closes the environment, then releases the lock.

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
  static Result<LmdbStore, std::string> open(const std::filesystem::path& directory, std::size_t map_size_bytes);

  LmdbStore(LmdbStore&& other) noexcept;
  LmdbStore& operator=(LmdbStore&&) = delete;
  LmdbStore(const LmdbStore&) = delete;
  LmdbStore& operator=(const LmdbStore&) = delete;
  ~LmdbStore();

  MDB_env* env() const { return env_; }
  const LmdbTables& tables() const { return tables_; }

 private:
  LmdbStore(DirectoryLock lock, MDB_env* env, LmdbTables tables)
      : lock_(std::move(lock)), env_(env), tables_(tables) {}

  DirectoryLock lock_;  // released after the environment is closed
  MDB_env* env_;
  LmdbTables tables_;
};

}  // namespace confman::real
