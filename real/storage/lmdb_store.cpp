#include "real/storage/lmdb_store.h"

#include <lmdb.h>

#include <system_error>
#include <utility>

namespace confman::real {

Result<LmdbStore, std::string> LmdbStore::open(const std::filesystem::path& directory, std::size_t map_size_bytes) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) return unexpected("cannot create data directory " + directory.string() + ": " + error.message());
  auto lock = DirectoryLock::acquire(directory);
  if (!lock) return unexpected(lock.error());
  auto env = open_environment(directory, map_size_bytes);
  if (!env) return unexpected(env.error());
  auto tables = open_tables(*env);
  if (!tables) {
    mdb_env_close(*env);
    return unexpected("cannot open LMDB environment at " + directory.string() + ": " + tables.error().detail);
  }
  return LmdbStore(std::move(lock).value(), *env, *tables);
}

LmdbStore::LmdbStore(LmdbStore&& other) noexcept
    : lock_(std::move(other.lock_)), env_(std::exchange(other.env_, nullptr)), tables_(other.tables_) {}

LmdbStore::~LmdbStore() {
  if (env_ != nullptr) mdb_env_close(env_);
}

}  // namespace confman::real
