// The client library (real/client/client.h) and confmanctl against real
// single-node confman-server processes, plus scripted fake nodes
// (fake_http_server.h) for what one healthy node never does: lose an
// answer, time out, redirect, or drop a watch stream.

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <regex>
#include <thread>

#include "real/client/client.h"
#include "real/client/http_exchange.h"
#include "real/client/retry_policy.h"
#include "real/client/sse_parser.h"
#include "real/client/url_encode.h"
#include "tests/real/fake_http_server.h"
#include "tests/real/raw_connection.h"
#include "tests/real/server_process.h"
#include "tests/real/subprocess.h"

namespace confman::real::testing {
namespace {

using client::Client;
using client::Consistency;
using client::KeyValue;
using client::WatchEvent;
namespace detail = client::detail;

constexpr auto kEventWait = std::chrono::seconds(10);

client::Options options_for(std::vector<std::string> endpoints) {
  client::Options options;
  options.endpoints = std::move(endpoints);
  options.request_timeout_ms = 5000;
  options.max_attempts = 4;
  options.retry_backoff_ms = 10;
  return options;
}

std::string key_json(const std::string& key, std::uint64_t revision, const std::string& value = "1") {
  return "{\"key\":\"" + key + "\",\"value\":" + value + ",\"revision\":" + std::to_string(revision) +
         ",\"createRevision\":" + std::to_string(revision) + ",\"modRevision\":" + std::to_string(revision) +
         ",\"version\":1}";
}

std::string sse(const std::string& event, const std::string& data, std::uint64_t id = 0) {
  return (id != 0 ? "id: " + std::to_string(id) + "\n" : "") + "event: " + event + "\ndata: " + data + "\n\n";
}

// A watch on its own thread and Client, stopped after `count` events. A
// test waits for it with a bound; if the events never come, killing the
// server ends the watch (its client gives up after a few attempts).
class BackgroundWatch {
 public:
  // attempts: reconnections the watch may make in a row (it retries every
  // 50 ms and then less often, up to 1 s apart).
  BackgroundWatch(const std::string& endpoint, const std::string& key, bool prefix, std::uint64_t from_revision,
                  std::size_t count, std::uint32_t attempts = 2) {
    client::Options options = options_for({endpoint});
    options.max_attempts = attempts;
    options.retry_backoff_ms = 50;
    thread_ = std::thread([=, this] {
      Client client(options);
      auto result = client.watch(key, prefix, from_revision, [this, count](const WatchEvent& event) {
        events_.push_back(event);
        received_ = events_.size();
        return events_.size() < count;
      });
      done_.set_value(result ? std::string() : result.error().describe());
    });
  }
  ~BackgroundWatch() {
    if (thread_.joinable()) thread_.join();
  }

  // The watch's end ("" when it stopped after its events), or nullopt if it
  // still runs after kEventWait; then the server is killed to end it.
  std::optional<std::string> finish(ServerProcess& server) {
    auto ended = done_.get_future();
    if (ended.wait_for(kEventWait) != std::future_status::ready) {
      server.kill();
      thread_.join();
      return std::nullopt;
    }
    thread_.join();
    return ended.get();
  }
  const std::vector<WatchEvent>& events() const { return events_; }  // after finish()

  // Polls (with a bound) until the watch has received `count` events.
  bool wait_for_events(std::size_t count) const {
    for (int poll = 0; poll < 1000 && received_ < count; ++poll)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return received_ >= count;
  }

 private:
  std::vector<WatchEvent> events_;
  std::atomic<std::size_t> received_{0};
  std::promise<std::string> done_;
  std::thread thread_;
};

// Open watch streams on the server, from its Prometheus metrics.
int open_watchers(const std::string& endpoint) {
  auto reply = detail::exchange(endpoint, detail::HttpRequest{"GET", "/metrics", {}, {}}, 2000);
  std::smatch match;
  static const std::regex watchers("\nconfman_watchers ([0-9]+)");
  if (!reply || !std::regex_search(reply->body, match, watchers)) return -1;
  return std::stoi(match[1].str());
}

bool wait_for_watchers(const std::string& endpoint, int count) {
  for (int poll = 0; poll < 500; ++poll) {
    if (open_watchers(endpoint) == count) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

class ClientTest : public ::testing::Test {
 protected:
  ServerProcess server_;
  Client client_{options_for({server_.endpoint()})};
};

// --- keys ---

TEST_F(ClientTest, PutThenGetAtEveryConsistency) {
  auto written = client_.put("/app/a", "{\"x\":1}");
  ASSERT_TRUE(written) << written.error().describe();
  EXPECT_EQ(written->key, "/app/a");
  EXPECT_EQ(written->value_json, "{\"x\":1}");
  EXPECT_GT(written->revision, 0u);
  EXPECT_EQ(written->mod_revision, written->revision);
  EXPECT_EQ(written->version, 1u);
  EXPECT_EQ(client_.highest_revision_seen(), written->revision);
  for (Consistency consistency : {Consistency::Linearizable, Consistency::ReadYourWrites, Consistency::Stale}) {
    auto read = client_.get("/app/a", consistency);
    ASSERT_TRUE(read) << read.error().describe();
    ASSERT_TRUE(read->has_value());
    EXPECT_EQ((*read)->value_json, "{\"x\":1}");
    EXPECT_EQ((*read)->mod_revision, written->revision);
  }
}

TEST_F(ClientTest, GetOfAMissingKeyIsNulloptNotAnError) {
  auto read = client_.get("/no/such/key");
  ASSERT_TRUE(read) << read.error().describe();
  EXPECT_FALSE(read->has_value());
}

TEST_F(ClientTest, ListReturnsPagesLinkedByCursors) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(client_.put("/list/k" + std::to_string(i), std::to_string(i)));
  ASSERT_TRUE(client_.put("/other/x", "0"));
  std::vector<std::string> keys;
  std::string after;
  int pages = 0;
  do {
    auto page = client_.list("/list/", after, 2);
    ASSERT_TRUE(page) << page.error().describe();
    EXPECT_LE(page->keys.size(), 2u);
    for (const KeyValue& key : page->keys) keys.push_back(key.key);
    after = page->next.value_or("");
    ++pages;
  } while (!after.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(keys, (std::vector<std::string>{"/list/k0", "/list/k1", "/list/k2", "/list/k3", "/list/k4"}));
}

TEST_F(ClientTest, RemoveDeletesTheKeyAndAMissingKeyIs404) {
  auto written = client_.put("/gone/a", "1");
  ASSERT_TRUE(written);
  auto removed = client_.remove("/gone/a");
  ASSERT_TRUE(removed) << removed.error().describe();
  EXPECT_GT(*removed, written->revision);
  auto read = client_.get("/gone/a");
  ASSERT_TRUE(read);
  EXPECT_FALSE(read->has_value());
  auto again = client_.remove("/gone/a");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().status, 404u);
  EXPECT_FALSE(again.error().outcome_unknown);
}

TEST_F(ClientTest, IfMatchSetsOnlyAtTheGivenModRevision) {
  auto written = client_.put("/cas/a", "1");
  ASSERT_TRUE(written);
  auto mismatch = client_.put("/cas/a", "2", {.if_mod_revision = written->mod_revision + 100});
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error().status, 412u);
  EXPECT_EQ(mismatch.error().title, "Precondition Failed");
  auto match = client_.put("/cas/a", "3", {.if_mod_revision = written->mod_revision});
  ASSERT_TRUE(match) << match.error().describe();
  EXPECT_EQ(match->version, 2u);
  auto remove_mismatch = client_.remove("/cas/a", written->mod_revision);
  ASSERT_FALSE(remove_mismatch);
  EXPECT_EQ(remove_mismatch.error().status, 412u);
}

TEST_F(ClientTest, CreateOnlySucceedsOnceThen412) {
  ASSERT_TRUE(client_.put("/once/a", "1", {.if_mod_revision = std::nullopt, .create_only = true}));
  auto second = client_.put("/once/a", "2", {.if_mod_revision = std::nullopt, .create_only = true});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().status, 412u);
  EXPECT_EQ((*client_.get("/once/a"))->value_json, "1");
}

TEST_F(ClientTest, KeysWithReservedCharactersRoundTrip) {
  const std::string key = "/esc/a b%2F?x=1&y#z+\xC3\xA9";
  auto written = client_.put(key, "\"odd\"");
  ASSERT_TRUE(written) << written.error().describe();
  EXPECT_EQ(written->key, key);
  auto read = client_.get(key);
  ASSERT_TRUE(read && read->has_value());
  EXPECT_EQ((*read)->key, key);
  auto page = client_.list("/esc/", "", 10);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->keys.size(), 1u);
  EXPECT_EQ(page->keys[0].key, key);
}

TEST_F(ClientTest, ProblemDetailsBecomeTheError) {
  auto invalid_key = client_.put("/bad//key", "1");
  ASSERT_FALSE(invalid_key);
  EXPECT_EQ(invalid_key.error().status, 400u);
  EXPECT_EQ(invalid_key.error().title, "Invalid Key");
  EXPECT_FALSE(invalid_key.error().detail.empty());
  auto invalid_value = client_.put("/good/key", "{not json");
  ASSERT_FALSE(invalid_value);
  EXPECT_EQ(invalid_value.error().title, "Invalid Value");
}

// --- cluster ---

TEST_F(ClientTest, ClusterReportsTheSingleNodeAsLeader) {
  ASSERT_TRUE(client_.put("/c/a", "1"));
  auto state = client_.cluster();
  ASSERT_TRUE(state) << state.error().describe();
  EXPECT_EQ(state->id, 1u);
  EXPECT_EQ(state->role, "leader");
  EXPECT_EQ(state->leader, 1u);
  EXPECT_GE(state->term, 1u);
  EXPECT_GE(state->applied_index, 1u);
  EXPECT_EQ(state->revision, 1u);
  ASSERT_EQ(state->members.size(), 1u);
  EXPECT_EQ(state->members[0].id, 1u);
  EXPECT_EQ(state->members[0].role, "voter");
}

// The quick start's first request: a fresh single-node server answered 503
// "no leader is known" for about 1.7 s, so a PUT typed at once failed. A lone
// voter elects itself before its client port opens.
TEST(QuickStartTest, AFreshSingleNodeServerTakesTheFirstWriteAtOnce) {
  ServerProcess server({}, {}, /*await_ready=*/false);
  const client::detail::HttpRequest put{"PUT", "/api/v1/config/app/config/timeout", {}, R"({"value": {"ms": 250}})"};
  auto reply = client::detail::exchange(server.endpoint(), put, 5000);
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(reply->status, 200u) << reply->body << "\n" << server.log();
  // Also after a restart from its data.
  server.restart();
  auto again = client::detail::exchange(server.endpoint(), put, 5000);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->status, 200u) << again->body << "\n" << server.log();
}

// At its ceiling the data file refuses writes, and the node says so where an
// operator looks: /health/ready and /metrics, not only a 507 per write.
TEST(StorageCeilingTest, AFullMapIsReportedByReadinessAndMetrics) {
  ServerProcess server({"--lmdb-map-size-mb=2", "--storage=lmdb"});
  const std::string value = "{\"value\": \"" + std::string(400 * 1024, 'x') + "\"}";
  unsigned last_status = 0;
  for (int i = 0; i < 20 && last_status != 507; ++i) {
    const client::detail::HttpRequest put{"PUT", "/api/v1/config/big/" + std::to_string(i), {}, value};
    auto reply = client::detail::exchange(server.endpoint(), put, 5000);
    ASSERT_TRUE(reply) << reply.error().message;
    last_status = reply->status;
  }
  ASSERT_EQ(last_status, 507u) << server.log();
  auto ready = client::detail::exchange(server.endpoint(), client::detail::HttpRequest{"GET", "/health/ready", {}, {}}, 5000);
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 507u) << ready->body;
  EXPECT_NE(ready->body.find("ceiling of 2 MiB"), std::string::npos) << ready->body;
  auto metrics = client::detail::exchange(server.endpoint(), client::detail::HttpRequest{"GET", "/metrics", {}, {}}, 5000);
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("confman_storage_full 1"), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("confman_storage_map_ceiling_bytes 2097152"), std::string::npos) << metrics->body;
}

TEST_F(ClientTest, TransferToAnUnknownNodeIsRefused) {
  auto transferred = client_.transfer_leadership(9);
  ASSERT_FALSE(transferred);
  EXPECT_GE(transferred.error().status, 400u);
}

// --- exactly once ---

TEST_F(ClientTest, TheSameClientIdAndSequenceApplyOnce) {
  const detail::HttpRequest put{
      "PUT", "/api/v1/config/once/raw", {{"X-Confman-Client-Id", "777"}, {"X-Confman-Sequence", "1"}}, "{\"value\":1}"};
  auto first = detail::exchange(server_.endpoint(), put, 5000);
  auto second = detail::exchange(server_.endpoint(), put, 5000);
  ASSERT_TRUE(first && second);
  ASSERT_EQ(first->status, 200u) << first->body;
  EXPECT_EQ(second->status, 200u) << second->body;
  EXPECT_EQ(first->body, second->body);  // the original answer, replayed
  auto state = client_.cluster();
  ASSERT_TRUE(state);
  EXPECT_EQ(state->revision, 1u);  // one write applied, not two
  EXPECT_EQ((*client_.get("/once/raw"))->version, 1u);
}

TEST_F(ClientTest, ALostAnswerIsRetriedWithTheSameSequenceAndAppliedOnce) {
  // The first node forwards the write to the real one, then loses the answer.
  const std::string real = server_.endpoint();
  FakeHttpServer lossy([real](const RecordedRequest& request, std::size_t) {
    detail::HttpRequest forwarded{request.method, request.target, {}, request.body};
    for (const char* name : {"x-confman-client-id", "x-confman-sequence"}) {
      forwarded.headers.emplace_back(name, request.header(name));
    }
    auto applied = detail::exchange(real, forwarded, 5000);
    if (!applied || applied->status != 200) return problem_response(502, "Bad Gateway", "test: the forward failed");
    return problem_response(504, "Outcome Unknown", "leadership changed");
  });
  Client client(options_for({lossy.endpoint(), real}));
  auto written = client.put("/lost/a", "1");
  ASSERT_TRUE(written) << written.error().describe();
  ASSERT_EQ(lossy.requests().size(), 1u);
  EXPECT_EQ(lossy.requests()[0].header("x-confman-client-id"), std::to_string(client.client_id()));
  EXPECT_EQ(lossy.requests()[0].header("x-confman-sequence"), "1");
  EXPECT_EQ(written->version, 1u);
  EXPECT_EQ(client.current_endpoint(), real);
  auto state = client_.cluster();
  ASSERT_TRUE(state);
  EXPECT_EQ(state->revision, written->revision);  // the retry did not apply it again
}

// --- fake nodes: what a healthy node never does ---

TEST(ClientRetryTest, EveryAttemptOutcomeUnknownEndsOutcomeUnknownWithOneSequence) {
  FakeHttpServer fake([](const RecordedRequest&, std::size_t) {
    return problem_response(504, "Outcome Unknown", "leadership changed");
  });
  client::Options options = options_for({fake.endpoint()});
  options.max_attempts = 3;
  Client client(options);
  auto written = client.put("/u/a", "1");
  ASSERT_FALSE(written);
  EXPECT_TRUE(written.error().outcome_unknown);
  EXPECT_EQ(written.error().status, 504u);
  ASSERT_TRUE(client.remove("/u/a").error().outcome_unknown);
  const auto requests = fake.requests();
  ASSERT_EQ(requests.size(), 6u);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(requests[i].header("x-confman-client-id"), std::to_string(client.client_id()));
    EXPECT_EQ(requests[i].header("x-confman-sequence"), i < 3 ? "1" : "2") << "request " << i;
  }
  EXPECT_EQ(requests[3].method, "DELETE");
}

TEST(ClientRetryTest, AWriteThatTimesOutIsRetriedWithTheSameSequence) {
  FakeHttpServer silent([](const RecordedRequest&, std::size_t) { return kHoldConnection; });
  client::Options options = options_for({silent.endpoint()});
  options.request_timeout_ms = 200;
  options.max_attempts = 2;
  Client client(options);
  auto written = client.put("/t/a", "1");
  ASSERT_FALSE(written);
  EXPECT_TRUE(written.error().outcome_unknown);
  EXPECT_EQ(written.error().title, "Timeout");
  const auto requests = silent.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].header("x-confman-sequence"), requests[1].header("x-confman-sequence"));
}

TEST(ClientRetryTest, AReadRefusedEverywhereIsAnErrorWithoutUnknownOutcome) {
  FakeHttpServer busy(
      [](const RecordedRequest&, std::size_t) { return problem_response(503, "Service Unavailable", "no leader"); });
  client::Options options = options_for({busy.endpoint(), "127.0.0.1:" + std::to_string(closed_port())});
  options.max_attempts = 4;
  Client client(options);
  auto read = client.get("/r/a");
  ASSERT_FALSE(read);
  EXPECT_FALSE(read.error().outcome_unknown);
  EXPECT_EQ(busy.requests().size(), 2u);  // every other attempt went to the dead endpoint
}

TEST(ClientRetryTest, NoReachableNodeIsStatusZero) {
  client::Options options = options_for({"127.0.0.1:" + std::to_string(closed_port())});
  options.max_attempts = 2;
  Client client(options);
  auto written = client.put("/n/a", "1");
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().status, 0u);
  EXPECT_FALSE(written.error().outcome_unknown);  // the request never left this machine's connect()
}

TEST_F(ClientTest, FailsOverToTheNextEndpointWhenTheFirstIsDead) {
  const std::string dead = "127.0.0.1:" + std::to_string(closed_port());
  Client client(options_for({dead, server_.endpoint()}));
  auto written = client.put("/f/a", "1");
  ASSERT_TRUE(written) << written.error().describe();
  EXPECT_EQ(client.current_endpoint(), server_.endpoint());
  auto read = client.get("/f/a");  // now straight to the live node
  ASSERT_TRUE(read && read->has_value());
}

TEST_F(ClientTest, FollowsARedirectAndKeepsAskingThere) {
  const std::string real = server_.endpoint();
  FakeHttpServer follower([real](const RecordedRequest& request, std::size_t) {
    return http_response(307, "Temporary Redirect", "", "Location: http://" + real + request.target + "\r\n");
  });
  Client client(options_for({follower.endpoint()}));
  auto written = client.put("/red/a", "5");
  ASSERT_TRUE(written) << written.error().describe();
  EXPECT_EQ(client.current_endpoint(), real);
  EXPECT_EQ((*client_.get("/red/a"))->value_json, "5");
  ASSERT_TRUE(client.get("/red/a"));
  EXPECT_EQ(follower.requests().size(), 1u);
}

TEST(ClientSessionTest, EachCallTakesTheNextSequenceAndReadYourWritesSendsTheRevisionSeen) {
  FakeHttpServer fake([](const RecordedRequest& request, std::size_t) {
    return http_response(200, "OK", key_json("/s/a", 42),
                         "X-Confman-Version: " + std::string(request.method == "PUT" ? "42" : "40") + "\r\n");
  });
  Client client(options_for({fake.endpoint()}));
  Client other(options_for({fake.endpoint()}));
  ASSERT_TRUE(client.put("/s/a", "1"));
  ASSERT_TRUE(client.put("/s/a", "1"));
  ASSERT_TRUE(client.get("/s/a", Consistency::ReadYourWrites));
  ASSERT_TRUE(other.put("/s/a", "1"));
  const auto requests = fake.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].header("x-confman-sequence"), "1");
  EXPECT_EQ(requests[1].header("x-confman-sequence"), "2");
  EXPECT_EQ(requests[2].header("x-confman-version"), "42");
  EXPECT_EQ(requests[2].target, "/api/v1/config/s/a?consistency=read-your-writes");
  EXPECT_EQ(client.highest_revision_seen(), 42u);
  EXPECT_NE(client.client_id(), 0u);
  EXPECT_LT(client.client_id(), std::uint64_t{1} << 63);
  EXPECT_NE(client.client_id(), other.client_id());
  EXPECT_EQ(requests[3].header("x-confman-sequence"), "1");
}

// --- watches ---

TEST_F(ClientTest, AWatchSeesAPutMadeAfterItStarted) {
  BackgroundWatch watch(server_.endpoint(), "/w/", true, 0, 1);
  ASSERT_TRUE(wait_for_watchers(server_.endpoint(), 1));
  auto written = client_.put("/w/a", "7");
  ASSERT_TRUE(written);
  const auto ended = watch.finish(server_);
  ASSERT_TRUE(ended.has_value()) << "no event within the bound";
  EXPECT_EQ(*ended, "");
  ASSERT_EQ(watch.events().size(), 1u);
  EXPECT_EQ(watch.events()[0].type, "put");
  EXPECT_EQ(watch.events()[0].key_value.key, "/w/a");
  EXPECT_EQ(watch.events()[0].key_value.value_json, "7");
  EXPECT_EQ(watch.events()[0].key_value.revision, written->revision);
}

TEST_F(ClientTest, AWatchFromARevisionReplaysWhatFollowedIt) {
  ASSERT_TRUE(client_.put("/h/a", "1"));
  auto second = client_.put("/h/b", "2");
  ASSERT_TRUE(second);
  ASSERT_TRUE(client_.remove("/h/a"));
  BackgroundWatch watch(server_.endpoint(), "/h", true, second->revision, 2);
  const auto ended = watch.finish(server_);
  ASSERT_TRUE(ended.has_value()) << "the history was not replayed within the bound";
  ASSERT_EQ(watch.events().size(), 2u);
  EXPECT_EQ(watch.events()[0].type, "put");
  EXPECT_EQ(watch.events()[0].key_value.key, "/h/b");
  EXPECT_EQ(watch.events()[0].key_value.revision, second->revision);
  EXPECT_EQ(watch.events()[1].type, "delete");
  EXPECT_EQ(watch.events()[1].key_value.key, "/h/a");
  EXPECT_EQ(watch.events()[1].key_value.revision, second->revision + 1);
}

// The watch history is replicated state bounded in bytes (4 MiB, core/kv/limits.h):
// past it, the oldest events are gone, and a watch from them is refused.
TEST(ClientHistoryTest, AWatchFromBeforeTheRetainedHistoryIs410) {
  ServerProcess server({"--snapshot-entries=5", "--snapshot-log-ratio=0"});
  Client client(options_for({server.endpoint()}));
  // A JSON string value of just under 1 MiB, the most a value may be.
  const std::string big = "\"" + std::string((1 << 20) - 2, 'v') + "\"";
  for (int i = 0; i < 18; ++i) {
    auto written = client.put("/g/a", big);
    ASSERT_TRUE(written) << written.error().describe();
  }
  server.restart();
  BackgroundWatch watch(server.endpoint(), "/g/a", false, 1, 1);
  const auto ended = watch.finish(server);
  ASSERT_TRUE(ended.has_value()) << "the watch neither failed nor ended";
  EXPECT_NE(ended->find("Gone"), std::string::npos) << *ended;
  EXPECT_NE(ended->find("history starts after revision"), std::string::npos) << *ended;
  EXPECT_TRUE(watch.events().empty());
}

// Watches are served from the replicated event log, not from memory: after
// a kill -9 and a restart (here with a snapshot in between), a watch resumed
// with Last-Event-ID gets every later change exactly once.
TEST(ClientHistoryTest, AWatchResumedAfterARestartGetsEveryLaterChangeOnce) {
  ServerProcess server({"--snapshot-entries=3", "--snapshot-log-ratio=0"});
  Client client(options_for({server.endpoint()}));
  std::vector<std::uint64_t> revisions;
  for (int i = 1; i <= 5; ++i) {
    auto written = client.put("/lr/" + std::to_string(i), std::to_string(i));
    ASSERT_TRUE(written);
    revisions.push_back(written->revision);
  }
  server.restart();
  // As a client that last saw the second change: it resumes after it.
  BackgroundWatch watch(server.endpoint(), "/lr/", true, revisions[1] + 1, 4, 10);
  ASSERT_TRUE(watch.wait_for_events(3));
  auto sixth = client.put("/lr/6", "6");
  ASSERT_TRUE(sixth);
  const auto ended = watch.finish(server);
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(*ended, "");
  ASSERT_EQ(watch.events().size(), 4u);
  EXPECT_EQ(watch.events()[0].key_value.revision, revisions[2]);
  EXPECT_EQ(watch.events()[1].key_value.revision, revisions[3]);
  EXPECT_EQ(watch.events()[2].key_value.revision, revisions[4]);
  EXPECT_EQ(watch.events()[3].key_value.revision, sixth->revision);
}

// The same over raw HTTP, as a browser's EventSource resumes: the header
// Last-Event-ID names the last event seen, after a kill -9 and a restart.
TEST(ClientHistoryTest, LastEventIdAfterARestartResumesWithEveryLaterChangeOnce) {
  ServerProcess server({"--snapshot-entries=3", "--snapshot-log-ratio=0"});
  Client client(options_for({server.endpoint()}));
  std::vector<std::uint64_t> revisions;
  for (int i = 1; i <= 5; ++i) {
    auto written = client.put("/le/" + std::to_string(i), std::to_string(i));
    ASSERT_TRUE(written);
    revisions.push_back(written->revision);
  }
  server.restart();
  RawConnection stream(server.client_port());
  ASSERT_TRUE(stream.connected());
  stream.send("GET /api/v1/watch/le/?prefix=true HTTP/1.1\r\nHost: x\r\nLast-Event-ID: " +
              std::to_string(revisions[1]) + "\r\n\r\n");
  std::string seen = stream.read_until_closed(std::chrono::milliseconds(1000));
  auto written = client.put("/le/6", "6");
  ASSERT_TRUE(written);
  seen += stream.read_until_closed(std::chrono::milliseconds(1000));
  std::vector<std::uint64_t> ids;
  static const std::regex id_line("id: ([0-9]+)");
  for (auto it = std::sregex_iterator(seen.begin(), seen.end(), id_line); it != std::sregex_iterator(); ++it) {
    ids.push_back(std::stoull((*it)[1].str()));
  }
  const std::vector<std::uint64_t> expected{revisions[2], revisions[3], revisions[4], written->revision};
  EXPECT_EQ(ids, expected) << seen;
}

TEST_F(ClientTest, AWatchResumesAfterTheServerRestarts) {
  BackgroundWatch watch(server_.endpoint(), "/rs/", true, 0, 2, 10);
  ASSERT_TRUE(wait_for_watchers(server_.endpoint(), 1));
  auto first = client_.put("/rs/a", "1");
  ASSERT_TRUE(first);
  // Only an event the watch has seen sets where it resumes.
  ASSERT_TRUE(watch.wait_for_events(1));
  server_.restart();
  // The watch reconnects on its own; wait until it has (it is the only watcher).
  ASSERT_TRUE(wait_for_watchers(server_.endpoint(), 1));
  auto second = client_.put("/rs/b", "2");
  ASSERT_TRUE(second) << second.error().describe();
  const auto ended = watch.finish(server_);
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(*ended, "");
  ASSERT_EQ(watch.events().size(), 2u);
  EXPECT_EQ(watch.events()[0].key_value.revision, first->revision);
  EXPECT_EQ(watch.events()[1].key_value.revision, second->revision);
}

TEST(ClientWatchTest, ResumesOnTheNextEndpointFromTheRevisionAfterTheLastEvent) {
  const std::string event5 = key_json("/r/a", 5);
  FakeHttpServer first([&](const RecordedRequest&, std::size_t index) {
    if (index > 0) return problem_response(410, "Gone", "test: no second stream here");
    return event_stream_response(sse("progress", "{\"revision\":4}") + sse("put", event5, 5));
  });
  FakeHttpServer second([](const RecordedRequest&, std::size_t index) {
    if (index > 0) return problem_response(410, "Gone", "test: no second stream here");
    return event_stream_response(sse("put", key_json("/r/b", 6, "\"six\""), 6));
  });
  Client client(options_for({first.endpoint(), second.endpoint()}));
  std::vector<WatchEvent> events;
  auto watched = client.watch("/r/", true, 0, [&events](const WatchEvent& event) {
    events.push_back(event);
    return events.size() < 2;
  });
  ASSERT_TRUE(watched) << watched.error().describe();
  ASSERT_EQ(events.size(), 2u);  // the progress report is not an event
  EXPECT_EQ(events[0].key_value.revision, 5u);
  EXPECT_EQ(events[1].key_value.key, "/r/b");
  EXPECT_EQ(events[1].key_value.value_json, "\"six\"");
  ASSERT_EQ(first.requests().size(), 1u);
  ASSERT_EQ(second.requests().size(), 1u);
  EXPECT_EQ(first.requests()[0].target, "/api/v1/watch/r/?prefix=true");
  EXPECT_EQ(second.requests()[0].target, "/api/v1/watch/r/?prefix=true&revision=6");
  EXPECT_EQ(client.highest_revision_seen(), 6u);
}

TEST(ClientWatchTest, AfterOnlyAProgressReportItResumesPastThatRevision) {
  FakeHttpServer node([](const RecordedRequest&, std::size_t index) {
    if (index == 0) return event_stream_response(sse("progress", "{\"revision\":9}"));
    if (index == 1) return event_stream_response(sse("put", key_json("/p/a", 10), 10));
    return problem_response(410, "Gone", "test: no third stream");
  });
  Client client(options_for({node.endpoint()}));
  std::vector<WatchEvent> events;
  auto watched = client.watch("/p/a", false, 0, [&events](const WatchEvent& event) {
    events.push_back(event);
    return false;
  });
  ASSERT_TRUE(watched) << watched.error().describe();
  ASSERT_EQ(node.requests().size(), 2u);
  EXPECT_EQ(node.requests()[1].target, "/api/v1/watch/p/a?revision=10");
}

TEST(ClientWatchTest, EventsBeforeTheRequestedRevisionAreNotHandedOn) {
  // A node may send events it applies even below a watcher's start revision.
  FakeHttpServer node([](const RecordedRequest&, std::size_t index) {
    if (index > 0) return problem_response(410, "Gone", "test: no second stream");
    return event_stream_response(sse("put", key_json("/b/a", 3), 3) + sse("put", key_json("/b/a", 5), 5));
  });
  Client client(options_for({node.endpoint()}));
  std::vector<std::uint64_t> revisions;
  auto watched = client.watch("/b/a", false, 5, [&revisions](const WatchEvent& event) {
    revisions.push_back(event.key_value.revision);
    return false;
  });
  ASSERT_TRUE(watched) << watched.error().describe();
  EXPECT_EQ(revisions, std::vector<std::uint64_t>{5});
  EXPECT_EQ(node.requests()[0].target, "/api/v1/watch/b/a?revision=5");
}

// --- pieces ---

TEST(SseParserTest, SplitsEventsAcrossChunksAndLineEnds) {
  detail::SseParser parser;
  EXPECT_TRUE(parser.feed("id: 7\r\nevent: put\r\ndata: {\"a\"").empty());
  auto events = parser.feed(":1}\r\n\r\n: keep-alive\n\nevent: progress\ndata: x\ndata: y\n\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].id, "7");
  EXPECT_EQ(events[0].event, "put");
  EXPECT_EQ(events[0].data, "{\"a\":1}");
  EXPECT_EQ(events[1].event, "progress");
  EXPECT_EQ(events[1].data, "x\ny");
  EXPECT_EQ(events[1].id, "");
}

TEST(UrlEncodeTest, KeepsSlashesInPathsOnly) {
  EXPECT_EQ(detail::encode_path("/a b/c%d?e#f~g.x-i_j"), "/a%20b/c%25d%3Fe%23f~g.x-i_j");
  EXPECT_EQ(detail::encode_query_value("/a/b+c&d"), "%2Fa%2Fb%2Bc%26d");
  EXPECT_EQ(detail::encode_path("/\xC3\xA9"), "/%C3%A9");
}

TEST(RetryPolicyTest, BackoffDoublesUpToOneSecond) {
  detail::Backoff backoff(300);
  EXPECT_EQ(backoff.next().count(), 300);
  EXPECT_EQ(backoff.next().count(), 600);
  EXPECT_EQ(backoff.next().count(), 1000);
  EXPECT_EQ(backoff.next().count(), 1000);
}

TEST(RetryPolicyTest, ParsesLocationsAndEndpoints) {
  auto location = detail::parse_location("http://10.0.0.2:8002/api/v1/config/a?x=1");
  ASSERT_TRUE(location);
  EXPECT_EQ(location->endpoint, "10.0.0.2:8002");
  EXPECT_EQ(location->target, "/api/v1/config/a?x=1");
  EXPECT_FALSE(detail::parse_location("/relative"));
  EXPECT_EQ(detail::normalize_endpoint("http://h:1/"), "h:1");
  EXPECT_EQ(detail::classify(503), detail::Verdict::TryElsewhere);
  EXPECT_EQ(detail::classify(412), detail::Verdict::Answer);
  EXPECT_EQ(detail::classify(307), detail::Verdict::Redirect);
}

// --- confmanctl ---

class CtlTest : public ::testing::Test {
 protected:
  CommandResult ctl(std::vector<std::string> args) {
    args.insert(args.begin(), {CONFMANCTL_PATH, "--endpoints", server_.endpoint()});
    return run_command(args);
  }
  ServerProcess server_;
};

TEST_F(CtlTest, PutThenGetPrintsAnAlignedTable) {
  const CommandResult put = ctl({"put", "/ctl/a", "{\"x\":1}"});
  ASSERT_EQ(put.exit_code, 0) << put.err;
  const CommandResult get = ctl({"get", "/ctl/a"});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  const auto newline = get.out.find('\n');
  ASSERT_NE(newline, std::string::npos);
  const std::string header = get.out.substr(0, newline);
  const std::string row = get.out.substr(newline + 1);
  EXPECT_EQ(header.rfind("KEY", 0), 0u);
  EXPECT_EQ(row.rfind("/ctl/a", 0), 0u);
  EXPECT_EQ(header.find("VALUE"), row.find("{\"x\":1}"));  // the columns line up
  EXPECT_EQ(get.err, "");
}

TEST_F(CtlTest, JsonOutputAndNonJsonValuesAsStrings) {
  ASSERT_EQ(ctl({"put", "/ctl/s", "hello world"}).exit_code, 0);
  const CommandResult get = ctl({"--json", "get", "/ctl/s"});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  const boost::json::value parsed = boost::json::parse(get.out);
  EXPECT_EQ(parsed.at("key").as_string(), "/ctl/s");
  EXPECT_EQ(parsed.at("value").as_string(), "hello world");
  EXPECT_EQ(parsed.at("version").as_int64(), 1);
  const CommandResult after_command = ctl({"get", "/ctl/s", "--json"});
  EXPECT_EQ(after_command.out, get.out);
}

TEST_F(CtlTest, LsFollowsCursorsWithAll) {
  for (const char* key : {"/ls/a", "/ls/b", "/ls/c"}) ASSERT_EQ(ctl({"put", key, "1"}).exit_code, 0);
  const CommandResult all = ctl({"ls", "/ls/", "--limit", "1", "--all", "--json"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  const boost::json::value parsed = boost::json::parse(all.out);
  EXPECT_EQ(parsed.at("keys").as_array().size(), 3u);
  EXPECT_FALSE(parsed.as_object().contains("next"));
  const CommandResult first_page = ctl({"ls", "/ls", "--limit", "1"});
  ASSERT_EQ(first_page.exit_code, 0) << first_page.err;
  EXPECT_NE(first_page.out.find("/ls/a"), std::string::npos);
  EXPECT_EQ(first_page.out.find("/ls/b"), std::string::npos);
  EXPECT_NE(first_page.err.find("--all"), std::string::npos);
}

TEST_F(CtlTest, ExitCodesAndErrorLines) {
  const CommandResult missing = ctl({"get", "/ctl/missing"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err.rfind("confmanctl: Not Found: ", 0), 0u) << missing.err;
  ASSERT_EQ(ctl({"put", "/ctl/once", "1", "--create-only"}).exit_code, 0);
  const CommandResult conflict = ctl({"put", "/ctl/once", "2", "--create-only"});
  EXPECT_EQ(conflict.exit_code, 1);
  EXPECT_EQ(conflict.err.rfind("confmanctl: Precondition Failed: ", 0), 0u) << conflict.err;
  EXPECT_EQ(ctl({"get"}).exit_code, 2);
  EXPECT_EQ(ctl({"put", "/ctl/x", "1", "--if-mod-revision", "abc"}).exit_code, 2);
  const CommandResult unreachable =
      run_command({CONFMANCTL_PATH, "--endpoints", "127.0.0.1:" + std::to_string(closed_port()), "get", "/a"});
  EXPECT_EQ(unreachable.exit_code, 1);
  EXPECT_EQ(unreachable.err.rfind("confmanctl: Unavailable: ", 0), 0u) << unreachable.err;
}

TEST_F(CtlTest, EndpointsFromTheEnvironmentAndClusterStatus) {
  const CommandResult status =
      run_command({CONFMANCTL_PATH, "--json", "cluster", "status"}, {"CONFMAN_ENDPOINTS=" + server_.endpoint()});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  const boost::json::value parsed = boost::json::parse(status.out);
  EXPECT_EQ(parsed.at("role").as_string(), "leader");
  EXPECT_EQ(parsed.at("members").as_array().size(), 1u);
  const CommandResult members = ctl({"member", "list"});
  ASSERT_EQ(members.exit_code, 0) << members.err;
  EXPECT_EQ(members.out.rfind("ID", 0), 0u);
  EXPECT_NE(members.out.find("voter"), std::string::npos);
}

TEST(CtlUnreachableTest, AnUnknownOutcomeIsSaidExplicitly) {
  FakeHttpServer fake([](const RecordedRequest&, std::size_t) {
    return problem_response(504, "Outcome Unknown", "leadership changed");
  });
  const CommandResult put = run_command({CONFMANCTL_PATH, "--endpoints", fake.endpoint(), "put", "/u/a", "1"});
  EXPECT_EQ(put.exit_code, 1);
  EXPECT_NE(put.err.find("outcome unknown"), std::string::npos) << put.err;
}

}  // namespace
}  // namespace confman::real::testing
