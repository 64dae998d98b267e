// Store::snapshot / Store::restore_snapshot: the state machine's side of Raft
// log compaction and InstallSnapshot (Raft paper §7; dissertation §5.1). A
// snapshot stands in for a prefix of the log on every replica that installs
// it, so a restored store must be indistinguishable from the original: same
// digest, same answers to every later command, sessions included (§6.3).

#include <gtest/gtest.h>

#include <string>

#include "core/kv/limits.h"
#include "core/kv/store.h"

namespace confman::kv {
namespace {

WriteRequest request(std::uint64_t client_id, std::uint64_t sequence, CommandType type, std::string key,
                     std::string value = "", std::uint64_t expected = 0) {
  return WriteRequest{client_id, sequence, Command{type, std::move(key), std::move(value), expected}};
}

// A store with keys, deletions, failed commands and sessions whose last
// results carry key values (and one that does not).
Store busy_store() {
  Store store;
  store.apply(request(0, 0, CommandType::Put, "/app/config/timeout", "30"));
  store.apply(request(7, 1, CommandType::Put, "/app/config/retries", "3"));
  store.apply(request(7, 2, CommandType::CompareAndSet, "/app/config/retries", "4", 2));
  store.apply(request(9, 1, CommandType::Put, "/db/primary", std::string(300, 'x')));
  store.apply(request(9, 2, CommandType::Delete, "/db/primary"));
  store.apply(request(11, 5, CommandType::CompareAndDelete, "/missing", "", 3));  // NotFound, remembered
  store.apply(request(0, 0, CommandType::Put, "/z", ""));
  return store;
}

Store restored(const Store& store) {
  auto result = Store::restore_snapshot(store.snapshot());
  EXPECT_TRUE(result.ok()) << result.error().describe();
  return std::move(result).value();
}

TEST(StoreSnapshot, EmptyStoreRoundTrips) {
  const Store store;
  EXPECT_EQ(restored(store).digest(), store.digest());
  EXPECT_EQ(restored(store).snapshot(), store.snapshot());
}

TEST(StoreSnapshot, RoundTripPreservesDigestAndContents) {
  const Store store = busy_store();
  const Store copy = restored(store);
  EXPECT_EQ(copy.digest(), store.digest());
  EXPECT_EQ(copy.revision(), store.revision());
  EXPECT_EQ(copy.key_count(), store.key_count());
  EXPECT_EQ(copy.get("/app/config/retries"), store.get("/app/config/retries"));
  EXPECT_EQ(copy.list_prefix("/", "", 100).items, store.list_prefix("/", "", 100).items);
  EXPECT_EQ(copy.snapshot(), store.snapshot());  // canonical: one state, one encoding
}

// The point of a snapshot: replicas that continue from it and replicas that
// replayed the whole log answer every later command alike, retries included.
TEST(StoreSnapshot, RestoredStoreContinuesLikeTheOriginal) {
  Store original = busy_store();
  Store copy = restored(original);
  const WriteRequest later[] = {
      request(7, 2, CommandType::CompareAndSet, "/app/config/retries", "4", 2),  // a retry: the old answer
      request(7, 1, CommandType::Put, "/app/config/retries", "0"),               // stale sequence
      request(9, 3, CommandType::Put, "/db/primary", "back"),
      request(11, 5, CommandType::CompareAndDelete, "/missing", "", 3),          // retry of a failure
      request(0, 0, CommandType::Delete, "/z"),
  };
  for (const WriteRequest& next : later) {
    EXPECT_EQ(copy.apply(next), original.apply(next));
    EXPECT_EQ(copy.digest(), original.digest());
  }
}

TEST(StoreSnapshot, FullSessionTableRoundTripsAndEvictsAlike) {
  Store original;
  for (std::uint64_t client = 1; client <= kMaxSessions; ++client) {
    original.apply(request(client, 1, CommandType::Put, "/k", std::to_string(client)));
  }
  Store copy = restored(original);
  EXPECT_EQ(copy.digest(), original.digest());
  const WriteRequest newcomer = request(kMaxSessions + 1, 1, CommandType::Put, "/k", "new");
  EXPECT_EQ(copy.apply(newcomer), original.apply(newcomer));
  EXPECT_EQ(copy.digest(), original.digest());
}

TEST(StoreSnapshot, EveryTruncationIsRejected) {
  const Bytes bytes = busy_store().snapshot();
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    const Bytes truncated(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(length));
    EXPECT_FALSE(Store::restore_snapshot(truncated).ok()) << "length " << length;
  }
}

TEST(StoreSnapshot, TrailingBytesAreRejected) {
  Bytes bytes = busy_store().snapshot();
  bytes.push_back(0);
  auto result = Store::restore_snapshot(bytes);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().what.find("trailing"), std::string::npos) << result.error().describe();
}

TEST(StoreSnapshot, UnknownFormatIsRejected) {
  Bytes bytes = Store().snapshot();
  bytes[0] = 4;
  auto result = Store::restore_snapshot(bytes);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().what.find("format"), std::string::npos);
}

// The checksum is one layer up; this layer must still never crash or accept
// nonsense whatever the bytes: every single-bit flip either decodes to a
// well-formed store or is refused.
TEST(StoreSnapshot, BitFlipsNeverCrashTheDecoder) {
  const Bytes bytes = busy_store().snapshot();
  for (std::size_t byte = 0; byte < bytes.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes flipped = bytes;
      flipped[byte] ^= static_cast<std::uint8_t>(1 << bit);
      auto result = Store::restore_snapshot(flipped);
      if (result.ok()) {
        EXPECT_EQ(Store::restore_snapshot(result->snapshot())->digest(), result->digest());
      }
    }
  }
}

// Hand-built snapshots that break one rule each.
class SnapshotBuilder {
 public:
  SnapshotBuilder(std::uint64_t revision, std::uint64_t applied) {
    writer_.u8(1);
    writer_.varint(revision);
    writer_.varint(applied);
  }
  SnapshotBuilder& keys(std::uint64_t count) {
    writer_.varint(count);
    return *this;
  }
  SnapshotBuilder& key(const std::string& key, std::uint64_t create, std::uint64_t mod, std::uint64_t version) {
    writer_.string(key);
    writer_.string("v");
    writer_.varint(create);
    writer_.varint(mod);
    writer_.varint(version);
    return *this;
  }
  SnapshotBuilder& sessions(std::uint64_t count) {
    writer_.varint(count);
    return *this;
  }
  SnapshotBuilder& session(std::uint64_t client_id, std::uint64_t last_used) {
    writer_.varint(client_id);
    writer_.varint(1);
    writer_.varint(last_used);
    encode_write_result(writer_, WriteResult{Status::Ok, 1, std::nullopt});
    return *this;
  }
  Result<Store, DecodeError> decode() const { return Store::restore_snapshot(bytes_); }

 private:
  Bytes bytes_;
  ByteWriter writer_{bytes_};
};

TEST(StoreSnapshot, WellFormedHandBuiltSnapshotDecodes) {
  auto store = SnapshotBuilder(2, 3).keys(2).key("/a", 1, 1, 1).key("/b", 2, 2, 1).sessions(1).session(5, 3).decode();
  ASSERT_TRUE(store.ok()) << store.error().describe();
  EXPECT_EQ(store->key_count(), 2u);
}

TEST(StoreSnapshot, KeysOutOfOrderOrDuplicatedAreRejected) {
  EXPECT_FALSE(SnapshotBuilder(2, 2).keys(2).key("/b", 1, 1, 1).key("/a", 2, 2, 1).sessions(0).decode().ok());
  EXPECT_FALSE(SnapshotBuilder(2, 2).keys(2).key("/a", 1, 1, 1).key("/a", 2, 2, 1).sessions(0).decode().ok());
}

TEST(StoreSnapshot, InvalidKeyIsRejected) {
  auto result = SnapshotBuilder(1, 1).keys(1).key("/a//b", 1, 1, 1).sessions(0).decode();
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().what.find("valid key"), std::string::npos) << result.error().describe();
}

TEST(StoreSnapshot, InconsistentRevisionsAreRejected) {
  EXPECT_FALSE(SnapshotBuilder(1, 1).keys(1).key("/a", 0, 1, 1).sessions(0).decode().ok());  // never created
  EXPECT_FALSE(SnapshotBuilder(3, 3).keys(1).key("/a", 2, 1, 1).sessions(0).decode().ok());  // mod before create
  EXPECT_FALSE(SnapshotBuilder(1, 1).keys(1).key("/a", 1, 2, 1).sessions(0).decode().ok());  // beyond the store
  EXPECT_FALSE(SnapshotBuilder(1, 1).keys(1).key("/a", 1, 1, 0).sessions(0).decode().ok());  // version 0
}

TEST(StoreSnapshot, ForgedCountsAreRejectedBeforeLooping) {
  EXPECT_FALSE(SnapshotBuilder(0, 0).keys(1ULL << 60).decode().ok());
  EXPECT_FALSE(SnapshotBuilder(0, 0).keys(0).sessions(kMaxSessions + 1).decode().ok());
  EXPECT_FALSE(SnapshotBuilder(0, 0).keys(0).sessions(3).session(1, 0).decode().ok());
}

TEST(StoreSnapshot, SessionRulesAreEnforced) {
  EXPECT_FALSE(SnapshotBuilder(0, 5).keys(0).sessions(1).session(0, 1).decode().ok());  // client 0 has none
  EXPECT_FALSE(SnapshotBuilder(0, 5).keys(0).sessions(2).session(4, 1).session(4, 2).decode().ok());
  EXPECT_FALSE(SnapshotBuilder(0, 5).keys(0).sessions(2).session(4, 1).session(3, 2).decode().ok());
  EXPECT_FALSE(SnapshotBuilder(0, 5).keys(0).sessions(1).session(4, 6).decode().ok());  // used in the future
}

}  // namespace
}  // namespace confman::kv
