// What only the LMDB storage has: a map that can fill, a directory that can
// be unusable, files that survive the object, and a writer thread that must
// shut down cleanly.

#include <lmdb.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/real/storage_harness.h"

namespace confman::real::testing {
namespace {

using node::StorageStatus;
using node::StoredState;
using node::WriteBatch;

class LmdbStorageTest : public ::testing::Test {
 protected:
  void open(LmdbOptions options = {}) { storage_ = open_lmdb(dir_.path(), executor_, options); }

  // Writes and waits for the completion, run on this thread.
  StorageStatus write(WriteBatch batch) {
    std::vector<StorageStatus> completed;
    storage_->write(std::move(batch), [&completed](StorageStatus status) { completed.push_back(status); });
    EXPECT_TRUE(executor_.run_until([&completed] { return !completed.empty(); })) << "the write never completed";
    EXPECT_EQ(completed.size(), 1u);
    return completed.empty() ? StorageStatus::IoError : completed.front();
  }

  StoredState load() {
    auto loaded = storage_->load();
    EXPECT_TRUE(loaded.ok()) << loaded.error().detail;
    return loaded.ok() ? std::move(loaded).value() : StoredState{};
  }

  // Puts one raw key/value into a table of the closed store, as damage would.
  void put_raw(const char* table, std::string_view key, std::string_view value) {
    MDB_env* env = nullptr;
    ASSERT_EQ(mdb_env_create(&env), 0);
    ASSERT_EQ(mdb_env_set_maxdbs(env, 2), 0);
    ASSERT_EQ(mdb_env_open(env, dir_.path().c_str(), 0, 0600), 0);
    MDB_txn* txn = nullptr;
    ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
    MDB_dbi dbi = 0;
    ASSERT_EQ(mdb_dbi_open(txn, table, 0, &dbi), 0);
    MDB_val raw_key{key.size(), const_cast<char*>(key.data())};
    MDB_val raw_value{value.size(), const_cast<char*>(value.data())};
    ASSERT_EQ(mdb_put(txn, dbi, &raw_key, &raw_value, 0), 0);
    ASSERT_EQ(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
  }

  TempDir dir_;
  TestExecutor executor_;
  std::unique_ptr<LmdbStorage> storage_;
};

TEST_F(LmdbStorageTest, RefusesABatchThatDoesNotFitTheMapAndKeepsThePreviousState) {
  open(LmdbOptions{.map_size_bytes = 256 << 10});
  WriteBatch first = append_batch(1, entries(1, 3));
  first.hard_state = record("term 1");
  ASSERT_EQ(write(first), StorageStatus::Ok);
  StoredState before;
  node::apply_write_batch(before, first);

  // The snapshot and the compaction come before the entry that does not fit:
  // none of them may be stored.
  WriteBatch too_big = append_batch(4, {Bytes(1 << 20, 0x11)});
  too_big.snapshot = record("snapshot at 2");
  too_big.compact_through = 2;
  too_big.hard_state = record("term 2");
  EXPECT_EQ(write(too_big), StorageStatus::DiskFull);
  EXPECT_NE(storage_->last_write_failure().find("MDB_MAP_FULL"), std::string::npos) << storage_->last_write_failure();
  expect_same_state(load(), before);

  WriteBatch smaller = too_big;
  smaller.entries = {Bytes(1000, 0x22)};
  ASSERT_EQ(write(smaller), StorageStatus::Ok);
  node::apply_write_batch(before, smaller);
  expect_same_state(load(), before);
  storage_.reset();
  open(LmdbOptions{.map_size_bytes = 256 << 10});
  expect_same_state(load(), before);
}

// A fixed map filled and refused every write until a restart with a larger
// one. The map now grows on demand up to its ceiling, and only past the
// ceiling does a write fail DiskFull. Reopened, it starts at least as large
// as the data file, and grows again.
TEST_F(LmdbStorageTest, TheMapGrowsOnDemandUpToItsCeiling) {
  open(LmdbOptions{.map_size_bytes = 4 << 20, .initial_map_bytes = 256 << 10});
  const std::size_t initial = storage_->store().map_bytes();
  EXPECT_EQ(initial, std::size_t{256} << 10);
  EXPECT_EQ(write(append_batch(1, {Bytes(1 << 20, 0x11)})), StorageStatus::Ok);
  const std::size_t grown = storage_->store().map_bytes();
  EXPECT_GT(grown, initial);
  EXPECT_LE(grown, std::size_t{4} << 20);
  EXPECT_EQ(write(append_batch(2, {Bytes(5 << 20, 0x22)})), StorageStatus::DiskFull);
  EXPECT_EQ(storage_->store().map_bytes(), std::size_t{4} << 20);  // at the ceiling
  EXPECT_EQ(load().entries.size(), 1u);
  storage_.reset();
  open(LmdbOptions{.map_size_bytes = 4 << 20, .initial_map_bytes = 256 << 10});
  EXPECT_GT(storage_->store().map_bytes(), std::size_t{1} << 20);
  EXPECT_EQ(load().entries.size(), 1u);
  EXPECT_EQ(write(append_batch(2, {Bytes(2 << 20, 0x33)})), StorageStatus::Ok);
  EXPECT_EQ(load().entries.size(), 2u);
}

TEST_F(LmdbStorageTest, RefusesARecordOverTheLimitAsAnIoErrorAndStoresNothing) {
  open(LmdbOptions{.max_record_bytes = 1000});
  WriteBatch batch = append_batch(1, {Bytes(1000, 0x01), Bytes(1001, 0x02)});
  batch.hard_state = record("term 1");
  EXPECT_EQ(write(batch), StorageStatus::IoError);
  EXPECT_EQ(storage_->last_write_failure(), "entry record 2 of 1001 bytes exceeds the record limit of 1000 bytes");
  expect_same_state(load(), StoredState{});
  batch.entries.pop_back();
  EXPECT_EQ(write(batch), StorageStatus::Ok);
}

TEST_F(LmdbStorageTest, CreatesTheDataDirectoryIfMissing) {
  const std::filesystem::path nested = dir_.path() / "a" / "b";
  auto opened = LmdbStorage::open(nested, {}, executor_.poster());
  ASSERT_TRUE(opened.ok()) << opened.error();
  EXPECT_TRUE(std::filesystem::is_directory(nested));
  EXPECT_TRUE(std::filesystem::exists(nested / "data.mdb"));
}

TEST_F(LmdbStorageTest, OpenUnderARegularFileFailsWithAClearMessage) {
  std::ofstream(dir_.path() / "file") << "not a directory";
  const std::filesystem::path path = dir_.path() / "file" / "data";
  auto opened = LmdbStorage::open(path, {}, executor_.poster());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error(), "cannot create data directory " + path.string() + ": Not a directory");
}

TEST_F(LmdbStorageTest, OpenReportsLmdbsOwnErrorWithThePath) {
  std::filesystem::create_directory(dir_.path() / "data.mdb");  // where LMDB's data file must go
  auto opened = LmdbStorage::open(dir_.path(), {}, executor_.poster());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error(), "cannot open LMDB environment at " + dir_.path().string() + ": Is a directory");
}

TEST_F(LmdbStorageTest, OpenRefusesADataFileThatIsNotLmdb) {
  std::ofstream(dir_.path() / "data.mdb") << std::string(16 << 10, 'x');
  auto opened = LmdbStorage::open(dir_.path(), {}, executor_.poster());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error(),
            "cannot open LMDB environment at " + dir_.path().string() + ": " + mdb_strerror(MDB_INVALID));
}

TEST_F(LmdbStorageTest, OpenRefusesADirectoryAlreadyInUse) {
  open();
  auto second = LmdbStorage::open(dir_.path(), {}, executor_.poster());
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().find("data directory " + dir_.path().string() + " is in use"), std::string::npos)
      << second.error();
  storage_.reset();
  EXPECT_TRUE(LmdbStorage::open(dir_.path(), {}, executor_.poster()).ok()) << "the lock outlived the storage";
}

TEST_F(LmdbStorageTest, OpenRefusesAStoreOfAnotherLayoutVersion) {
  open();
  storage_.reset();
  put_raw("meta", "format", std::string("\0\0\0\0\0\0\0\x02", 8));
  auto opened = LmdbStorage::open(dir_.path(), {}, executor_.poster());
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().find("stored layout version 2, this build reads version 1"), std::string::npos)
      << opened.error();
}

TEST_F(LmdbStorageTest, LoadReportsAGapInTheStoredLogAsAnIoError) {
  open();
  ASSERT_EQ(write(append_batch(1, entries(1, 2))), StorageStatus::Ok);
  storage_.reset();
  put_raw("log", std::string("\0\0\0\0\0\0\0\x05", 8), "stray");
  open();
  auto loaded = storage_->load();
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().status, StorageStatus::IoError);
  EXPECT_NE(loaded.error().detail.find("stored log is not contiguous: expected entry 3, found entry 5"),
            std::string::npos)
      << loaded.error().detail;
}

TEST_F(LmdbStorageTest, ReopenReturnsWhatWasCommitted) {
  open();
  StoredState committed;
  for (LogIndex index = 1; index <= 5; ++index) {
    WriteBatch batch = append_batch(index, entries(index, 1));
    batch.hard_state = record("commit " + std::to_string(index));
    ASSERT_EQ(write(batch), StorageStatus::Ok);
    node::apply_write_batch(committed, batch);
  }
  storage_.reset();
  open();
  expect_same_state(load(), committed);
}

// The destructor finishes every issued write (they are on disk afterwards)
// and delivers none of their completions, even those already posted.
TEST_F(LmdbStorageTest, DestructionFinishesIssuedWritesAndRunsNoCompletion) {
  open();
  int completions_run = 0;
  StoredState issued;
  for (LogIndex index = 1; index <= 3; ++index) {
    const WriteBatch batch = append_batch(index, entries(index, 1));
    storage_->write(batch, [&completions_run](StorageStatus) { completions_run += 1; });
    node::apply_write_batch(issued, batch);
  }
  storage_.reset();
  EXPECT_EQ(executor_.run_posted(), 3u) << "each finished write posts its completion";
  EXPECT_EQ(completions_run, 0) << "a completion ran after the storage was destroyed";
  open();
  expect_same_state(load(), issued);
}

TEST_F(LmdbStorageTest, CompletionsRunOnTheThreadThatDrainsTheExecutor) {
  open();
  std::thread::id ran_on;
  bool done = false;
  storage_->write(append_batch(1, entries(1, 1)), [&](StorageStatus) {
    ran_on = std::this_thread::get_id();
    done = true;
  });
  ASSERT_TRUE(executor_.run_until([&done] { return done; }));
  EXPECT_EQ(ran_on, std::this_thread::get_id());
}

}  // namespace
}  // namespace confman::real::testing
