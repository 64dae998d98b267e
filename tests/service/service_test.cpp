// The request layer (core/service/service.h) over a real three-node cluster:
// routing (forward, redirect, no loops), the three read modes, the reserved
// namespace, membership as one replicated command, watches from the
// replicated event log, and the bound on what it holds.

#include <gtest/gtest.h>

#include "core/kv/limits.h"
#include "tests/service/service_cluster.h"

namespace confman::service {
namespace {

using testing::ServiceCluster;

NodeId follower_of(NodeId leader) { return leader == 1 ? 2 : 1; }

TEST(Service, ReservedKeysAreRefusedBeforeAnythingHappens) {
  ServiceCluster cluster(3);
  const NodeId leader = cluster.await_leader();
  for (const char* key : {"/_confman/members/2", "/_x", "/_confman"}) {
    const std::optional<Response> answer = cluster.put(leader, key, "v");
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->code, Code::Reserved) << key;
    EXPECT_NE(answer->detail.find("reserved namespace"), std::string::npos) << answer->detail;
  }
  const std::optional<Response> list = cluster.call(leader, Request{.operation = Operation::List, .key = "/_confman/"});
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(list->code, Code::Reserved);
  const std::optional<Response> ordinary = cluster.put(leader, "/app/_x", "v");
  ASSERT_TRUE(ordinary.has_value());
  EXPECT_EQ(ordinary->code, Code::Ok);
  EXPECT_EQ(cluster[leader].node().store().revision(), 1u);
}

TEST(Service, AWriteToAFollowerIsForwardedToTheLeader) {
  ServiceCluster cluster(3);
  const NodeId leader = cluster.await_leader();
  const NodeId follower = follower_of(leader);
  const std::uint64_t id = cluster.next_id();
  cluster[follower].handle(Request{.id = id, .operation = Operation::Put, .key = "/a", .value = "1"}, cluster.now_us);
  ASSERT_EQ(cluster.output(follower).forwards.size(), 1u);
  const auto& forward = cluster.output(follower).forwards[0];
  EXPECT_EQ(forward.leader, leader);
  EXPECT_TRUE(forward.request.forwarded);
  EXPECT_EQ(forward.request.id, id);
  EXPECT_EQ(cluster.output(follower).answer(id), nullptr);  // the leader answers
  // Delivered to the leader, it is served there.
  cluster[leader].handle(forward.request, cluster.now_us);
  for (int i = 0; i < 100 && cluster.output(leader).answer(id) == nullptr; ++i) cluster.step();
  ASSERT_NE(cluster.output(leader).answer(id), nullptr);
  EXPECT_EQ(cluster.output(leader).answer(id)->code, Code::Ok);
}

TEST(Service, AClientThatAsksForRedirectsGetsTheLeader) {
  ServiceCluster cluster(3);
  const NodeId leader = cluster.await_leader();
  const NodeId follower = follower_of(leader);
  const std::optional<Response> answer = cluster.call(follower, Request{.operation = Operation::Put, .key = "/a", .value = "1", .redirect = true});
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->code, Code::Redirect);
  EXPECT_EQ(answer->leader, leader);
  EXPECT_TRUE(cluster.output(follower).forwards.empty());
}

// No forwarding loops: a request forwarded once is never forwarded again.
TEST(Service, AForwardedRequestThatMeetsAFollowerIsAnsweredNoLeader) {
  ServiceCluster cluster(3);
  const NodeId leader = cluster.await_leader();
  const NodeId follower = follower_of(leader);
  const std::optional<Response> answer = cluster.call(follower, Request{.operation = Operation::Get, .key = "/a", .forwarded = true});
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->code, Code::NoLeader);
  EXPECT_EQ(answer->leader, leader);
  EXPECT_TRUE(cluster.output(follower).forwards.empty());
}

TEST(Service, ALinearizableReadOnTheLeaderPassesTheBarrierThenReads) {
  ServiceCluster cluster(3);
  const NodeId leader = cluster.await_leader();
  ASSERT_EQ(cluster.put(leader, "/a", "1")->code, Code::Ok);
  const std::optional<Response> read = cluster.call(leader, Request{.operation = Operation::Get, .key = "/a"});
  ASSERT_TRUE(read.has_value());
  ASSERT_EQ(read->code, Code::Ok);
  EXPECT_EQ(read->key_value->value, "1");
  EXPECT_EQ(read->revision, 1u);
  // On a follower the same read goes to the leader.
  const NodeId follower = follower_of(leader);
  cluster[follower].handle(Request{.id = 999, .operation = Operation::Get, .key = "/a"}, cluster.now_us);
  for (int i = 0; i < 100 && cluster.output(follower).forwards.empty(); ++i) cluster.step();
  ASSERT_EQ(cluster.output(follower).forwards.size(), 1u);
  EXPECT_EQ(cluster.output(follower).answer(999), nullptr);
}

// The leader cut off from the others cannot confirm its leadership, so its
// linearizable reads wait; the same node's stale reads are served at once.
TEST(Service, ACutOffLeaderServesStaleReadsButNotLinearizableOnes) {
  ServiceCluster cluster(3);
  const NodeId leader = cluster.await_leader();
  ASSERT_EQ(cluster.put(leader, "/a", "1")->code, Code::Ok);
  cluster.cut.insert(leader);
  const std::optional<Response> stale = cluster.call(leader, Request{.operation = Operation::Get, .key = "/a", .consistency = Consistency::Stale}, 1);
  ASSERT_TRUE(stale.has_value());
  EXPECT_EQ(stale->key_value->value, "1");
  const std::optional<Response> linearizable = cluster.call(leader, Request{.operation = Operation::Get, .key = "/a"}, 5);
  if (linearizable.has_value()) {
    EXPECT_NE(linearizable->code, Code::Ok);
  }
}

TEST(Service, AReadYourWritesReadWaitsForItsRevision) {
  ServiceCluster cluster(3);
  const NodeId leader = cluster.await_leader();
  const NodeId follower = follower_of(leader);
  cluster.settle();
  cluster.cut.insert(follower);
  const std::optional<Response> write = cluster.put(leader, "/a", "1");
  ASSERT_EQ(write->code, Code::Ok);
  const std::uint64_t id = cluster.next_id();
  cluster[follower].handle(Request{.id = id,
                                   .operation = Operation::Get,
                                   .key = "/a",
                                   .consistency = Consistency::ReadYourWrites,
                                   .min_revision = write->revision},
                           cluster.now_us);
  cluster.run_for(3'000);
  EXPECT_EQ(cluster.output(follower).answer(id), nullptr);  // behind: it waits
  EXPECT_EQ(cluster[follower].pending_requests(), 1u);
  cluster.cut.clear();
  for (int i = 0; i < 200 && cluster.output(follower).answer(id) == nullptr; ++i) cluster.step();
  const Response* read = cluster.output(follower).answer(id);
  ASSERT_NE(read, nullptr);
  ASSERT_EQ(read->code, Code::Ok);
  EXPECT_EQ(read->key_value->value, "1");
  EXPECT_GE(read->revision, write->revision);
  EXPECT_EQ(cluster[follower].pending_requests(), 0u);
}

TEST(Service, AReadYourWritesReadThatCannotCatchUpTimesOut) {
  ServiceCluster cluster(3);
  const NodeId leader = cluster.await_leader();
  const NodeId follower = follower_of(leader);
  cluster.settle();
  cluster.cut.insert(follower);
  const std::optional<Response> write = cluster.put(leader, "/a", "1");
  const std::optional<Response> read = cluster.call(follower,
                                      Request{.operation = Operation::Get,
                                              .key = "/a",
                                              .consistency = Consistency::ReadYourWrites,
                                              .min_revision = write->revision,
                                              .wait_timeout_us = 20'000},
                                      100);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->code, Code::Timeout);
  EXPECT_NE(read->detail.find("had not applied revision 1"), std::string::npos) << read->detail;
}

// A clock that steps back does not put off a read's timeout by the jump
// (the service's deadlines move back with it, as Raft's do).
TEST(Service, AReadWaitTimesOutOnTimeWhenTheClockStepsBack) {
  ServiceCluster cluster(3);
  const NodeId leader = cluster.await_leader();
  const NodeId follower = follower_of(leader);
  cluster.settle();
  cluster.cut.insert(follower);
  const std::uint64_t id = cluster.next_id();
  cluster[follower].handle(Request{.id = id,
                                   .operation = Operation::Get,
                                   .key = "/a",
                                   .consistency = Consistency::ReadYourWrites,
                                   .min_revision = 99,
                                   .wait_timeout_us = 20'000},
                           cluster.now_us);
  const TimeUs jumped_us = cluster.now_us - 10'000'000;
  cluster[follower].tick(jumped_us);
  EXPECT_LE(cluster[follower].next_deadline_us(), jumped_us + 20'000);
  cluster[follower].tick(jumped_us + 20'000);
  const Response* answer = cluster.output(follower).answer(id);
  ASSERT_NE(answer, nullptr) << "the wait was put off by the jump";
  EXPECT_EQ(answer->code, Code::Timeout);
}

// Adding a member is one replicated command: the Config entry carries the
// member's address record, and every replica's registry holds it.
TEST(Service, AddingAMemberIsOneCommandCarryingItsAddresses) {
  ServiceCluster cluster(3);
  const NodeId leader = cluster.await_leader();
  const LogIndex before = cluster[leader].node().status().last_index;
  const std::optional<Response> added = cluster.call(
      leader, Request{.operation = Operation::AddMember, .member = 9, .as_learner = true, .member_record = "addresses of 9"});
  ASSERT_TRUE(added.has_value());
  ASSERT_EQ(added->code, Code::Ok) << added->detail;
  ASSERT_TRUE(added->membership.has_value());
  EXPECT_TRUE(added->membership->is_learner(9));
  EXPECT_EQ(cluster[leader].node().status().last_index, before + 1);
  cluster.settle();
  for (NodeId id : {1, 2, 3}) {
    const std::string* record = cluster[id].node().store().member_record(9);
    ASSERT_NE(record, nullptr) << "node " << id;
    EXPECT_EQ(*record, "addresses of 9");
  }
  EXPECT_EQ(cluster[leader].node().store().revision(), 0u);  // no key was written
  const std::optional<Response> removed = cluster.call(leader, Request{.operation = Operation::RemoveMember, .member = 9});
  ASSERT_EQ(removed->code, Code::Ok) << removed->detail;
  cluster.settle();
  EXPECT_EQ(cluster[leader].node().store().member_record(9), nullptr);
}

TEST(Service, WatchesDeliverEveryChangeOnceInRevisionOrder) {
  ServiceCluster cluster(3);
  const NodeId leader = cluster.await_leader();
  const NodeId follower = follower_of(leader);
  ASSERT_EQ(cluster.put(leader, "/app/a", "1")->code, Code::Ok);
  cluster.settle();
  const std::optional<Response> opened = cluster.call(follower, Request{.operation = Operation::Watch, .key = "/app/", .watch_prefix = true, .from_revision = 1});
  ASSERT_EQ(opened->code, Code::Ok);
  const std::uint64_t watch_id = opened->id;
  ASSERT_EQ(cluster.put(leader, "/app/b", "2")->code, Code::Ok);
  ASSERT_EQ(cluster.put(leader, "/other", "x")->code, Code::Ok);
  ASSERT_EQ(cluster.call(leader, Request{.operation = Operation::Delete, .key = "/app/a"})->code, Code::Ok);
  cluster.settle();
  const std::vector<kv::Event> events = cluster.output(follower).events_of(watch_id);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].revision, 1u);
  EXPECT_EQ(events[1].key_value.key, "/app/b");
  EXPECT_EQ(events[2].type, kv::EventType::Delete);
  EXPECT_EQ(events[2].revision, 4u);
}

// The bug this prevents: the server's in-memory watch ring published a
// de-duplicated client retry again.
TEST(Service, ARetriedWriteIsWatchedOnce) {
  ServiceCluster cluster(1);
  const NodeId leader = cluster.await_leader();
  const std::optional<Response> opened = cluster.call(leader, Request{.operation = Operation::Watch, .key = "/a"});
  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::optional<Response> write = cluster.call(
        leader, Request{.operation = Operation::Put, .key = "/a", .value = "v", .client_id = 7, .sequence = 1});
    ASSERT_EQ(write->code, Code::Ok);
  }
  EXPECT_EQ(cluster.output(leader).events_of(opened->id).size(), 1u);
}

TEST(Service, AWatchResumesFromTheDurableLogAfterARestart) {
  ServiceCluster cluster(1);
  NodeId leader = cluster.await_leader();
  for (int i = 1; i <= 5; ++i) ASSERT_EQ(cluster.put(leader, "/k", std::to_string(i))->code, Code::Ok);
  cluster.crash(leader);
  cluster.start(leader);
  leader = cluster.await_leader();
  cluster.settle();
  const std::optional<Response> opened = cluster.call(leader, Request{.operation = Operation::Watch, .key = "/k", .from_revision = 3});
  ASSERT_EQ(opened->code, Code::Ok);
  cluster.run_for(20'000);
  const std::vector<kv::Event> events = cluster.output(leader).events_of(opened->id);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].revision, 3u);
  EXPECT_EQ(events[2].key_value.value, "5");
}

// ?revision=18446744073709551615 once opened a stream that never delivered,
// and Last-Event-ID 2^64 - 1 overflowed to "from now". A future revision may
// be waited for; one past 2^63 is refused.
TEST(Service, RevisionsPastTwoToTheSixtyThirdAreRefused) {
  ServiceCluster cluster(1);
  const NodeId leader = cluster.await_leader();
  constexpr std::uint64_t kFar = kv::kMaxClientRevision + 1;
  const std::optional<Response> watch =
      cluster.call(leader, Request{.operation = Operation::Watch, .key = "/k", .from_revision = kFar});
  EXPECT_EQ(watch->code, Code::Invalid);
  EXPECT_NE(watch->detail.find("2^63"), std::string::npos) << watch->detail;
  const std::optional<Response> max =
      cluster.call(leader, Request{.operation = Operation::Watch, .key = "/k", .from_revision = ~std::uint64_t{0}});
  EXPECT_EQ(max->code, Code::Invalid);
  const std::optional<Response> read = cluster.call(
      leader, Request{.operation = Operation::Get, .key = "/k", .consistency = Consistency::ReadYourWrites, .min_revision = kFar});
  EXPECT_EQ(read->code, Code::Invalid);
  // The largest allowed one is a future revision: the watch opens and waits.
  const std::optional<Response> future = cluster.call(
      leader, Request{.operation = Operation::Watch, .key = "/k", .from_revision = kv::kMaxClientRevision});
  EXPECT_EQ(future->code, Code::Ok);
}

TEST(Service, AWatchFromBeforeTheKeptHistoryIsCompacted) {
  ServiceCluster cluster(1);
  const NodeId leader = cluster.await_leader();
  const std::string big(kv::kMaxValueBytes, 'v');
  const std::size_t writes = kv::kMaxEventLogBytes / kv::kMaxValueBytes + 2;
  for (std::size_t i = 0; i < writes; ++i) ASSERT_EQ(cluster.put(leader, "/big", big)->code, Code::Ok);
  const std::uint64_t compacted = cluster[leader].node().store().events().compacted_revision();
  ASSERT_GT(compacted, 0u);
  const std::optional<Response> old = cluster.call(leader, Request{.operation = Operation::Watch, .key = "/big", .from_revision = compacted});
  ASSERT_EQ(old->code, Code::Compacted);
  EXPECT_EQ(old->compacted_revision, compacted);
  const std::optional<Response> kept = cluster.call(leader, Request{.operation = Operation::Watch, .key = "/big", .from_revision = compacted + 1});
  EXPECT_EQ(kept->code, Code::Ok);
}

TEST(Service, IdleWatchesGetProgressNotices) {
  ServiceCluster cluster(1, ServiceConfig{.watch_progress_interval_us = 5'000});
  const NodeId leader = cluster.await_leader();
  const std::optional<Response> opened = cluster.call(leader, Request{.operation = Operation::Watch, .key = "/quiet"});
  ASSERT_EQ(cluster.put(leader, "/noise", "1")->code, Code::Ok);
  cluster.run_for(20'000);
  std::uint64_t through = 0;
  for (const WatchBatch& batch : cluster.output(leader).batches) {
    if (batch.watch_id == opened->id) {
      EXPECT_TRUE(batch.events.empty());
      through = std::max(through, batch.through_revision);
    }
  }
  EXPECT_EQ(through, 1u);
}

// A cluster watch hears the node's view when it opens and at each change of
// role, term, leader or membership, and not at every write.
TEST(Service, ClusterWatchesHearEveryChangeOfRoleTermLeaderOrMembership) {
  ServiceCluster cluster(3);
  const NodeId leader = cluster.await_leader();
  const NodeId follower = follower_of(leader);
  const std::optional<Response> opened = cluster.call(follower, Request{.operation = Operation::WatchCluster});
  ASSERT_EQ(opened->code, Code::Ok);
  const auto& events = cluster.output(follower).cluster_events;
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].second.leader, leader);
  EXPECT_EQ(events[0].second.role, raft::Role::Follower);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(cluster.put(leader, "/a", std::to_string(i))->code, Code::Ok);
  cluster.settle();
  EXPECT_EQ(events.size(), 1u) << "writes alone are no cluster event";
  ASSERT_EQ(cluster.call(leader, Request{.operation = Operation::AddMember, .member = 7, .member_record = "r"})->code,
            Code::Ok);
  cluster.settle();
  ASSERT_GE(events.size(), 2u);
  EXPECT_TRUE(events.back().second.membership.is_learner(7));
  EXPECT_TRUE(events.back().second.membership_committed);
  // The leader goes: the follower's view changes (no leader, a new term...).
  const std::size_t before = events.size();
  cluster.crash(leader);
  cluster.run_for(100'000);
  ASSERT_GT(events.size(), before);
  EXPECT_GT(events.back().second.term, events[0].second.term);
  EXPECT_NE(events.back().second.leader, leader);
}

TEST(Service, ClusterStatusIsTheLeadersViewUnlessThisNodesIsAskedFor) {
  ServiceCluster cluster(3);
  const NodeId leader = cluster.await_leader();
  const NodeId follower = follower_of(leader);
  const std::uint64_t id = cluster.next_id();
  cluster[follower].handle(Request{.id = id, .operation = Operation::ClusterStatus}, cluster.now_us);
  ASSERT_EQ(cluster.output(follower).forwards.size(), 1u);
  EXPECT_EQ(cluster.output(follower).forwards[0].leader, leader);
  const std::optional<Response> local =
      cluster.call(follower, Request{.operation = Operation::ClusterStatus, .consistency = Consistency::Stale});
  ASSERT_EQ(local->code, Code::Ok);
  EXPECT_EQ(local->cluster->node, follower);
  EXPECT_EQ(local->cluster->leader, leader);
  const std::optional<Response> at_leader = cluster.call(leader, Request{.operation = Operation::ClusterStatus});
  EXPECT_EQ(at_leader->cluster->role, raft::Role::Leader);
}

TEST(Service, RequestsBeyondThePendingBoundAreBusy) {
  ServiceCluster cluster(3, ServiceConfig{.max_pending_bytes = 3 * kRequestOverheadBytes});
  const NodeId leader = cluster.await_leader();
  const NodeId follower = follower_of(leader);
  cluster.cut.insert(follower);
  ASSERT_EQ(cluster.put(leader, "/a", "1")->code, Code::Ok);
  std::vector<std::uint64_t> ids;
  for (int i = 0; i < 4; ++i) {
    ids.push_back(cluster.next_id());
    cluster[follower].handle(Request{.id = ids.back(),
                                     .operation = Operation::Get,
                                     .key = "/a",
                                     .consistency = Consistency::ReadYourWrites,
                                     .min_revision = 1},
                             cluster.now_us);
  }
  const Response* refused = cluster.output(follower).answer(ids.back());
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->code, Code::Busy);
  EXPECT_LE(cluster[follower].pending_bytes(), 3 * kRequestOverheadBytes);
}

TEST(Service, MalformedRequestsSayWhatIsWrong) {
  ServiceCluster cluster(1);
  const NodeId leader = cluster.await_leader();
  const std::optional<Response> bad_key = cluster.put(leader, "/a//b", "v");
  EXPECT_EQ(bad_key->code, Code::InvalidKey);
  EXPECT_NE(bad_key->detail.find("empty path segment"), std::string::npos) << bad_key->detail;
  const std::optional<Response> too_large = cluster.put(leader, "/a", std::string(kv::kMaxValueBytes + 1, 'v'));
  EXPECT_EQ(too_large->code, Code::TooLarge);
  const std::optional<Response> half_session = cluster.call(leader, Request{.operation = Operation::Put, .key = "/a", .value = "v", .client_id = 3});
  EXPECT_EQ(half_session->code, Code::Invalid);
  const std::optional<Response> zero_limit = cluster.call(leader, Request{.operation = Operation::List, .key = "/", .list_limit = 0});
  EXPECT_EQ(zero_limit->code, Code::Invalid);
  const std::optional<Response> no_member = cluster.call(leader, Request{.operation = Operation::RemoveMember});
  EXPECT_EQ(no_member->code, Code::Invalid);
}

TEST(Service, ListingLeavesReservedKeysOut) {
  kv::Store store;
  kv::WriteRequest legacy{0, 0, kv::Command{kv::CommandType::Put, "/_old/x", "v", 0}};
  store.apply(legacy);
  store.apply(kv::WriteRequest{0, 0, kv::Command{kv::CommandType::Put, "/app", "v", 0}});
  const Response listed = read_locally(Request{.operation = Operation::List, .key = "/"}, store);
  ASSERT_EQ(listed.items.size(), 1u);
  EXPECT_EQ(listed.items[0].key, "/app");
}

}  // namespace
}  // namespace confman::service
