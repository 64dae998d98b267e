// The conformance suite every node::Storage passes (DESIGN.md, "The
// environment the core sees": the LMDB storage, the WAL storage and the
// simulator's storage pass one shared conformance test suite): each
// write leaves exactly the state node::apply_write_batch describes, durably
// (it survives a reopen), and completes once, in issue order.

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "tests/real/storage_harness.h"

namespace confman::real::testing {
namespace {

using node::StorageStatus;
using node::StoredState;
using node::WriteBatch;

template <typename Harness>
class StorageConformance : public ::testing::Test {
 protected:
  // Issues a write without waiting for it; its completion is recorded.
  void issue(WriteBatch batch) {
    const std::size_t number = issued_++;
    harness_.storage().write(std::move(batch), [this, number](StorageStatus status) {
      EXPECT_EQ(number, completions_.size()) << "a completion out of issue order, or a second one";
      completions_.push_back(status);
    });
  }

  // Delivers completions until every issued write has completed. Since they
  // arrive in issue order, a duplicate of an earlier one shows up here too.
  void wait_for_all() {
    EXPECT_TRUE(harness_.run_until([this] { return completions_.size() >= issued_; }))
        << "a write never completed";
    EXPECT_EQ(completions_.size(), issued_) << "more completions than writes";
  }

  // Writes, waits, and applies the same batch to the reference model.
  void write_ok(const WriteBatch& batch) {
    issue(batch);
    wait_for_all();
    ASSERT_FALSE(completions_.empty());
    EXPECT_EQ(completions_.back(), StorageStatus::Ok) << harness_.last_write_failure();
    node::apply_write_batch(model_, batch);
  }

  StoredState load() {
    auto loaded = harness_.storage().load();
    EXPECT_TRUE(loaded.ok()) << loaded.error().detail;
    return loaded.ok() ? std::move(loaded).value() : StoredState{};
  }

  // The store holds the model now, and again after a restart.
  void expect_model_survives_reopen() {
    expect_same_state(load(), model_);
    harness_.reopen();
    expect_same_state(load(), model_);
  }

  Harness harness_;
  StoredState model_;  // what apply_write_batch says the store holds
  std::size_t issued_ = 0;
  std::vector<StorageStatus> completions_;
};

using Storages = ::testing::Types<SimHarness, LmdbHarness, WalHarness<DefaultWalOptions>, WalHarness<TinyWalOptions>>;

class StorageNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    if (std::is_same_v<T, SimHarness>) return "SimStorage";
    if (std::is_same_v<T, LmdbHarness>) return "LmdbStorage";
    if (std::is_same_v<T, WalHarness<DefaultWalOptions>>) return "WalStorage";
    return "WalStorageTinyFiles";
  }
};

TYPED_TEST_SUITE(StorageConformance, Storages, StorageNames);

TYPED_TEST(StorageConformance, LoadsAnEmptyStore) {
  const StoredState loaded = this->load();
  EXPECT_FALSE(loaded.hard_state.has_value());
  EXPECT_FALSE(loaded.snapshot.has_value());
  EXPECT_EQ(loaded.first_index, 1u);
  EXPECT_TRUE(loaded.entries.empty());
  this->harness_.reopen();
  expect_same_state(this->load(), StoredState{});
}

TYPED_TEST(StorageConformance, AppendsEntriesAndReloadsThem) {
  this->write_ok(append_batch(1, entries(1, 3)));
  this->write_ok(append_batch(4, entries(4, 2)));
  const StoredState loaded = this->load();
  EXPECT_EQ(loaded.first_index, 1u);
  EXPECT_EQ(loaded.entries, entries(1, 5));
  this->expect_model_survives_reopen();
}

TYPED_TEST(StorageConformance, ReplacesTheHardState) {
  WriteBatch first;
  first.hard_state = record("term 1, voted for 2");
  this->write_ok(first);
  this->write_ok(append_batch(1, entries(1, 1)));  // no hard state: it stays
  EXPECT_EQ(this->load().hard_state, record("term 1, voted for 2"));
  WriteBatch second;
  second.hard_state = record("term 2");
  this->write_ok(second);
  EXPECT_EQ(this->load().hard_state, record("term 2"));
  this->expect_model_survives_reopen();
}

TYPED_TEST(StorageConformance, TruncatesInTheMiddleAndAppendsAfterIt) {
  this->write_ok(append_batch(1, entries(1, 5)));
  WriteBatch conflict = append_batch(3, entries(3, 2, "new"));
  conflict.truncate_from = 3;
  this->write_ok(conflict);
  const StoredState loaded = this->load();
  ASSERT_EQ(loaded.entries.size(), 4u);
  EXPECT_EQ(loaded.entries[1], record("entry-2"));
  EXPECT_EQ(loaded.entries[2], record("new-3"));
  EXPECT_EQ(loaded.entries[3], record("new-4"));
  this->expect_model_survives_reopen();
}

TYPED_TEST(StorageConformance, TruncatesAtTheEndWithoutDroppingAnything) {
  this->write_ok(append_batch(1, entries(1, 3)));
  WriteBatch at_end = append_batch(4, entries(4, 1));
  at_end.truncate_from = 4;
  this->write_ok(at_end);
  WriteBatch truncate_only;
  truncate_only.truncate_from = 5;
  this->write_ok(truncate_only);
  EXPECT_EQ(this->load().entries, entries(1, 4));
  this->expect_model_survives_reopen();
}

TYPED_TEST(StorageConformance, TruncatesTheWholeLog) {
  this->write_ok(append_batch(1, entries(1, 3)));
  WriteBatch everything;
  everything.truncate_from = 1;
  this->write_ok(everything);
  EXPECT_TRUE(this->load().entries.empty());
  this->write_ok(append_batch(1, entries(1, 2, "again")));
  EXPECT_EQ(this->load().entries, entries(1, 2, "again"));
  this->expect_model_survives_reopen();
}

TYPED_TEST(StorageConformance, CompactsAPrefixOfTheLog) {
  this->write_ok(append_batch(1, entries(1, 5)));
  WriteBatch compaction;
  compaction.snapshot = record("snapshot at 2");
  compaction.compact_through = 2;
  this->write_ok(compaction);
  const StoredState loaded = this->load();
  EXPECT_EQ(loaded.first_index, 3u);
  EXPECT_EQ(loaded.entries, entries(3, 3));
  EXPECT_EQ(loaded.snapshot, record("snapshot at 2"));
  this->expect_model_survives_reopen();
}

TYPED_TEST(StorageConformance, CompactsPastTheEndAndContinuesAfterIt) {
  this->write_ok(append_batch(1, entries(1, 3)));
  WriteBatch compaction;
  compaction.compact_through = 7;
  this->write_ok(compaction);
  StoredState loaded = this->load();
  EXPECT_EQ(loaded.first_index, 8u);
  EXPECT_TRUE(loaded.entries.empty());
  this->write_ok(append_batch(8, entries(8, 2)));
  loaded = this->load();
  EXPECT_EQ(loaded.first_index, 8u);
  EXPECT_EQ(loaded.entries, entries(8, 2));
  this->expect_model_survives_reopen();
}

TYPED_TEST(StorageConformance, IgnoresCompactionBelowTheFirstIndex) {
  this->write_ok(append_batch(1, entries(1, 5)));
  WriteBatch compaction;
  compaction.compact_through = 3;
  this->write_ok(compaction);
  WriteBatch older;
  older.compact_through = 2;
  this->write_ok(older);
  const StoredState loaded = this->load();
  EXPECT_EQ(loaded.first_index, 4u);
  EXPECT_EQ(loaded.entries, entries(4, 2));
  this->expect_model_survives_reopen();
}

// Installing a snapshot at S: snapshot + compact_through = S + truncate_from = S + 1.
TYPED_TEST(StorageConformance, InstallsASnapshotInsideTheLog) {
  this->write_ok(append_batch(1, entries(1, 6)));
  WriteBatch install;
  install.snapshot = record("snapshot at 4");
  install.compact_through = 4;
  install.truncate_from = 5;
  this->write_ok(install);
  const StoredState loaded = this->load();
  EXPECT_EQ(loaded.snapshot, record("snapshot at 4"));
  EXPECT_EQ(loaded.first_index, 5u);
  EXPECT_TRUE(loaded.entries.empty()) << "entries after the snapshot must go with the old log";
  this->expect_model_survives_reopen();
}

TYPED_TEST(StorageConformance, InstallsASnapshotBeyondTheLogAndAppendsAfterIt) {
  this->write_ok(append_batch(1, entries(1, 3)));
  WriteBatch install = append_batch(11, entries(11, 2));
  install.snapshot = record("snapshot at 10");
  install.compact_through = 10;
  install.truncate_from = 11;
  this->write_ok(install);
  const StoredState loaded = this->load();
  EXPECT_EQ(loaded.snapshot, record("snapshot at 10"));
  EXPECT_EQ(loaded.first_index, 11u);
  EXPECT_EQ(loaded.entries, entries(11, 2));
  this->expect_model_survives_reopen();
}

TYPED_TEST(StorageConformance, AppliesEveryPartOfOneBatchInOrder) {
  WriteBatch start = append_batch(1, entries(1, 6));
  start.hard_state = record("term 1");
  this->write_ok(start);
  WriteBatch everything = append_batch(5, entries(5, 3, "new"));
  everything.snapshot = record("snapshot at 2");
  everything.compact_through = 2;
  everything.truncate_from = 5;
  everything.hard_state = record("term 2");
  this->write_ok(everything);
  const StoredState loaded = this->load();
  EXPECT_EQ(loaded.hard_state, record("term 2"));
  EXPECT_EQ(loaded.snapshot, record("snapshot at 2"));
  EXPECT_EQ(loaded.first_index, 3u);
  ASSERT_EQ(loaded.entries.size(), 5u);
  EXPECT_EQ(loaded.entries[1], record("entry-4"));
  EXPECT_EQ(loaded.entries[2], record("new-5"));
  EXPECT_EQ(loaded.entries[4], record("new-7"));
  this->expect_model_survives_reopen();
}

TYPED_TEST(StorageConformance, StoresEmptyAndLargeRecords) {
  WriteBatch batch = append_batch(1, {Bytes{}, Bytes(3 << 20, 0xA5), Bytes{0}});
  batch.snapshot = Bytes(5 << 20, 0x5A);
  batch.hard_state = Bytes{};
  this->write_ok(batch);
  this->expect_model_survives_reopen();
}

TYPED_TEST(StorageConformance, CompletesEachWriteOnceInIssueOrder) {
  std::vector<WriteBatch> batches{append_batch(1, entries(1, 3)), append_batch(4, entries(4, 1)), {}};
  batches[1].truncate_from = 2;  // issued before the first completes: applies after it all the same
  batches[1].first_index = 2;
  batches[2].hard_state = record("term 3");
  for (const WriteBatch& batch : batches) this->issue(batch);
  EXPECT_TRUE(this->completions_.empty()) << "a completion ran inside write(), on the caller's stack";
  this->wait_for_all();
  EXPECT_EQ(this->completions_, std::vector<StorageStatus>(3, StorageStatus::Ok));
  for (const WriteBatch& batch : batches) node::apply_write_batch(this->model_, batch);
  EXPECT_EQ(this->load().entries, (std::vector<Bytes>{record("entry-1"), record("entry-4")}));
  this->expect_model_survives_reopen();
}

TYPED_TEST(StorageConformance, RandomBatchesMatchTheReferenceSemantics) {
  constexpr std::uint64_t kSeed = 20240611;
  constexpr int kBatches = 200;
  Random random(kSeed);
  for (int step = 0; step < kBatches; ++step) {
    const WriteBatch batch = random_batch(random, this->model_);
    this->write_ok(batch);
    expect_same_state(this->load(), this->model_);
    if (::testing::Test::HasFailure()) FAIL() << "diverged at batch " << step << " of seed " << kSeed;
  }
  EXPECT_EQ(this->completions_.size(), static_cast<std::size_t>(kBatches));
  this->expect_model_survives_reopen();
}

}  // namespace
}  // namespace confman::real::testing
