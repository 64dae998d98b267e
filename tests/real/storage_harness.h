#pragma once
// The storages the conformance suite runs against, behind one small
// interface, and the helpers the suite's tests share.
//
// A harness has:
//   node::Storage& storage();
//   bool run_until(const std::function<bool()>& done);  // delivers completions until done() holds;
//                                                        // false if none is left to deliver
//   void reopen();  // a process restart: what load() returns next must come from durable state
//   std::string last_write_failure();  // why the last failed write failed, if the storage says

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/node/env.h"
#include "core/util/random.h"
#include "real/storage/lmdb_storage.h"
#include "real/storage/wal_storage.h"
#include "sim/event_queue.h"
#include "sim/storage/sim_storage.h"
#include "tests/real/temp_dir.h"
#include "tests/real/test_executor.h"

namespace confman::node {
// Lets GoogleTest print a status by name.
inline void PrintTo(StorageStatus status, std::ostream* out) { *out << storage_status_name(status); }
}  // namespace confman::node

namespace confman::real::testing {

// SimStorage: completions are events; the test runs the event queue.
class SimHarness {
 public:
  node::Storage& storage() { return storage_; }
  bool run_until(const std::function<bool()>& done) {
    while (!done()) {
      if (queue_.empty()) return false;
      queue_.run_next();
    }
    return true;
  }
  // The simulated disk outlives the simulated process; a crash loses what was not synced.
  void reopen() { storage_.crash(); }
  std::string last_write_failure() { return "(SimStorage gives no reason)"; }

 private:
  sim::EventQueue queue_;
  sim::SimStorage storage_{queue_, sim::StorageOptions{}, /*seed=*/1};
};

// Opens an LmdbStorage, or throws (GoogleTest reports the message as a failure).
inline std::unique_ptr<LmdbStorage> open_lmdb(const std::filesystem::path& directory, TestExecutor& executor,
                                              LmdbOptions options = {}) {
  auto opened = LmdbStorage::open(directory, options, executor.poster());
  if (!opened) throw std::runtime_error(opened.error());
  return std::move(opened).value();
}

// LmdbStorage in a fresh directory; completions go through a TestExecutor
// that the test thread drains.
class LmdbHarness {
 public:
  LmdbHarness() : storage_(open_lmdb(dir_.path(), executor_)) {}
  node::Storage& storage() { return *storage_; }
  bool run_until(const std::function<bool()>& done) { return executor_.run_until(done); }
  // Closes the environment and opens it again from the files on disk.
  void reopen() {
    storage_.reset();
    storage_ = open_lmdb(dir_.path(), executor_);
  }
  std::string last_write_failure() { return storage_->last_write_failure(); }

 private:
  TempDir dir_;            // outlives the storage
  TestExecutor executor_;  // outlives the storage, which posts to it
  std::unique_ptr<LmdbStorage> storage_;
};

// Opens a WalStorage, or throws.
inline std::unique_ptr<WalStorage> open_wal(const std::filesystem::path& directory, TestExecutor& executor,
                                            WalOptions options = {}) {
  auto opened = WalStorage::open(directory, options, executor.poster());
  if (!opened) throw std::runtime_error(opened.error());
  return std::move(opened).value();
}

// WalStorage in a fresh directory. The Options type picks its sizes.
template <typename Options>
class WalHarness {
 public:
  WalHarness() : storage_(open_wal(dir_.path(), executor_, Options::options())) {}
  node::Storage& storage() { return *storage_; }
  bool run_until(const std::function<bool()>& done) { return executor_.run_until(done); }
  void reopen() {
    storage_.reset();
    storage_ = open_wal(dir_.path(), executor_, Options::options());
  }
  std::string last_write_failure() { return storage_->last_write_failure(); }

 private:
  TempDir dir_;
  TestExecutor executor_;
  std::unique_ptr<WalStorage> storage_;
};

struct DefaultWalOptions {
  static WalOptions options() { return {}; }
};

// Files so small that a few batches fill one and large records skip the
// WAL: checkpoints happen all the time.
struct TinyWalOptions {
  static WalOptions options() {
    WalOptions options;
    options.wal_file_bytes = 1024;
    options.max_wal_payload_bytes = 200;
    return options;
  }
};

inline Bytes record(std::string_view text) { return Bytes(text.begin(), text.end()); }

inline Bytes random_record(Random& random) {
  Bytes bytes(random.below(100));  // now and then empty: opaque bytes of any length
  for (std::uint8_t& byte : bytes) byte = static_cast<std::uint8_t>(random.next_u64());
  return bytes;
}

// Entries [first_index, first_index + count) with recognisable bytes.
inline std::vector<Bytes> entries(LogIndex first_index, std::size_t count, std::string_view tag = "entry") {
  std::vector<Bytes> records;
  for (std::size_t i = 0; i < count; ++i) {
    records.push_back(record(std::string(tag) + "-" + std::to_string(first_index + i)));
  }
  return records;
}

inline node::WriteBatch append_batch(LogIndex first_index, std::vector<Bytes> records) {
  node::WriteBatch batch;
  batch.first_index = first_index;
  batch.entries = std::move(records);
  return batch;
}

// Field by field, so a failure says which part differs.
inline void expect_same_state(const node::StoredState& actual, const node::StoredState& expected) {
  EXPECT_EQ(actual.hard_state, expected.hard_state) << "hard state";
  EXPECT_EQ(actual.pinned_hard_state, expected.pinned_hard_state) << "pinned hard state";
  EXPECT_EQ(actual.snapshot, expected.snapshot) << "snapshot";
  EXPECT_EQ(actual.first_index, expected.first_index) << "first index";
  ASSERT_EQ(actual.entries.size(), expected.entries.size()) << "number of entries";
  for (std::size_t i = 0; i < actual.entries.size(); ++i) {
    EXPECT_EQ(actual.entries[i], expected.entries[i]) << "entry " << expected.first_index + i;
  }
}

// A valid batch for a store holding `model`: any mix of the five parts,
// with compaction below, inside and beyond the log, truncation anywhere in
// it, and now and then the shape of an installed snapshot.
inline node::WriteBatch random_batch(Random& random, const node::StoredState& model) {
  node::WriteBatch batch;
  LogIndex first = model.first_index;
  LogIndex end = first + model.entries.size();  // one past the last entry
  const bool install_snapshot = random.chance(1, 10);
  if (install_snapshot) {
    const LogIndex lowest = first > 1 ? first - 1 : 1;  // truncate_from = S + 1 must not fall below the log
    batch.snapshot = random_record(random);
    batch.compact_through = lowest + random.below(end + 3 - lowest);
  } else {
    if (random.chance(1, 6)) batch.snapshot = random_record(random);
    if (random.chance(1, 5)) batch.compact_through = random.below(end + 4);  // 0 is "none"
  }
  if (batch.compact_through != 0 && batch.compact_through >= first) {
    end = std::max(end, batch.compact_through + 1);
    first = batch.compact_through + 1;
  }
  if (install_snapshot) {
    batch.truncate_from = batch.compact_through + 1;
  } else if (random.chance(1, 4)) {
    batch.truncate_from = first + random.below(end - first + 1);
  }
  if (batch.truncate_from != 0) end = batch.truncate_from;
  if (random.chance(3, 4)) {
    batch.first_index = end;
    const std::uint64_t count = random.below(6);
    for (std::uint64_t i = 0; i < count; ++i) batch.entries.push_back(random_record(random));
  }
  if (random.chance(1, 3)) batch.hard_state = random_record(random);
  return batch;
}

}  // namespace confman::real::testing
