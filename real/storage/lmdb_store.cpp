#include "real/storage/lmdb_store.h"

#include <lmdb.h>

#include <algorithm>
#include <system_error>
#include <utility>

namespace confman::real {

Result<LmdbStore, std::string> LmdbStore::open(const std::filesystem::path& directory, std::size_t initial_map_bytes,
                                               std::size_t map_ceiling_bytes) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) return unexpected("cannot create data directory " + directory.string() + ": " + error.message());
  auto lock = DirectoryLock::acquire(directory);
  if (!lock) return unexpected(lock.error());
  // A data file written with a larger map keeps its size: start there.
  const std::uintmax_t file_bytes = std::filesystem::file_size(directory / "data.mdb", error);
  std::size_t map_bytes = std::min(initial_map_bytes, map_ceiling_bytes);
  if (!error) map_bytes = std::max(map_bytes, static_cast<std::size_t>(file_bytes));
  auto env = open_environment(directory, map_bytes);
  if (!env) return unexpected(env.error());
  auto tables = open_tables(*env);
  if (!tables) {
    mdb_env_close(*env);
    return unexpected("cannot open LMDB environment at " + directory.string() + ": " + tables.error().detail);
  }
  MDB_envinfo info{};
  mdb_env_info(*env, &info);
  return LmdbStore(std::move(lock).value(), *env, *tables, info.me_mapsize, std::max(map_ceiling_bytes, info.me_mapsize));
}

bool LmdbStore::grow() {
  const std::size_t current = map_bytes_.load();
  const std::size_t next = std::min(current * 2, map_ceiling_bytes_);
  if (next <= current) return false;
  if (mdb_env_set_mapsize(env_, next) != 0) return false;
  map_bytes_.store(next);
  return true;
}

LmdbStore::LmdbStore(LmdbStore&& other) noexcept
    : lock_(std::move(other.lock_)),
      env_(std::exchange(other.env_, nullptr)),
      tables_(other.tables_),
      map_bytes_(other.map_bytes_.load()),
      map_ceiling_bytes_(other.map_ceiling_bytes_) {}

LmdbStore::~LmdbStore() {
  if (env_ != nullptr) mdb_env_close(env_);
}

}  // namespace confman::real
