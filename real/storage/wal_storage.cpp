#include "real/storage/wal_storage.h"

#include <cinttypes>
#include <cstdio>
#include <system_error>
#include <utility>

#include "core/util/assert.h"
#include "real/storage/batch_limits.h"
#include "real/storage/wal_batch.h"

namespace confman::real {

namespace {

constexpr std::uint64_t kFirstGeneration = 1;
constexpr const char* kRepairHint =
    ". The damaged record may have been acknowledged, so the node does not start. `confman-server --data-dir DIR "
    "--repair-wal` shows what a repair would cut; with --yes it cuts it, and the node then re-fetches the log from "
    "the leader before it votes (docs/DESIGN.md, \"Storage faults\")";

// Whether `batch` (no compaction) continues `state`; if not, why.
std::optional<std::string> does_not_continue(const node::StoredState& state, const node::WriteBatch& batch) {
  const LogIndex first = state.first_index;
  LogIndex end = first + state.entries.size();
  if (batch.truncate_from != 0) {
    if (batch.truncate_from < first || batch.truncate_from > end) {
      return "it truncates from entry " + std::to_string(batch.truncate_from) + ", outside the stored entries [" +
             std::to_string(first) + ", " + std::to_string(end) + ")";
    }
    end = batch.truncate_from;
  }
  if (!batch.entries.empty() && batch.first_index != end) {
    return "its entries start at " + std::to_string(batch.first_index) + ", the log continues at " +
           std::to_string(end);
  }
  return std::nullopt;
}

// "wal-" + 16 lowercase hex digits + ".log", as wal_path() writes it.
bool is_wal_file_name(const std::string& name) {
  constexpr std::size_t kHexDigits = 16;
  if (name.size() != 4 + kHexDigits + 4 || name.rfind("wal-", 0) != 0 || name.substr(4 + kHexDigits) != ".log") {
    return false;
  }
  return name.find_first_not_of("0123456789abcdef", 4) == 4 + kHexDigits;
}

}  // namespace

std::filesystem::path WalStorage::wal_path(const std::filesystem::path& directory, std::uint64_t generation) {
  char name[40];
  std::snprintf(name, sizeof name, "wal-%016" PRIx64 ".log", generation);
  return directory / name;
}

Result<std::unique_ptr<WalStorage>, std::string> WalStorage::open(const std::filesystem::path& directory,
                                                                  WalOptions options, PostToCore post_to_core) {
  CONFMAN_ASSERT(options.map_size_bytes > 0 && options.max_record_bytes > 0 && options.max_pending_writes > 0 &&
                     options.max_wal_payload_bytes > 0 && options.wal_file_bytes > options.max_wal_payload_bytes,
                 "WalOptions sizes must be positive, and a WAL file must hold its largest record");
  auto store = LmdbStore::open(directory, options.initial_map_bytes, options.map_size_bytes);
  if (!store) return unexpected(store.error());
  std::unique_ptr<WalStorage> storage(
      new WalStorage(directory, options, std::move(post_to_core), std::move(store).value()));
  if (auto recovered = storage->recover(); !recovered) return unexpected(recovered.error());
  return storage;
}

WalStorage::WalStorage(std::filesystem::path directory, WalOptions options, PostToCore post_to_core, LmdbStore store)
    : directory_(std::move(directory)),
      options_(options),
      store_(std::move(store)),
      writes_(std::move(post_to_core), options.max_pending_writes) {}

// Start-up, before any write: the generation, the WAL's batches, and a check
// that they continue the LMDB store.
Result<Done, std::string> WalStorage::recover() {
  const std::string where = "storage at " + directory_.string() + ": ";
  auto generation = read_wal_generation(store_.env(), store_.tables());
  if (!generation) return unexpected(where + generation.error().detail);
  if (!generation->has_value()) {
    // A new store (or one LmdbStorage wrote): from now on the WAL continues it.
    if (auto marked = commit_batches(store_.env(), store_.tables(), {}, kFirstGeneration); !marked) {
      return unexpected(where + marked.error().detail);
    }
    *generation = kFirstGeneration;
  }
  generation_ = **generation;
  const std::filesystem::path path = wal_path(directory_, generation_);
  std::error_code error;
  if (std::filesystem::exists(path, error)) {
    std::vector<Bytes> payloads;
    auto file = WalFile::open(path, options_.max_wal_payload_bytes, payloads);
    if (!file) {
      return unexpected(where + file.error().detail + (file.error().error_number == 0 ? kRepairHint : ""));
    }
    torn_tail_bytes_ = file->torn_tail_bytes();
    for (std::size_t i = 0; i < payloads.size(); ++i) {
      auto batch = decode_wal_batch(payloads[i], options_.max_record_bytes);
      if (!batch) {
        return unexpected(where + "record " + std::to_string(i + 1) + " of " + path.string() +
                          " is malformed: " + batch.error().describe());
      }
      backlog_.push_back(std::move(batch).value());
    }
    wal_ = std::move(file).value();
    if (wal_->legacy()) {
      // Written before the record trailer existed: move its batches into
      // LMDB and continue in a file of this build's format.
      if (auto moved = checkpoint_backlog(); !moved) return unexpected(where + moved.error());
    }
  } else if (auto created = create_wal_file(); !created) {
    return unexpected(where + created.error().detail);
  }
  // Files of older generations are left by a crash right after a checkpoint.
  // Only names this storage writes are removed: nothing else in the
  // directory is its to delete.
  for (const auto& item : std::filesystem::directory_iterator(directory_, error)) {
    if (is_wal_file_name(item.path().filename().string()) && item.path() != wal_path(directory_, generation_)) {
      std::filesystem::remove(item.path(), error);
    }
  }
  auto state = load();
  if (!state) return unexpected(state.error().detail);
  return Done{};
}

// An LMDB transaction, retried after growing the map while the map is
// full (an aborted transaction leaves nothing behind).
template <typename Transaction>
Result<Done, LmdbFailure> WalStorage::commit_growing(const Transaction& transaction) {
  auto committed = transaction();
  while (!committed && is_map_full(committed.error()) && store_.grow()) committed = transaction();
  return committed;
}

// Commits the backlog to LMDB as the next generation; on success the
// backlog is empty and no WAL file is open. Holds mutex_.
Result<Done, LmdbFailure> WalStorage::commit_backlog() {
  auto committed =
      commit_growing([this] { return commit_batches(store_.env(), store_.tables(), backlog_, generation_ + 1); });
  if (!committed) return committed;
  backlog_.clear();
  generation_ += 1;
  wal_.reset();
  return Done{};
}

// At start-up: moves the backlog into LMDB and starts the next WAL file.
Result<Done, std::string> WalStorage::checkpoint_backlog() {
  if (auto committed = commit_backlog(); !committed) return unexpected(committed.error().detail);
  if (auto created = create_wal_file(); !created) return unexpected(created.error().detail);
  return Done{};
}

Result<Done, LmdbFailure> WalStorage::pin(const Bytes& hard_state_record) {
  return commit_growing(
      [&] { return commit_pinned_hard_state(store_.env(), store_.tables(), hard_state_record); });
}

Result<WalStorage::Repair, std::string> WalStorage::repair(const std::filesystem::path& directory, WalOptions options,
                                                           bool apply) {
  const std::string where = "storage at " + directory.string() + ": ";
  auto store = LmdbStore::open(directory, options.initial_map_bytes, options.map_size_bytes);
  if (!store) return unexpected(store.error());
  auto generation = read_wal_generation(store->env(), store->tables());
  if (!generation) return unexpected(where + generation.error().detail);
  Repair repair;
  if (!generation->has_value()) return repair;  // no WAL continues this store
  repair.path = wal_path(directory, **generation);
  std::error_code error;
  if (!std::filesystem::exists(repair.path, error)) return repair;
  auto cut = WalFile::repair(repair.path, options.max_wal_payload_bytes, apply);
  if (!cut) return unexpected(where + cut.error().detail);
  repair.cut = *cut;
  return repair;
}

Result<Done, std::string> WalStorage::pin_hard_state_at_start(const Bytes& record) {
  std::lock_guard lock(mutex_);
  if (auto pinned = pin(record); !pinned) {
    return unexpected("LMDB store at " + directory_.string() + ": " + pinned.error().detail);
  }
  return Done{};
}

// The current generation's WAL file, empty; wal_ holds it on success.
Result<Done, IoFailure> WalStorage::create_wal_file() {
  auto file = WalFile::create(wal_path(directory_, generation_), options_.wal_file_bytes);
  if (!file) return unexpected(file.error());
  wal_ = std::move(file).value();
  return Done{};
}

std::uint64_t WalStorage::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

Result<node::StoredState, node::StorageError> WalStorage::load() {
  std::lock_guard lock(mutex_);
  auto state = read_stored_state(store_.env(), store_.tables());
  if (!state) {
    return unexpected(node::StorageError{node::StorageStatus::IoError,
                                         "LMDB store at " + directory_.string() + ": " + state.error().detail});
  }
  for (std::size_t i = 0; i < backlog_.size(); ++i) {
    if (auto why = does_not_continue(*state, backlog_[i])) {
      return unexpected(node::StorageError{
          node::StorageStatus::IoError, "record " + std::to_string(i + 1) + " of " +
                                            wal_path(directory_, generation_).string() +
                                            " does not continue the stored log: " + *why});
    }
    node::apply_write_batch(*state, backlog_[i]);
  }
  return std::move(state).value();
}

void WalStorage::write(node::WriteBatch batch, std::function<void(node::StorageStatus)> on_complete) {
  // mutable: the batch moves into the backlog instead of being copied.
  writes_.submit([this, batch = std::move(batch)]() mutable { return commit(std::move(batch)); },
                 std::move(on_complete));
}

WriteOutcome WalStorage::commit(node::WriteBatch batch) {
  if (auto oversized = oversized_record(batch, options_.max_record_bytes)) {
    return WriteOutcome{node::StorageStatus::IoError, *oversized};
  }
  if (!fits_wal(batch)) return checkpoint(std::move(batch));
  Bytes payload = encode_wal_batch(batch);
  if (payload.size() > options_.max_wal_payload_bytes) return checkpoint(std::move(batch));
  if (!wal_) {
    // The last checkpoint stored everything but could not create the next
    // WAL file; nothing depends on it yet, so try again.
    if (auto created = create_wal_file(); !created) {
      return WriteOutcome{created.error().no_space() ? node::StorageStatus::DiskFull : node::StorageStatus::IoError,
                          created.error().detail};
    }
  }
  if (!wal_->fits(payload.size())) return checkpoint(std::move(batch));
  return append(std::move(batch), payload);
}

WriteOutcome WalStorage::append(node::WriteBatch batch, const Bytes& payload) {
  if (batch.pin_hard_state && batch.hard_state) {
    // A new term, vote or recovering mark goes where a repair that cuts the
    // WAL cannot reach, before the record that carries it: a vote cut with
    // the WAL could be cast twice (docs/DESIGN.md, "Storage faults").
    // Nothing of the batch is in the WAL if this fails: a full map may take
    // it later.
    if (auto pinned = pin(*batch.hard_state); !pinned) return lmdb_outcome(pinned.error());
  }
  if (auto appended = wal_->append(payload); !appended) {
    // What reached the file is unknown: fail-stop, and let start-up sort it out.
    return WriteOutcome{node::StorageStatus::IoError, appended.error().detail};
  }
  std::lock_guard lock(mutex_);
  backlog_.push_back(std::move(batch));
  return WriteOutcome{};
}

WriteOutcome WalStorage::checkpoint(node::WriteBatch batch) {
  std::lock_guard lock(mutex_);
  backlog_.push_back(std::move(batch));
  const std::filesystem::path old_path = wal_path(directory_, generation_);
  if (auto committed = commit_backlog(); !committed) {
    backlog_.pop_back();  // the transaction was aborted: nothing of it is stored
    return lmdb_outcome(committed.error());
  }
  // Durable now, whatever happens to the files below.
  (void)create_wal_file();  // on failure the next write tries again
  std::error_code error;
  std::filesystem::remove(old_path, error);  // a leftover is removed at start-up
  return WriteOutcome{};
}

// A full map refused the whole transaction: the node may hold the batch and
// retry. Anything else is fail-stop.
WriteOutcome WalStorage::lmdb_outcome(const LmdbFailure& failure) const {
  const node::StorageStatus status = is_map_full(failure) ? node::StorageStatus::DiskFull : node::StorageStatus::IoError;
  return WriteOutcome{status, "LMDB store at " + directory_.string() + ": " + failure.detail};
}

}  // namespace confman::real
