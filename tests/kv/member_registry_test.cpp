// The member registry and the format history of store.h: member addresses
// that older servers kept as keys "/_confman/members/ID" reach the registry
// the same way whether a replica replays the old entries or restores an old
// snapshot, so replicas never diverge across the upgrade.

#include <gtest/gtest.h>

#include <string>

#include "core/kv/store.h"

namespace confman::kv {
namespace {

WriteRequest legacy_put(std::string key, std::string value) {
  WriteRequest request{0, 0, Command{CommandType::Put, std::move(key), std::move(value), 0}};
  request.legacy = true;
  return request;
}

WriteRequest put(std::string key, std::string value) {
  return WriteRequest{0, 0, Command{CommandType::Put, std::move(key), std::move(value), 0}};
}

const std::string kRecord2 = R"({"peerUrl":"127.0.0.1:7002","clientUrl":"127.0.0.1:8002"})";

// What a server before format 2 held after: put /app/x, put the member key
// of node 2, put /app/y (revisions 1, 2, 3), as its snapshot format 1.
Bytes format_one_snapshot() {
  Bytes bytes;
  ByteWriter writer(bytes);
  writer.u8(1);       // format
  writer.varint(3);   // revision
  writer.varint(3);   // applied count
  writer.varint(3);   // keys, in key order
  auto key = [&writer](const std::string& name, const std::string& value, std::uint64_t revision) {
    writer.string(name);
    writer.string(value);
    writer.varint(revision);
    writer.varint(revision);
    writer.varint(1);
  };
  key("/_confman/members/2", kRecord2, 2);
  key("/app/x", "1", 1);
  key("/app/y", "2", 3);
  writer.varint(0);  // sessions
  return bytes;
}

Store replayed_legacy_log() {
  Store store;
  store.apply(legacy_put("/app/x", "1"));
  store.apply(legacy_put("/_confman/members/2", kRecord2));
  store.apply(legacy_put("/app/y", "2"));
  return store;
}

TEST(MemberRegistry, ALegacyMemberKeyPutFillsTheRegistryAndBumpsTheRevision) {
  const Store store = replayed_legacy_log();
  ASSERT_NE(store.member_record(2), nullptr);
  EXPECT_EQ(*store.member_record(2), kRecord2);
  EXPECT_FALSE(store.get("/_confman/members/2").has_value());
  EXPECT_EQ(store.revision(), 3u);
  EXPECT_EQ(store.get("/app/y")->mod_revision, 3u);
  // Format-1 writes leave no events: history starts after them.
  EXPECT_EQ(store.events().size(), 0u);
  EXPECT_EQ(store.events().compacted_revision(), 3u);
}

TEST(MemberRegistry, ReplayingTheOldLogAndRestoringTheOldSnapshotAgree) {
  Store replayed = replayed_legacy_log();
  auto restored = Store::restore_snapshot(format_one_snapshot());
  ASSERT_TRUE(restored.ok()) << restored.error().describe();
  EXPECT_EQ(restored->digest(), replayed.digest());
  EXPECT_EQ(restored->snapshot(), replayed.snapshot());
  // And they go on alike with new entries.
  EXPECT_EQ(restored->apply(put("/app/z", "3")), replayed.apply(put("/app/z", "3")));
  EXPECT_EQ(restored->digest(), replayed.digest());
  EXPECT_EQ(restored->events().size(), 1u);
}

TEST(MemberRegistry, OnlyFormatOneEntriesAreMigrated) {
  Store store;
  store.apply(put("/_confman/members/2", kRecord2));  // the request layer never proposes this
  EXPECT_EQ(store.member_record(2), nullptr);
  EXPECT_TRUE(store.get("/_confman/members/2").has_value());
}

TEST(MemberRegistry, KeysThatOnlyLookLikeMemberKeysStayKeys) {
  Store store;
  for (const char* key : {"/_confman/members/0", "/_confman/members/x1", "/_confman/members/1234567890",
                          "/_confman/members/2/extra", "/_confman/other/2"}) {
    store.apply(legacy_put(key, "v"));
    EXPECT_TRUE(store.get(key).has_value()) << key;
  }
  EXPECT_TRUE(store.member_records().empty());
}

TEST(MemberRegistry, RecordsRoundTripThroughSnapshots) {
  Store store;
  store.set_member_record(4, "four");
  store.set_member_record(9, "nine");
  store.erase_member_record(4);
  auto restored = Store::restore_snapshot(store.snapshot());
  ASSERT_TRUE(restored.ok()) << restored.error().describe();
  EXPECT_EQ(restored->member_records(), store.member_records());
  EXPECT_EQ(restored->digest(), store.digest());
}

TEST(MemberRegistry, TheDigestCoversTheRegistry) {
  Store a;
  Store b;
  a.set_member_record(4, "x");
  b.set_member_record(4, "y");
  EXPECT_NE(a.digest(), b.digest());
}

}  // namespace
}  // namespace confman::kv
