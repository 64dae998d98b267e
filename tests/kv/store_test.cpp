// core/kv/store.h: the replicated state machine. Revisions follow etcd's
// model (one global revision per successful write; create/mod revision and
// version per key); sessions follow the Raft dissertation §6.3.

#include "core/kv/store.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/kv/limits.h"

namespace confman::kv {
namespace {

// Writes without a session (client id 0), the common case in these tests.
WriteResult put(Store& store, std::string key, std::string value) {
  return store.apply(WriteRequest{0, 0, Command{CommandType::Put, std::move(key), std::move(value), 0}});
}
WriteResult remove(Store& store, std::string key) {
  return store.apply(WriteRequest{0, 0, Command{CommandType::Delete, std::move(key), "", 0}});
}
WriteResult cas(Store& store, std::string key, std::string value, std::uint64_t expected) {
  return store.apply(
      WriteRequest{0, 0, Command{CommandType::CompareAndSet, std::move(key), std::move(value), expected}});
}
WriteResult cad(Store& store, std::string key, std::uint64_t expected) {
  return store.apply(
      WriteRequest{0, 0, Command{CommandType::CompareAndDelete, std::move(key), "", expected}});
}

WriteRequest session_put(std::uint64_t client_id, std::uint64_t sequence, std::string key,
                         std::string value) {
  return WriteRequest{client_id, sequence, Command{CommandType::Put, std::move(key), std::move(value), 0}};
}

std::vector<std::string> keys_of(const ListPage& page) {
  std::vector<std::string> keys;
  for (const KeyValue& item : page.items) keys.push_back(item.key);
  return keys;
}

// --- writes, revisions and versions ---------------------------------------

TEST(StoreTest, EmptyStoreIsAtRevisionZero) {
  Store store;
  EXPECT_EQ(store.revision(), 0u);
  EXPECT_EQ(store.key_count(), 0u);
  EXPECT_EQ(store.get("/a"), std::nullopt);
}

TEST(StoreTest, PutCreatesAKeyAtTheNextRevision) {
  Store store;
  const WriteResult result = put(store, "/a", "1");
  const KeyValue expected{"/a", "1", 1, 1, 1};
  EXPECT_EQ(result, (WriteResult{Status::Ok, 1, expected}));
  EXPECT_EQ(store.get("/a"), expected);
  EXPECT_EQ(store.revision(), 1u);
}

TEST(StoreTest, PutUpdateKeepsCreateRevisionAndCountsVersions) {
  Store store;
  put(store, "/a", "1");
  put(store, "/b", "x");
  const WriteResult result = put(store, "/a", "2");
  const KeyValue expected{"/a", "2", 1, 3, 2};
  EXPECT_EQ(result, (WriteResult{Status::Ok, 3, expected}));
  EXPECT_EQ(store.get("/a"), expected);
  EXPECT_EQ(put(store, "/a", "3").key_value->version, 3u);
}

TEST(StoreTest, EverySuccessfulWriteAddsExactlyOneRevision) {
  Store store;
  EXPECT_EQ(put(store, "/a", "1").revision, 1u);
  EXPECT_EQ(put(store, "/a", "2").revision, 2u);
  EXPECT_EQ(cas(store, "/a", "3", 2).revision, 3u);
  EXPECT_EQ(cas(store, "/b", "new", 0).revision, 4u);
  EXPECT_EQ(remove(store, "/b").revision, 5u);
  EXPECT_EQ(cad(store, "/a", 3).revision, 6u);
  EXPECT_EQ(store.revision(), 6u);
  EXPECT_EQ(store.key_count(), 0u);
}

TEST(StoreTest, DeleteReturnsTheKeyAsItWas) {
  Store store;
  put(store, "/a", "1");
  put(store, "/a", "2");
  const WriteResult result = remove(store, "/a");
  EXPECT_EQ(result, (WriteResult{Status::Ok, 3, KeyValue{"/a", "2", 1, 2, 2}}));
  EXPECT_EQ(store.get("/a"), std::nullopt);
}

TEST(StoreTest, DeleteOfAMissingKeyIsNotFoundAndChangesNothing) {
  Store store;
  put(store, "/a", "1");
  const std::uint64_t before = store.digest();
  EXPECT_EQ(remove(store, "/b"), (WriteResult{Status::NotFound, 1, std::nullopt}));
  EXPECT_EQ(store.revision(), 1u);
  EXPECT_EQ(store.key_count(), 1u);
  // Only the apply counter moved; the data did not.
  EXPECT_EQ(store.get("/a"), (KeyValue{"/a", "1", 1, 1, 1}));
  EXPECT_NE(store.digest(), before);
}

TEST(StoreTest, RecreateAfterDeleteStartsANewLifetime) {
  Store store;
  put(store, "/a", "1");
  put(store, "/a", "2");
  remove(store, "/a");
  const WriteResult result = put(store, "/a", "again");
  EXPECT_EQ(result.key_value, (KeyValue{"/a", "again", 4, 4, 1}));
}

TEST(StoreTest, CompareAndSetZeroMeansCreateOnly) {
  Store store;
  const WriteResult created = cas(store, "/a", "1", 0);
  EXPECT_EQ(created, (WriteResult{Status::Ok, 1, KeyValue{"/a", "1", 1, 1, 1}}));
  const WriteResult refused = cas(store, "/a", "2", 0);
  EXPECT_EQ(refused, (WriteResult{Status::CompareFailed, 1, KeyValue{"/a", "1", 1, 1, 1}}));
  EXPECT_EQ(store.get("/a")->value, "1");
}

TEST(StoreTest, CompareAndSetMatchesTheModRevision) {
  Store store;
  put(store, "/a", "1");
  put(store, "/other", "x");
  put(store, "/a", "2");  // mod revision 3
  const WriteResult stale = cas(store, "/a", "lost", 1);
  EXPECT_EQ(stale, (WriteResult{Status::CompareFailed, 3, KeyValue{"/a", "2", 1, 3, 2}}));
  const WriteResult won = cas(store, "/a", "3", 3);
  EXPECT_EQ(won, (WriteResult{Status::Ok, 4, KeyValue{"/a", "3", 1, 4, 3}}));
}

TEST(StoreTest, CompareAndSetOnAMissingKeyWithARevisionFails) {
  Store store;
  put(store, "/x", "1");
  EXPECT_EQ(cas(store, "/a", "1", 1), (WriteResult{Status::CompareFailed, 1, std::nullopt}));
  EXPECT_EQ(store.get("/a"), std::nullopt);
}

TEST(StoreTest, CompareAndDeleteSemantics) {
  Store store;
  put(store, "/a", "1");
  put(store, "/a", "2");  // mod revision 2
  EXPECT_EQ(cad(store, "/missing", 1), (WriteResult{Status::NotFound, 2, std::nullopt}));
  EXPECT_EQ(cad(store, "/missing", 0), (WriteResult{Status::NotFound, 2, std::nullopt}));
  const KeyValue current{"/a", "2", 1, 2, 2};
  EXPECT_EQ(cad(store, "/a", 1), (WriteResult{Status::CompareFailed, 2, current}));
  EXPECT_EQ(cad(store, "/a", 0), (WriteResult{Status::CompareFailed, 2, current}));
  EXPECT_EQ(store.get("/a"), current);
  EXPECT_EQ(cad(store, "/a", 2), (WriteResult{Status::Ok, 3, current}));
  EXPECT_EQ(store.get("/a"), std::nullopt);
}

TEST(StoreTest, InvalidKeysAreRefusedAtApplyForEveryCommand) {
  Store store;
  put(store, "/ok", "1");
  for (CommandType type : {CommandType::Put, CommandType::Delete, CommandType::CompareAndSet,
                           CommandType::CompareAndDelete}) {
    for (const std::string& key : std::vector<std::string>{"", "relative", "/a//b", "/a/", "/..",
                                                            std::string("/a\x01", 3)}) {
      const WriteResult result = store.apply(WriteRequest{0, 0, Command{type, key, "v", 0}});
      EXPECT_EQ(result, (WriteResult{Status::InvalidKey, 1, std::nullopt})) << key;
    }
  }
  EXPECT_EQ(store.revision(), 1u);
  EXPECT_EQ(store.key_count(), 1u);
}

TEST(StoreTest, OversizedValuesAreRefusedAtApply) {
  Store store;
  const std::string too_big(kMaxValueBytes + 1, 'v');
  EXPECT_EQ(put(store, "/a", too_big), (WriteResult{Status::ValueTooLarge, 0, std::nullopt}));
  EXPECT_EQ(cas(store, "/a", too_big, 0), (WriteResult{Status::ValueTooLarge, 0, std::nullopt}));
  EXPECT_EQ(store.key_count(), 0u);
  EXPECT_EQ(put(store, "/a", std::string(kMaxValueBytes, 'v')).status, Status::Ok);
}

// --- list_prefix ----------------------------------------------------------

Store store_with(const std::vector<std::string>& keys) {
  Store store;
  for (const std::string& key : keys) put(store, key, "v:" + key);
  return store;
}

TEST(ListPrefixTest, ListsOnlyKeysUnderThePrefixInKeyOrder) {
  const Store store = store_with({"/app/b", "/app/a", "/apple", "/app/c/d", "/b", "/ap"});
  const ListPage page = store.list_prefix("/app/", "", 100);
  EXPECT_EQ(keys_of(page), (std::vector<std::string>{"/app/a", "/app/b", "/app/c/d"}));
  EXPECT_EQ(page.next_after, std::nullopt);
  EXPECT_EQ(page.items[0].value, "v:/app/a");
}

TEST(ListPrefixTest, RootListsEverything) {
  const Store store = store_with({"/b", "/a/x", "/a"});
  EXPECT_EQ(keys_of(store.list_prefix("/", "", 100)), (std::vector<std::string>{"/a", "/a/x", "/b"}));
}

TEST(ListPrefixTest, PaginatesAcrossPagesWithoutGapsOrRepeats) {
  std::vector<std::string> keys;
  for (int i = 0; i < 10; ++i) keys.push_back("/n/k" + std::to_string(i));
  const Store store = store_with(keys);
  std::vector<std::string> seen;
  std::string start_after;
  int pages = 0;
  while (true) {
    const ListPage page = store.list_prefix("/n/", start_after, 3);
    ++pages;
    ASSERT_LE(page.items.size(), 3u);
    for (const KeyValue& item : page.items) seen.push_back(item.key);
    if (!page.next_after) break;
    EXPECT_EQ(*page.next_after, page.items.back().key);
    start_after = *page.next_after;
    ASSERT_LT(pages, 10) << "pagination does not terminate";
  }
  EXPECT_EQ(pages, 4);
  EXPECT_EQ(seen, keys);
}

TEST(ListPrefixTest, AFullLastPageHasNoNextWhenNothingMatchingFollows) {
  const Store store = store_with({"/n/a", "/n/b", "/o"});
  const ListPage page = store.list_prefix("/n/", "", 2);
  EXPECT_EQ(keys_of(page), (std::vector<std::string>{"/n/a", "/n/b"}));
  EXPECT_EQ(page.next_after, std::nullopt);
}

TEST(ListPrefixTest, StartAfterIsExclusiveAndNeedNotBeAKey) {
  const Store store = store_with({"/n/a", "/n/b", "/n/c"});
  EXPECT_EQ(keys_of(store.list_prefix("/n/", "/n/a", 10)), (std::vector<std::string>{"/n/b", "/n/c"}));
  EXPECT_EQ(keys_of(store.list_prefix("/n/", "/n/aa", 10)), (std::vector<std::string>{"/n/b", "/n/c"}));
  // Before the prefix: ignored. Past the namespace: empty.
  EXPECT_EQ(keys_of(store.list_prefix("/n/", "/a", 10)).size(), 3u);
  EXPECT_TRUE(store.list_prefix("/n/", "/z", 10).items.empty());
}

TEST(ListPrefixTest, LimitIsClampedToAtLeastOneAndAtMostTheMaximum) {
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < kMaxListLimit + 5; ++i) keys.push_back("/k/" + std::to_string(100000 + i));
  const Store store = store_with(keys);
  const ListPage zero = store.list_prefix("/k/", "", 0);
  EXPECT_EQ(zero.items.size(), 1u);
  EXPECT_TRUE(zero.next_after.has_value());
  const ListPage huge = store.list_prefix("/k/", "", kMaxListLimit * 10);
  EXPECT_EQ(huge.items.size(), kMaxListLimit);
  EXPECT_EQ(huge.next_after, keys[kMaxListLimit - 1]);
}

// --- list_children --------------------------------------------------------

TEST(ListChildrenTest, ReportsValuesAndSubtreesOncePerName) {
  const Store store = store_with({"/app/config", "/app/config/timeout", "/app/config/retries",
                                  "/app/db/url", "/app/name", "/apple", "/b/x"});
  EXPECT_EQ(store.list_children("/app/"),
            (std::vector<ChildEntry>{{"config", true, true}, {"db", false, true}, {"name", true, false}}));
}

TEST(ListChildrenTest, RootListsTopLevelNames) {
  const Store store = store_with({"/b/x/y", "/a", "/c", "/c/d"});
  EXPECT_EQ(store.list_children("/"),
            (std::vector<ChildEntry>{{"a", true, false}, {"b", false, true}, {"c", true, true}}));
}

TEST(ListChildrenTest, AChildInterleavedWithItsOwnSubtreeIsMerged) {
  // '-' and '.' sort before '/', so in key order "x-y" sits between "x" and
  // "x/z": a naive single pass would report "x" twice.
  const Store store = store_with({"/p/x", "/p/x-y", "/p/x.z/q", "/p/x/z", "/p/w/1"});
  EXPECT_EQ(store.list_children("/p/"),
            (std::vector<ChildEntry>{{"w", false, true},
                                     {"x", true, true},
                                     {"x-y", true, false},
                                     {"x.z", false, true}}));
}

TEST(ListChildrenTest, SkippingASubtreeDoesNotSkipSiblingsThatExtendItsName) {
  // "x0" and "xa" sort right after the subtree "x/..." ('0' is the byte after
  // '/'): the skip must land exactly there.
  const Store store = store_with({"/p/x/1", "/p/x/2/3", "/p/x0", "/p/xa/b", "/p/y"});
  EXPECT_EQ(store.list_children("/p/"),
            (std::vector<ChildEntry>{{"x", false, true},
                                     {"x0", true, false},
                                     {"xa", false, true},
                                     {"y", true, false}}));
}

TEST(ListChildrenTest, SubtreeOnlyChildBehindAnExtensionOfItsName) {
  const Store store = store_with({"/p/x-y", "/p/x/z"});
  EXPECT_EQ(store.list_children("/p/"),
            (std::vector<ChildEntry>{{"x", false, true}, {"x-y", true, false}}));
}

TEST(ListChildrenTest, EmptyNamespaceHasNoChildren) {
  const Store store = store_with({"/a/b"});
  EXPECT_TRUE(store.list_children("/z/").empty());
  EXPECT_TRUE(store.list_children("/a/b/").empty());
}

// --- sessions (Raft dissertation §6.3) --------------------------------------

TEST(SessionTest, ARetryReturnsTheOriginalResultWithoutApplyingTwice) {
  Store store;
  const WriteResult first = store.apply(session_put(7, 1, "/a", "1"));
  put(store, "/a", "changed by someone else");
  const WriteResult retry = store.apply(session_put(7, 1, "/a", "1"));
  EXPECT_EQ(retry, first);
  EXPECT_EQ(retry.revision, 1u);
  EXPECT_EQ(store.revision(), 2u);
  EXPECT_EQ(store.get("/a")->value, "changed by someone else");
  EXPECT_EQ(store.get("/a")->version, 2u);
}

TEST(SessionTest, ARetriedFailureReturnsTheSameFailure) {
  Store store;
  const WriteRequest delete_missing{4, 1, Command{CommandType::Delete, "/a", "", 0}};
  const WriteResult first = store.apply(delete_missing);
  EXPECT_EQ(first.status, Status::NotFound);
  put(store, "/a", "now it exists");
  // Re-executing would delete the key; the session must answer NotFound.
  EXPECT_EQ(store.apply(delete_missing), first);
  EXPECT_TRUE(store.get("/a").has_value());
}

TEST(SessionTest, ANewSequenceExecutes) {
  Store store;
  store.apply(session_put(7, 1, "/a", "1"));
  const WriteResult second = store.apply(session_put(7, 2, "/a", "2"));
  EXPECT_EQ(second, (WriteResult{Status::Ok, 2, KeyValue{"/a", "2", 1, 2, 2}}));
  // Sequences may skip: the client only promises to increase.
  EXPECT_EQ(store.apply(session_put(7, 10, "/a", "3")).revision, 3u);
}

TEST(SessionTest, AnOlderSequenceIsStale) {
  Store store;
  store.apply(session_put(7, 5, "/a", "1"));
  const WriteResult stale = store.apply(session_put(7, 4, "/a", "old"));
  EXPECT_EQ(stale, (WriteResult{Status::StaleSequence, 1, std::nullopt}));
  EXPECT_EQ(store.get("/a")->value, "1");
  EXPECT_EQ(store.revision(), 1u);
}

TEST(SessionTest, ClientsHaveIndependentSessions) {
  Store store;
  store.apply(session_put(1, 5, "/a", "from 1"));
  const WriteResult other = store.apply(session_put(2, 1, "/b", "from 2"));
  EXPECT_EQ(other.status, Status::Ok);
  EXPECT_EQ(other.revision, 2u);
}

TEST(SessionTest, ClientZeroIsNeverDeduplicated) {
  Store store;
  store.apply(session_put(0, 1, "/a", "1"));
  store.apply(session_put(0, 1, "/a", "1"));
  EXPECT_EQ(store.revision(), 2u);
  EXPECT_EQ(store.get("/a")->version, 2u);
}

TEST(SessionTest, EvictionDropsTheLeastRecentlyUsedSession) {
  Store store;
  // Fill the table; client 1 is the oldest, then refresh it so client 2 is.
  for (std::uint64_t client = 1; client <= kMaxSessions; ++client) {
    store.apply(session_put(client, 1, "/k", "v"));
  }
  const WriteResult client_one_result = store.apply(session_put(1, 1, "/k", "v"));
  ASSERT_EQ(client_one_result.revision, 1u);  // a retry, refreshing client 1
  const std::uint64_t revision_before = store.revision();

  store.apply(session_put(kMaxSessions + 1, 1, "/k", "v"));  // evicts client 2
  ASSERT_EQ(store.revision(), revision_before + 1);

  // Client 1 kept its session: its retry is still de-duplicated.
  EXPECT_EQ(store.apply(session_put(1, 1, "/k", "v")), client_one_result);
  EXPECT_EQ(store.revision(), revision_before + 1);
  // Client 3 too.
  EXPECT_EQ(store.apply(session_put(3, 1, "/k", "v")).revision, 3u);
  EXPECT_EQ(store.revision(), revision_before + 1);
  // Client 2 was forgotten, so its retry executes again (the documented
  // cost of a bounded session table).
  const WriteResult reexecuted = store.apply(session_put(2, 1, "/k", "v"));
  EXPECT_EQ(reexecuted.revision, revision_before + 2);
}

TEST(SessionTest, EvictionIsTheSameOnEveryReplica) {
  Store first;
  Store second;
  for (std::uint64_t i = 0; i < kMaxSessions + 50; ++i) {
    // Interleave clients so that recency differs from client id order.
    const std::uint64_t client = (i * 7919) % (kMaxSessions + 50) + 1;
    const WriteRequest request = session_put(client, 1, "/k" + std::to_string(i % 5), "v");
    EXPECT_EQ(first.apply(request), second.apply(request));
  }
  EXPECT_EQ(first.digest(), second.digest());
}

// --- digest ---------------------------------------------------------------

std::vector<WriteRequest> history() {
  return {
      session_put(1, 1, "/app/a", "1"),
      WriteRequest{2, 1, Command{CommandType::CompareAndSet, "/app/b", "x", 0}},
      session_put(1, 2, "/app/a", "2"),
      WriteRequest{0, 0, Command{CommandType::Delete, "/nothing", "", 0}},
      session_put(1, 2, "/app/a", "2"),  // a retry
      WriteRequest{2, 2, Command{CommandType::CompareAndDelete, "/app/b", "", 2}},
  };
}

TEST(DigestTest, EqualForReplicasThatAppliedTheSameRequests) {
  Store first;
  Store second;
  EXPECT_EQ(first.digest(), second.digest());
  for (const WriteRequest& request : history()) {
    first.apply(request);
    second.apply(request);
    EXPECT_EQ(first.digest(), second.digest());
  }
}

TEST(DigestTest, ChangesWithEveryAppliedRequest) {
  Store store;
  std::vector<std::uint64_t> digests = {store.digest()};
  for (const WriteRequest& request : history()) {
    store.apply(request);
    digests.push_back(store.digest());
  }
  for (std::size_t i = 1; i < digests.size(); ++i) EXPECT_NE(digests[i], digests[i - 1]) << i;
}

// Each test below builds two stores that differ in exactly one part of the
// replicated state, and requires different digests: a digest that skipped
// that part would let diverged replicas pass the convergence check.

TEST(DigestTest, CoversValues) {
  Store one;
  Store two;
  put(one, "/a", "1");
  put(two, "/a", "2");
  EXPECT_NE(one.digest(), two.digest());
}

TEST(DigestTest, CoversKeyNames) {
  Store one;
  Store two;
  put(one, "/a", "v");
  put(two, "/b", "v");
  EXPECT_NE(one.digest(), two.digest());
}

TEST(DigestTest, CoversCreateRevision) {
  Store created_early;  // "/a": create 1, mod 4, version 2
  Store created_late;   // "/a": create 3, mod 4, version 2
  put(created_early, "/a", "v");
  put(created_early, "/z", "");
  remove(created_early, "/z");
  put(created_early, "/a", "v");
  put(created_late, "/z", "");
  remove(created_late, "/z");
  put(created_late, "/a", "v");
  put(created_late, "/a", "v");
  ASSERT_NE(created_early.get("/a")->create_revision, created_late.get("/a")->create_revision);
  ASSERT_EQ(created_early.get("/a")->mod_revision, created_late.get("/a")->mod_revision);
  ASSERT_EQ(created_early.get("/a")->version, created_late.get("/a")->version);
  EXPECT_NE(created_early.digest(), created_late.digest());
}

TEST(DigestTest, CoversModRevision) {
  Store modified_late;   // "/a": create 1, mod 4, version 2
  Store modified_early;  // "/a": create 1, mod 2, version 2
  put(modified_late, "/a", "v");
  put(modified_late, "/z", "");
  remove(modified_late, "/z");
  put(modified_late, "/a", "v");
  put(modified_early, "/a", "v");
  put(modified_early, "/a", "v");
  put(modified_early, "/z", "");
  remove(modified_early, "/z");
  ASSERT_NE(modified_late.get("/a")->mod_revision, modified_early.get("/a")->mod_revision);
  ASSERT_EQ(modified_late.get("/a")->create_revision, modified_early.get("/a")->create_revision);
  ASSERT_EQ(modified_late.get("/a")->version, modified_early.get("/a")->version);
  EXPECT_NE(modified_late.digest(), modified_early.digest());
}

TEST(DigestTest, CoversVersion) {
  Store written_twice;       // "/a": create 1, mod 4, version 2
  Store written_four_times;  // "/a": create 1, mod 4, version 4
  put(written_twice, "/a", "v");
  put(written_twice, "/z", "");
  remove(written_twice, "/z");
  put(written_twice, "/a", "v");
  for (int i = 0; i < 4; ++i) put(written_four_times, "/a", "v");
  ASSERT_EQ(written_twice.get("/a")->mod_revision, written_four_times.get("/a")->mod_revision);
  ASSERT_NE(written_twice.get("/a")->version, written_four_times.get("/a")->version);
  EXPECT_NE(written_twice.digest(), written_four_times.digest());
}

TEST(DigestTest, CoversStoreRevision) {
  Store at_revision_two;  // both empty, both after two requests
  Store at_revision_zero;
  put(at_revision_two, "/z", "");
  remove(at_revision_two, "/z");
  remove(at_revision_zero, "/z");
  remove(at_revision_zero, "/z");
  ASSERT_NE(at_revision_two.revision(), at_revision_zero.revision());
  EXPECT_NE(at_revision_two.digest(), at_revision_zero.digest());
}

TEST(DigestTest, CoversSessionPresence) {
  Store with_session;
  Store without_session;
  with_session.apply(session_put(9, 1, "/a", "1"));
  without_session.apply(session_put(0, 1, "/a", "1"));
  ASSERT_EQ(with_session.get("/a"), without_session.get("/a"));
  EXPECT_NE(with_session.digest(), without_session.digest());
}

TEST(DigestTest, CoversSessionClientId) {
  Store client_one;
  Store client_two;
  client_one.apply(session_put(1, 1, "/a", "1"));
  client_two.apply(session_put(2, 1, "/a", "1"));
  EXPECT_NE(client_one.digest(), client_two.digest());
}

TEST(DigestTest, CoversSessionLastSequence) {
  // The next retry of sequence 1 would be answered differently.
  Store at_sequence_one;
  Store at_sequence_two;
  at_sequence_one.apply(session_put(9, 1, "/a", "1"));
  at_sequence_two.apply(session_put(9, 2, "/a", "1"));
  EXPECT_NE(at_sequence_one.digest(), at_sequence_two.digest());
}

TEST(DigestTest, CoversSessionLastResult) {
  // No data changes on either side; only the remembered status differs.
  Store remembers_not_found;
  Store remembers_compare_failed;
  remembers_not_found.apply(WriteRequest{9, 1, Command{CommandType::Delete, "/m", "", 0}});
  remembers_compare_failed.apply(
      WriteRequest{9, 1, Command{CommandType::CompareAndSet, "/m", "", 5}});
  EXPECT_NE(remembers_not_found.digest(), remembers_compare_failed.digest());
}

TEST(DigestTest, CoversSessionRecency) {
  // Which session was used last decides the next eviction.
  Store client_one_recent;
  Store client_two_recent;
  for (Store* store : {&client_one_recent, &client_two_recent}) {
    store->apply(session_put(1, 1, "/a", "1"));
    store->apply(session_put(2, 1, "/b", "2"));
  }
  client_one_recent.apply(session_put(1, 1, "/a", "1"));
  client_two_recent.apply(session_put(2, 1, "/b", "2"));
  EXPECT_NE(client_one_recent.digest(), client_two_recent.digest());
}

TEST(DigestTest, KeyAndValueBoundariesCannotCollide) {
  Store first;
  Store second;
  put(first, "/ab", "c");
  put(second, "/a", "bc");
  EXPECT_NE(first.digest(), second.digest());
}

}  // namespace
}  // namespace confman::kv
