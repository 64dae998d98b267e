#include "real/storage/lmdb_tables.h"

#include <lmdb.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "core/util/assert.h"

namespace confman::real {

static_assert(std::is_same_v<MDB_dbi, unsigned int>, "LmdbTables keeps MDB_dbi handles as unsigned int");

namespace {

// Bumped when the layout changes, so an older build refuses a newer store
// instead of misreading it.
constexpr std::uint64_t kLayoutVersion = 1;
constexpr std::string_view kFormatKey = "format";
constexpr std::string_view kHardStateKey = "hard_state";
constexpr std::string_view kPinnedHardStateKey = "pinned_hard_state";
constexpr std::string_view kSnapshotKey = "snapshot";
constexpr std::string_view kFirstIndexKey = "first_index";
constexpr std::string_view kWalGenerationKey = "wal_generation";
constexpr unsigned int kTableCount = 2;  // "meta" and "log"
constexpr mdb_mode_t kFileMode = 0600;
// MDB_NOTLS: load() may run on any thread, and the writer thread is another;
// read transactions then keep no reader slot tied to a thread. No
// MDB_NOSYNC/MDB_NOMETASYNC: every commit is durable.
constexpr unsigned int kEnvFlags = MDB_NOTLS;

using U64Key = std::array<std::uint8_t, 8>;

U64Key encode_u64(std::uint64_t value) {
  U64Key key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(value >> (8 * (7 - i)));
  return key;
}

std::optional<std::uint64_t> decode_u64(const MDB_val& val) {
  if (val.mv_size != sizeof(std::uint64_t)) return std::nullopt;
  const auto* bytes = static_cast<const std::uint8_t*>(val.mv_data);
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < sizeof(std::uint64_t); ++i) value = (value << 8) | bytes[i];
  return value;
}

// LMDB takes non-const pointers but never writes through the key, nor through
// the data of a put without MDB_RESERVE.
MDB_val val_of(const void* data, std::size_t size) { return MDB_val{size, const_cast<void*>(data)}; }
MDB_val val_of(std::string_view text) { return val_of(text.data(), text.size()); }
MDB_val val_of(const Bytes& bytes) { return val_of(bytes.data(), bytes.size()); }
MDB_val val_of(const U64Key& key) { return val_of(key.data(), key.size()); }
MDB_val val_of(U64Key&& key) = delete;  // the MDB_val would point into a dead temporary
MDB_val val_of(Bytes&& bytes) = delete;

Bytes bytes_of(const MDB_val& val) {
  const auto* begin = static_cast<const std::uint8_t*>(val.mv_data);
  return Bytes(begin, begin + val.mv_size);
}

LmdbFailure lmdb_failure(int code, const std::string& what) {
  return LmdbFailure{code, what + ": " + lmdb_error_text(code)};
}

// The store holds what this code never writes: damaged, or not ours.
LmdbFailure layout_failure(std::string detail) { return LmdbFailure{MDB_CORRUPTED, std::move(detail)}; }

// One LMDB transaction, aborted on destruction unless committed.
class Transaction {
 public:
  static Result<Transaction, LmdbFailure> begin(MDB_env* env, unsigned int flags) {
    MDB_txn* txn = nullptr;
    if (int rc = mdb_txn_begin(env, nullptr, flags, &txn); rc != 0) {
      return unexpected(lmdb_failure(rc, "begin transaction"));
    }
    return Transaction(txn);
  }
  Transaction(Transaction&& other) noexcept : txn_(std::exchange(other.txn_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction() {
    if (txn_ != nullptr) mdb_txn_abort(txn_);
  }
  MDB_txn* get() const { return txn_; }
  // Durable once this returns Ok (LMDB's default commit syncs data, then the meta page).
  Result<Done, LmdbFailure> commit() {
    const int rc = mdb_txn_commit(std::exchange(txn_, nullptr));  // freed whether or not it succeeds
    if (rc != 0) return unexpected(lmdb_failure(rc, "commit"));
    return Done{};
  }

 private:
  explicit Transaction(MDB_txn* txn) : txn_(txn) {}
  MDB_txn* txn_;
};

// One cursor, closed on destruction.
class Cursor {
 public:
  static Result<Cursor, LmdbFailure> open(MDB_txn* txn, MDB_dbi table) {
    MDB_cursor* cursor = nullptr;
    if (int rc = mdb_cursor_open(txn, table, &cursor); rc != 0) return unexpected(lmdb_failure(rc, "open cursor"));
    return Cursor(cursor);
  }
  Cursor(Cursor&& other) noexcept : cursor_(std::exchange(other.cursor_, nullptr)) {}
  Cursor& operator=(Cursor&&) = delete;
  ~Cursor() {
    if (cursor_ != nullptr) mdb_cursor_close(cursor_);
  }
  int get(MDB_val& key, MDB_val& data, MDB_cursor_op op) { return mdb_cursor_get(cursor_, &key, &data, op); }

 private:
  explicit Cursor(MDB_cursor* cursor) : cursor_(cursor) {}
  MDB_cursor* cursor_;
};

Result<std::optional<MDB_val>, LmdbFailure> get(MDB_txn* txn, MDB_dbi table, MDB_val key, std::string_view name) {
  MDB_val data{};
  const int rc = mdb_get(txn, table, &key, &data);
  if (rc == MDB_NOTFOUND) return std::optional<MDB_val>{};
  if (rc != 0) return unexpected(lmdb_failure(rc, "read " + std::string(name)));
  return std::optional<MDB_val>{data};
}

Result<Done, LmdbFailure> put(MDB_txn* txn, MDB_dbi table, MDB_val key, MDB_val data, unsigned int flags,
                              const std::string& what) {
  if (int rc = mdb_put(txn, table, &key, &data, flags); rc != 0) return unexpected(lmdb_failure(rc, what));
  return Done{};
}

Result<std::optional<Bytes>, LmdbFailure> read_record(MDB_txn* txn, const LmdbTables& tables, std::string_view key) {
  auto found = get(txn, tables.meta, val_of(key), key);
  if (!found) return unexpected(found.error());
  if (!found->has_value()) return std::optional<Bytes>{};
  return std::optional<Bytes>{bytes_of(**found)};
}

Result<LogIndex, LmdbFailure> read_first_index(MDB_txn* txn, const LmdbTables& tables) {
  auto found = get(txn, tables.meta, val_of(kFirstIndexKey), kFirstIndexKey);
  if (!found) return unexpected(found.error());
  if (!found->has_value()) return LogIndex{1};
  const std::optional<std::uint64_t> first_index = decode_u64(**found);
  if (!first_index || *first_index == 0) {
    return unexpected(layout_failure("first_index record of " + std::to_string((*found)->mv_size) +
                                     " bytes is not an index"));
  }
  return *first_index;
}

// The stored entries, which must run without a gap from first_index.
Result<std::vector<Bytes>, LmdbFailure> read_entries(MDB_txn* txn, const LmdbTables& tables, LogIndex first_index) {
  auto cursor = Cursor::open(txn, tables.log);
  if (!cursor) return unexpected(cursor.error());
  std::vector<Bytes> entries;
  MDB_val key{};
  MDB_val data{};
  int rc = cursor->get(key, data, MDB_FIRST);
  for (; rc == 0; rc = cursor->get(key, data, MDB_NEXT)) {
    const LogIndex expected = first_index + entries.size();
    const std::optional<std::uint64_t> index = decode_u64(key);
    if (!index || *index != expected) {
      return unexpected(layout_failure("stored log is not contiguous: expected entry " + std::to_string(expected) +
                                       ", found " + (index ? "entry " + std::to_string(*index) : "a malformed key")));
    }
    entries.push_back(bytes_of(data));
  }
  if (rc != MDB_NOTFOUND) {
    return unexpected(lmdb_failure(rc, "read log entry " + std::to_string(first_index + entries.size())));
  }
  return entries;
}

Result<std::uint64_t, LmdbFailure> count_entries(MDB_txn* txn, const LmdbTables& tables) {
  MDB_stat stat{};
  if (int rc = mdb_stat(txn, tables.log, &stat); rc != 0) return unexpected(lmdb_failure(rc, "count log entries"));
  return std::uint64_t{stat.ms_entries};
}

Result<Done, LmdbFailure> check_layout_version(MDB_txn* txn, const LmdbTables& tables) {
  auto found = get(txn, tables.meta, val_of(kFormatKey), kFormatKey);
  if (!found) return unexpected(found.error());
  if (!found->has_value()) {
    const U64Key version = encode_u64(kLayoutVersion);  // a new store
    return put(txn, tables.meta, val_of(kFormatKey), val_of(version), 0, "write the layout version");
  }
  const std::optional<std::uint64_t> version = decode_u64(**found);
  if (version != kLayoutVersion) {
    const std::string stored = version ? std::to_string(*version) : std::string("(malformed)");
    return unexpected(LmdbFailure{MDB_INCOMPATIBLE, "stored layout version " + stored + ", this build reads version " +
                                                        std::to_string(kLayoutVersion)});
  }
  return Done{};
}

// Where the stored log is while a batch is applied: entries [first, end).
struct LogBounds {
  LogIndex first = 1;
  LogIndex end = 1;
};

Result<LogBounds, LmdbFailure> read_bounds(MDB_txn* txn, const LmdbTables& tables) {
  auto first = read_first_index(txn, tables);
  if (!first) return unexpected(first.error());
  auto count = count_entries(txn, tables);
  if (!count) return unexpected(count.error());
  return LogBounds{*first, *first + *count};
}

// Deletes the entries [from, to), all of which are stored.
Result<Done, LmdbFailure> delete_entries(MDB_txn* txn, const LmdbTables& tables, LogIndex from, LogIndex to) {
  for (LogIndex index = from; index < to; ++index) {
    const U64Key key_bytes = encode_u64(index);  // must outlive key, which points into it
    MDB_val key = val_of(key_bytes);
    if (int rc = mdb_del(txn, tables.log, &key, nullptr); rc != 0) {
      return unexpected(lmdb_failure(rc, "delete log entry " + std::to_string(index)));
    }
  }
  return Done{};
}

// Step 2 of WriteBatch: drop entries through compact_through; if that drops
// them all, the log continues at compact_through + 1.
Result<Done, LmdbFailure> compact(MDB_txn* txn, const LmdbTables& tables, LogIndex compact_through, LogBounds& log) {
  if (compact_through == 0 || compact_through < log.first) return Done{};
  if (auto deleted = delete_entries(txn, tables, log.first, std::min(log.end, compact_through + 1)); !deleted) {
    return deleted;
  }
  log.end = std::max(log.end, compact_through + 1);
  log.first = compact_through + 1;
  const U64Key first = encode_u64(log.first);
  return put(txn, tables.meta, val_of(kFirstIndexKey), val_of(first), 0, "write first_index");
}

// Step 3: drop entries from truncate_from on.
Result<Done, LmdbFailure> truncate(MDB_txn* txn, const LmdbTables& tables, LogIndex truncate_from, LogBounds& log) {
  if (truncate_from == 0) return Done{};
  CONFMAN_ASSERT(truncate_from >= log.first && truncate_from <= log.end,
                 "write batch truncates outside the stored log");
  if (auto deleted = delete_entries(txn, tables, truncate_from, log.end); !deleted) return deleted;
  log.end = truncate_from;
  return Done{};
}

// Step 4: store the batch's entries right after what is left.
Result<Done, LmdbFailure> append(MDB_txn* txn, const LmdbTables& tables, const node::WriteBatch& batch,
                                 LogBounds& log) {
  if (batch.entries.empty()) return Done{};
  CONFMAN_ASSERT(batch.first_index == log.end, "write batch leaves a gap in the stored log");
  for (const Bytes& entry : batch.entries) {
    const U64Key key = encode_u64(log.end);
    // MDB_APPEND: keys arrive in order, so LMDB skips the search (and
    // refuses a key that is not past the last one).
    if (auto stored = put(txn, tables.log, val_of(key), val_of(entry), MDB_APPEND,
                          "append log entry " + std::to_string(log.end));
        !stored) {
      return stored;
    }
    log.end += 1;
  }
  return Done{};
}

Result<Done, LmdbFailure> apply_batch(MDB_txn* txn, const LmdbTables& tables, const node::WriteBatch& batch) {
  auto bounds = read_bounds(txn, tables);
  if (!bounds) return unexpected(bounds.error());
  LogBounds log = *bounds;
  if (batch.snapshot) {
    auto stored = put(txn, tables.meta, val_of(kSnapshotKey), val_of(*batch.snapshot), 0, "write the snapshot record");
    if (!stored) return stored;
  }
  if (auto compacted = compact(txn, tables, batch.compact_through, log); !compacted) return compacted;
  if (auto truncated = truncate(txn, tables, batch.truncate_from, log); !truncated) return truncated;
  if (auto appended = append(txn, tables, batch, log); !appended) return appended;
  if (batch.hard_state) {
    auto stored = put(txn, tables.meta, val_of(kHardStateKey), val_of(*batch.hard_state), 0, "write the hard state record");
    if (!stored || !batch.pin_hard_state) return stored;
    return put(txn, tables.meta, val_of(kPinnedHardStateKey), val_of(*batch.hard_state), 0,
               "write the pinned hard state record");
  }
  return Done{};
}

Result<MDB_dbi, LmdbFailure> open_table(MDB_txn* txn, const char* name) {
  MDB_dbi table = 0;
  if (int rc = mdb_dbi_open(txn, name, MDB_CREATE, &table); rc != 0) {
    return unexpected(lmdb_failure(rc, std::string("open table ") + name));
  }
  return table;
}

}  // namespace

std::string lmdb_error_text(int code) { return mdb_strerror(code); }

bool is_map_full(const LmdbFailure& failure) { return failure.code == MDB_MAP_FULL; }

Result<LmdbTables, LmdbFailure> open_tables(MDB_env* env) {
  auto txn = Transaction::begin(env, 0);
  if (!txn) return unexpected(txn.error());
  auto meta = open_table(txn->get(), "meta");
  if (!meta) return unexpected(meta.error());
  auto log = open_table(txn->get(), "log");
  if (!log) return unexpected(log.error());
  const LmdbTables tables{*meta, *log};
  if (auto checked = check_layout_version(txn->get(), tables); !checked) return unexpected(checked.error());
  if (auto committed = txn->commit(); !committed) return unexpected(committed.error());
  return tables;
}

Result<node::StoredState, LmdbFailure> read_stored_state(MDB_env* env, const LmdbTables& tables) {
  auto txn = Transaction::begin(env, MDB_RDONLY);
  if (!txn) return unexpected(txn.error());
  node::StoredState state;
  auto hard_state = read_record(txn->get(), tables, kHardStateKey);
  if (!hard_state) return unexpected(hard_state.error());
  state.hard_state = std::move(*hard_state);
  auto pinned = read_record(txn->get(), tables, kPinnedHardStateKey);
  if (!pinned) return unexpected(pinned.error());
  state.pinned_hard_state = std::move(*pinned);
  auto snapshot = read_record(txn->get(), tables, kSnapshotKey);
  if (!snapshot) return unexpected(snapshot.error());
  state.snapshot = std::move(*snapshot);
  auto first_index = read_first_index(txn->get(), tables);
  if (!first_index) return unexpected(first_index.error());
  state.first_index = *first_index;
  auto entries = read_entries(txn->get(), tables, state.first_index);
  if (!entries) return unexpected(entries.error());
  state.entries = std::move(*entries);
  return state;
}

Result<Done, LmdbFailure> commit_pinned_hard_state(MDB_env* env, const LmdbTables& tables, ByteView record) {
  auto txn = Transaction::begin(env, 0);
  if (!txn) return unexpected(txn.error());
  if (auto stored = put(txn->get(), tables.meta, val_of(kPinnedHardStateKey), val_of(record.data(), record.size()), 0,
                        "write the pinned hard state record");
      !stored) {
    return stored;
  }
  return txn->commit();
}

Result<Done, LmdbFailure> commit_batch(MDB_env* env, const LmdbTables& tables, const node::WriteBatch& batch) {
  return commit_batches(env, tables, std::span<const node::WriteBatch>(&batch, 1), std::nullopt);
}

Result<Done, LmdbFailure> commit_batches(MDB_env* env, const LmdbTables& tables,
                                         std::span<const node::WriteBatch> batches,
                                         std::optional<std::uint64_t> wal_generation) {
  auto txn = Transaction::begin(env, 0);
  if (!txn) return unexpected(txn.error());
  for (const node::WriteBatch& batch : batches) {
    if (auto applied = apply_batch(txn->get(), tables, batch); !applied) return applied;  // aborted by ~Transaction
  }
  if (wal_generation) {
    const U64Key generation = encode_u64(*wal_generation);
    if (auto stored = put(txn->get(), tables.meta, val_of(kWalGenerationKey), val_of(generation), 0,
                          "write the WAL generation");
        !stored) {
      return stored;
    }
  }
  return txn->commit();
}

Result<std::optional<std::uint64_t>, LmdbFailure> read_wal_generation(MDB_env* env, const LmdbTables& tables) {
  auto txn = Transaction::begin(env, MDB_RDONLY);
  if (!txn) return unexpected(txn.error());
  auto found = get(txn->get(), tables.meta, val_of(kWalGenerationKey), kWalGenerationKey);
  if (!found) return unexpected(found.error());
  if (!found->has_value()) return std::optional<std::uint64_t>{};
  const std::optional<std::uint64_t> generation = decode_u64(**found);
  if (!generation) return unexpected(layout_failure("wal_generation record is not a number"));
  return generation;
}

Result<MDB_env*, std::string> open_environment(const std::filesystem::path& directory, std::size_t map_size_bytes) {
  const std::string failed = "cannot open LMDB environment at " + directory.string() + ": ";
  MDB_env* env = nullptr;
  if (int rc = mdb_env_create(&env); rc != 0) return unexpected(failed + lmdb_error_text(rc));
  auto fail = [&](int rc) {
    mdb_env_close(env);
    return unexpected(failed + lmdb_error_text(rc));
  };
  if (int rc = mdb_env_set_maxdbs(env, kTableCount); rc != 0) return fail(rc);
  if (int rc = mdb_env_set_mapsize(env, map_size_bytes); rc != 0) return fail(rc);
  if (int rc = mdb_env_open(env, directory.c_str(), kEnvFlags, kFileMode); rc != 0) return fail(rc);
  // Reader slots left by a process that died holding a read transaction
  // would keep old pages from ever being reused.
  int stale_readers = 0;
  if (int rc = mdb_reader_check(env, &stale_readers); rc != 0) return fail(rc);
  return env;
}

}  // namespace confman::real
