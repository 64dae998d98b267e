// What only the WAL storage has: a log file that a crash can leave torn or
// that damage can corrupt, checkpoints into LMDB that a crash can interrupt,
// and a record format that must refuse what it does not write.

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "real/storage/wal_batch.h"
#include "tests/real/storage_harness.h"

namespace confman::real::testing {
namespace {

using node::StorageStatus;
using node::StoredState;
using node::WriteBatch;

class WalStorageTest : public ::testing::Test {
 protected:
  void open(WalOptions options = {}) {
    storage_.reset();
    storage_ = open_wal(dir_.path(), executor_, options);
  }
  void close() { storage_.reset(); }

  StorageStatus write(WriteBatch batch) {
    std::vector<StorageStatus> completed;
    storage_->write(batch, [&completed](StorageStatus status) { completed.push_back(status); });
    EXPECT_TRUE(executor_.run_until([&completed] { return !completed.empty(); })) << "the write never completed";
    if (!completed.empty() && completed.front() == StorageStatus::Ok) node::apply_write_batch(model_, batch);
    return completed.empty() ? StorageStatus::IoError : completed.front();
  }

  StoredState load() {
    auto loaded = storage_->load();
    EXPECT_TRUE(loaded.ok()) << loaded.error().detail;
    return loaded.ok() ? std::move(loaded).value() : StoredState{};
  }

  std::filesystem::path wal_file() const { return WalStorage::wal_path(dir_.path(), storage_->generation()); }

  // Writes raw bytes into a closed store's file, as a crash or damage would.
  static void overwrite(const std::filesystem::path& path, std::size_t offset, const Bytes& bytes) {
    const int fd = ::open(path.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0) << path;
    ASSERT_EQ(::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset)),
              static_cast<ssize_t>(bytes.size()));
    ::close(fd);
  }

  // A record as WalFile writes it (wal_file.h).
  static Bytes wal_record(const Bytes& payload) {
    Bytes record;
    ByteWriter writer(record);
    writer.u32(static_cast<std::uint32_t>(payload.size()));
    writer.u32(crc32c(ByteView(record.data(), 4)));
    writer.u32(crc32c(payload));
    record.insert(record.end(), payload.begin(), payload.end());
    writer.u32(WalFile::kTrailer);
    return record;
  }

  // The offset where the next record would go: after the last nonzero byte.
  // A record ends with its hard state, or with a zero byte if it has none:
  // the tests that use this give every batch a hard state.
  static std::size_t used_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto last = data.find_last_not_of('\0');
    return last == std::string::npos ? 0 : last + 1;
  }

  TempDir dir_;
  TestExecutor executor_;
  std::unique_ptr<WalStorage> storage_;
  StoredState model_;
};

TEST_F(WalStorageTest, AppendsGoToTheWalAndSnapshotsCheckpointIntoLmdb) {
  open();
  const std::uint64_t first_generation = storage_->generation();
  ASSERT_EQ(write(append_batch(1, entries(1, 3))), StorageStatus::Ok);
  ASSERT_EQ(write(append_batch(4, entries(4, 2))), StorageStatus::Ok);
  EXPECT_EQ(storage_->generation(), first_generation) << "plain appends must not checkpoint";
  EXPECT_GT(used_bytes(wal_file()), 0u);
  WriteBatch snapshot;
  snapshot.snapshot = record("snapshot-at-3");
  snapshot.compact_through = 3;
  ASSERT_EQ(write(snapshot), StorageStatus::Ok);
  EXPECT_EQ(storage_->generation(), first_generation + 1);
  EXPECT_EQ(used_bytes(wal_file()), WalFile::kFileHeaderBytes) << "a checkpoint starts an empty WAL";
  EXPECT_FALSE(std::filesystem::exists(WalStorage::wal_path(dir_.path(), first_generation)));
  open();
  expect_same_state(load(), model_);
}

TEST_F(WalStorageTest, ATornLastRecordIsDroppedAndTheLogContinues) {
  open();
  WriteBatch first = append_batch(1, entries(1, 2));
  first.hard_state = record("hard-1");
  ASSERT_EQ(write(first), StorageStatus::Ok);
  const StoredState acknowledged = model_;
  // The crash: the next record's header and half its payload reached the
  // disk; its second half and its trailer are still zero.
  const Bytes whole = wal_record(encode_wal_batch(append_batch(3, entries(3, 4))));
  const Bytes torn(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(whole.size() / 2));
  const std::filesystem::path path = wal_file();
  const std::size_t end = used_bytes(path);
  close();
  overwrite(path, end, torn);
  open();
  expect_same_state(load(), acknowledged);
  EXPECT_EQ(storage_->torn_tail_bytes(), torn.size()) << "the torn tail is reported (the server logs it)";
  EXPECT_EQ(used_bytes(path), end) << "the torn record must be zeroed";
  WriteBatch after = append_batch(3, entries(3, 1, "after"));
  after.hard_state = record("hard-2");
  ASSERT_EQ(write(after), StorageStatus::Ok);
  open();
  expect_same_state(load(), model_);
}

TEST_F(WalStorageTest, ADamagedRecordWithDataAfterItRefusesToOpen) {
  open();
  ASSERT_EQ(write(append_batch(1, entries(1, 2))), StorageStatus::Ok);
  ASSERT_EQ(write(append_batch(3, entries(3, 2))), StorageStatus::Ok);
  const std::filesystem::path path = wal_file();
  close();
  // Inside the first record's payload.
  overwrite(path, WalFile::kFileHeaderBytes + WalFile::kHeaderBytes + 3, Bytes{0xff});
  auto opened = WalStorage::open(dir_.path(), {}, executor_.poster());
  ASSERT_FALSE(opened.ok()) << "acknowledged records after the damage would be lost";
  EXPECT_NE(opened.error().find("is damaged: the record at offset 16"), std::string::npos) << opened.error();
  EXPECT_NE(opened.error().find("--repair-wal"), std::string::npos) << "the error names the way out";
}

// The black-box reproduction: one bit of the last record flipped. Read as a
// torn tail, it was dropped silently though its write had been
// acknowledged. Its trailer is there, so it was written whole: damage.
TEST_F(WalStorageTest, ABitFlipInTheLastRecordIsDamageNotATornTail) {
  open();
  ASSERT_EQ(write(append_batch(1, entries(1, 2))), StorageStatus::Ok);
  const std::filesystem::path path = wal_file();
  const std::size_t first_end = used_bytes(path);
  ASSERT_EQ(write(append_batch(3, entries(3, 2))), StorageStatus::Ok);
  const std::size_t end = used_bytes(path);
  close();
  overwrite(path, (first_end + end) / 2, Bytes{0x5a});
  auto opened = WalStorage::open(dir_.path(), {}, executor_.poster());
  ASSERT_FALSE(opened.ok()) << "an acknowledged record would be dropped as if torn";
  EXPECT_NE(opened.error().find("was written whole but fails its checksum"), std::string::npos) << opened.error();
}

// A stray byte in the zeroed part of the file blocked start-up with no way
// out. The repair shows the cut, makes it only when told to, and leaves
// every record before it.
TEST_F(WalStorageTest, RepairShowsTheCutAndMakesItOnlyWhenTold) {
  open();
  ASSERT_EQ(write(append_batch(1, entries(1, 2))), StorageStatus::Ok);
  ASSERT_EQ(write(append_batch(3, entries(3, 2))), StorageStatus::Ok);
  const StoredState acknowledged = model_;
  const std::filesystem::path path = wal_file();
  const std::size_t end = used_bytes(path);
  close();
  overwrite(path, end + 4000, Bytes{0x01});
  ASSERT_FALSE(WalStorage::open(dir_.path(), {}, executor_.poster()).ok());

  auto dry_run = WalStorage::repair(dir_.path(), {}, /*apply=*/false);
  ASSERT_TRUE(dry_run.ok()) << dry_run.error();
  EXPECT_EQ(dry_run->path, path);
  EXPECT_TRUE(dry_run->cut.damaged);
  EXPECT_EQ(dry_run->cut.offset, end);
  EXPECT_EQ(dry_run->cut.bytes, 4001u);
  EXPECT_EQ(dry_run->cut.records_kept, 2u);
  EXPECT_NE(dry_run->cut.what.find("non-zero bytes after the last record"), std::string::npos) << dry_run->cut.what;
  ASSERT_FALSE(WalStorage::open(dir_.path(), {}, executor_.poster()).ok()) << "a dry run changes nothing";

  auto applied = WalStorage::repair(dir_.path(), {}, /*apply=*/true);
  ASSERT_TRUE(applied.ok()) << applied.error();
  EXPECT_TRUE(applied->cut.damaged);
  open();
  expect_same_state(load(), acknowledged);
  close();
  auto again = WalStorage::repair(dir_.path(), {}, /*apply=*/false);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->cut.damaged);
}

// The vote is what a cut must never take: the hard state that carried a new
// term or vote is pinned in LMDB before its WAL record is written.
TEST_F(WalStorageTest, APinnedHardStateSurvivesACutOfTheRecordThatCarriedIt) {
  open();
  WriteBatch vote = append_batch(1, entries(1, 2));
  vote.hard_state = record("term-7-vote-2");
  vote.pin_hard_state = true;
  ASSERT_EQ(write(vote), StorageStatus::Ok);
  const std::filesystem::path path = wal_file();
  close();
  // Damage the record that carried the vote, then cut it.
  overwrite(path, WalFile::kFileHeaderBytes + WalFile::kHeaderBytes + 2, Bytes{0x77});
  auto applied = WalStorage::repair(dir_.path(), {}, /*apply=*/true);
  ASSERT_TRUE(applied.ok()) << applied.error();
  ASSERT_TRUE(applied->cut.damaged);
  open();
  const StoredState after = load();
  EXPECT_TRUE(after.entries.empty()) << "the cut took the record";
  EXPECT_EQ(after.pinned_hard_state, record("term-7-vote-2")) << "but not the vote it carried";
}

// A WAL file of format 1 (no file header, no trailer) is read, and its
// batches move into LMDB at start-up: nothing is appended in the old format.
TEST_F(WalStorageTest, AFormatOneWalIsReadAndMovedIntoLmdb) {
  open();
  const std::filesystem::path path = wal_file();
  const std::uint64_t generation = storage_->generation();
  close();
  const WriteBatch batch = append_batch(1, entries(1, 3));
  const Bytes payload = encode_wal_batch(batch);
  Bytes legacy;
  ByteWriter writer(legacy);
  writer.u32(static_cast<std::uint32_t>(payload.size()));
  writer.u32(crc32c(payload, crc32c(ByteView(legacy.data(), 4))));
  legacy.insert(legacy.end(), payload.begin(), payload.end());
  std::filesystem::resize_file(path, 0);
  std::filesystem::resize_file(path, 1 << 20);
  overwrite(path, 0, legacy);
  open();
  node::apply_write_batch(model_, batch);
  expect_same_state(load(), model_);
  EXPECT_EQ(storage_->generation(), generation + 1) << "the old file's batches were checkpointed";
  ASSERT_EQ(write(append_batch(4, entries(4, 1))), StorageStatus::Ok);
  open();
  expect_same_state(load(), model_);
}

TEST_F(WalStorageTest, ACrashBetweenTheCheckpointAndTheNewWalLosesNothing) {
  open();
  ASSERT_EQ(write(append_batch(1, entries(1, 4))), StorageStatus::Ok);
  const std::filesystem::path old_path = wal_file();
  std::filesystem::copy_file(old_path, dir_.path() / "old-wal");
  WriteBatch snapshot;
  snapshot.snapshot = record("snapshot-at-2");
  snapshot.compact_through = 2;
  ASSERT_EQ(write(snapshot), StorageStatus::Ok);
  const std::filesystem::path new_path = wal_file();
  close();
  // As if the process died right after the LMDB commit: the new WAL was never
  // created and the old one never removed. An operator's file stays put.
  std::ofstream(dir_.path() / "wal-notes.txt") << "not a WAL";
  std::filesystem::remove(new_path);
  std::filesystem::rename(dir_.path() / "old-wal", old_path);
  open();
  expect_same_state(load(), model_);
  EXPECT_FALSE(std::filesystem::exists(old_path)) << "a WAL of an older generation is removed at start-up";
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "wal-notes.txt")) << "a file the storage did not write stays";
  EXPECT_TRUE(std::filesystem::exists(new_path));
  ASSERT_EQ(write(append_batch(5, entries(5, 1))), StorageStatus::Ok);
  open();
  expect_same_state(load(), model_);
}

TEST_F(WalStorageTest, AFullWalFileAndALargeBatchCheckpointAndReopenEveryFewBatches) {
  const WalOptions tiny = TinyWalOptions::options();
  open(tiny);
  const std::uint64_t first_generation = storage_->generation();
  Random random(7);
  for (int step = 0; step < 300; ++step) {
    ASSERT_EQ(write(random_batch(random, model_)), StorageStatus::Ok) << storage_->last_write_failure();
    if (step % 7 == 0) open(tiny);
    expect_same_state(load(), model_);
    if (HasFailure()) FAIL() << "diverged at batch " << step;
  }
  EXPECT_GT(storage_->generation(), first_generation + 10);
  WriteBatch large = append_batch(model_.first_index + model_.entries.size(), {Bytes(tiny.max_wal_payload_bytes, 7)});
  const std::uint64_t before = storage_->generation();
  ASSERT_EQ(write(large), StorageStatus::Ok);
  EXPECT_EQ(storage_->generation(), before + 1) << "a batch larger than a WAL record goes to LMDB";
  open(tiny);
  expect_same_state(load(), model_);
}

TEST_F(WalStorageTest, LmdbStorageRefusesADirectoryTheWalContinues) {
  open();
  ASSERT_EQ(write(append_batch(1, entries(1, 2))), StorageStatus::Ok);
  close();
  auto opened = LmdbStorage::open(dir_.path(), {}, executor_.poster());
  ASSERT_FALSE(opened.ok()) << "reading LMDB alone would lose the WAL's writes";
  EXPECT_NE(opened.error().find("kept by the WAL storage"), std::string::npos) << opened.error();
}

TEST(WalBatch, RoundTripsAndRefusesWhatItDoesNotWrite) {
  WriteBatch batch = append_batch(5, entries(5, 3));
  batch.truncate_from = 5;
  batch.hard_state = record("hard");
  const Bytes payload = encode_wal_batch(batch);
  auto decoded = decode_wal_batch(payload, 1024);
  ASSERT_TRUE(decoded.ok()) << decoded.error().describe();
  EXPECT_EQ(decoded->truncate_from, 5u);
  EXPECT_EQ(decoded->first_index, 5u);
  EXPECT_EQ(decoded->entries, batch.entries);
  EXPECT_EQ(decoded->hard_state, batch.hard_state);
  for (std::size_t cut = 0; cut < payload.size(); ++cut) {
    EXPECT_FALSE(decode_wal_batch(ByteView(payload.data(), cut), 1024).ok()) << "truncated at " << cut;
  }
  Bytes longer = payload;
  longer.push_back(0);
  EXPECT_FALSE(decode_wal_batch(longer, 1024).ok()) << "trailing bytes";
  EXPECT_FALSE(decode_wal_batch(payload, 4).ok()) << "an entry over the record limit";
}

}  // namespace
}  // namespace confman::real::testing
