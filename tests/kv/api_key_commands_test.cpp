// The store's API key commands (CreateApiKey, RevokeApiKey): applied the
// same on every replica, deduplicated by session like any write, carried in
// snapshots and covered by the digest; they change no key or revision.

#include <gtest/gtest.h>

#include "core/kv/store.h"
#include "core/security/key_registry.h"

namespace confman::kv {
namespace {

security::ApiKeyRecord record(std::uint64_t id_bits, const std::string& principal) {
  security::ApiKeyRecord record;
  record.id = security::key_id_from(id_bits);
  record.principal = principal;
  record.secret_hash.fill(static_cast<std::uint8_t>(id_bits));
  return record;
}

std::string encoded(const security::ApiKeyRecord& record) {
  Bytes bytes;
  ByteWriter writer(bytes);
  security::encode_api_key_record(writer, record);
  return std::string(bytes.begin(), bytes.end());
}

WriteRequest create(std::uint64_t sequence, const security::ApiKeyRecord& key) {
  return WriteRequest{7, sequence, Command{CommandType::CreateApiKey, key.id, encoded(key), 0}};
}

WriteRequest revoke(std::uint64_t sequence, std::uint64_t id_bits) {
  return WriteRequest{7, sequence, Command{CommandType::RevokeApiKey, security::key_id_from(id_bits), "", 0}};
}

TEST(ApiKeyCommands, CreateAndRevokeChangeTheRegistryAndNothingElse) {
  Store store;
  store.apply(WriteRequest{0, 0, Command{CommandType::Put, "/a", "1", 0}});
  const auto created = store.apply(create(1, record(5, "alice")));
  EXPECT_EQ(created.status, Status::Ok);
  EXPECT_EQ(created.revision, 1u) << "the revision counts key changes only";
  ASSERT_NE(store.api_keys().find(security::key_id_from(5)), nullptr);
  EXPECT_EQ(store.api_keys().find(security::key_id_from(5))->created_revision, 1u);
  EXPECT_EQ(store.events().size(), 1u) << "no watch event";
  EXPECT_EQ(store.apply(create(2, record(5, "bob"))).status, Status::AlreadyExists);
  EXPECT_EQ(store.apply(revoke(3, 5)).status, Status::Ok);
  EXPECT_EQ(store.api_keys().find(security::key_id_from(5)), nullptr);
  EXPECT_EQ(store.apply(revoke(4, 5)).status, Status::NotFound);
  EXPECT_EQ(store.revision(), 1u);
}

TEST(ApiKeyCommands, ARetriedCreateGetsItsFirstResult) {
  Store store;
  EXPECT_EQ(store.apply(create(1, record(5, "alice"))).status, Status::Ok);
  EXPECT_EQ(store.apply(create(1, record(5, "alice"))).status, Status::Ok) << "the session answers the retry";
  EXPECT_EQ(store.api_keys().records().size(), 1u);
}

TEST(ApiKeyCommands, MalformedCommandsAreRefusedAlikeEverywhere) {
  Store store;
  EXPECT_EQ(store.apply(WriteRequest{0, 0, Command{CommandType::CreateApiKey, "nothex", "", 0}}).status,
            Status::Malformed);
  EXPECT_EQ(store.apply(WriteRequest{0, 0, Command{CommandType::CreateApiKey, security::key_id_from(1), "junk", 0}})
                .status,
            Status::Malformed);
  // A record whose id is not the command's key.
  EXPECT_EQ(store
                .apply(WriteRequest{
                    0, 0, Command{CommandType::CreateApiKey, security::key_id_from(2), encoded(record(3, "x")), 0}})
                .status,
            Status::Malformed);
  EXPECT_TRUE(store.api_keys().records().empty());
}

TEST(ApiKeyCommands, SnapshotsCarryTheKeysAndTheDigestCoversThem) {
  Store store;
  const std::uint64_t empty_digest = store.digest();
  store.apply(create(1, record(5, "alice")));
  store.apply(create(2, record(9, "payments")));
  EXPECT_NE(store.digest(), empty_digest);
  auto restored = Store::restore_snapshot(store.snapshot());
  ASSERT_TRUE(restored.ok()) << restored.error().describe();
  EXPECT_EQ(restored->api_keys().records(), store.api_keys().records());
  EXPECT_EQ(restored->digest(), store.digest());
}

TEST(ApiKeyCommands, AFormat2SnapshotStillReadsWithNoKeys) {
  // An empty store's format-3 snapshot is [3][revision 0][applied 0][keys 0]
  // [sessions 0][members 0][API keys 0][event log]; format 2 lacks the API
  // key count.
  Bytes bytes = Store().snapshot();
  ASSERT_EQ(bytes[0], 3);
  ASSERT_EQ(bytes[6], 0);
  bytes[0] = 2;
  bytes.erase(bytes.begin() + 6);
  auto restored = Store::restore_snapshot(bytes);
  ASSERT_TRUE(restored.ok()) << restored.error().describe();
  EXPECT_TRUE(restored->api_keys().records().empty());
  EXPECT_EQ(restored->digest(), Store().digest());
}

}  // namespace
}  // namespace confman::kv
