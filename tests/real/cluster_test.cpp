// Three (and four) real confman-server processes on 127.0.0.1: the API and
// confmanctl against a live cluster; the leader killed with SIGKILL under a
// concurrent write load and restarted, with the recorded client history
// checked for linearizability (no acknowledged write lost); a fourth node
// added and a founding one removed through confmanctl.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <thread>

#include "check/checker.h"
#include "real/client/http_exchange.h"
#include "tests/real/process_cluster.h"
#include "tools/nemesis/recorded_workload.h"

namespace confman::real::testing {
namespace {

using namespace std::chrono_literals;

client::Options options_for(const ProcessCluster& cluster) {
  client::Options options;
  options.endpoints = cluster.endpoints();
  options.request_timeout_ms = 2000;
  options.max_attempts = 30;
  options.retry_backoff_ms = 50;
  return options;
}

// Runs confmanctl against every node of the cluster; returns what it printed.
ProgramResult run_confmanctl(const ProcessCluster& cluster, const std::vector<std::string>& args) {
  std::string endpoints;
  for (const std::string& endpoint : cluster.endpoints()) endpoints += (endpoints.empty() ? "" : ",") + endpoint;
  std::vector<std::string> argv{CONFMANCTL_PATH, "--endpoints", endpoints};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, cluster.directory() / "ctl.out");
}

TEST(RealCluster, PutGetListWatchThroughTheApi) {
  ProcessCluster cluster(3);
  cluster.start_all();
  ASSERT_NE(cluster.await_leader(), 0u) << cluster.log_of(1);
  client::Client client(options_for(cluster));
  auto put = client.put("/app/config/timeout", "{\"ms\":250}");
  ASSERT_TRUE(put.ok()) << put.error().describe();
  EXPECT_EQ(put->version, 1u);
  ASSERT_TRUE(client.put("/app/config/retries", "3").ok());

  // Every node answers a linearizable read with the write, leader or not.
  for (std::uint64_t id = 1; id <= 3; ++id) {
    client::Client direct = cluster.client_for(id);
    auto got = direct.get("/app/config/timeout");
    ASSERT_TRUE(got.ok()) << "node " << id << ": " << got.error().describe();
    ASSERT_TRUE(got->has_value());
    EXPECT_EQ((*got)->value_json, "{\"ms\":250}");
  }
  auto page = client.list("/app/config/", "", 1);
  ASSERT_TRUE(page.ok()) << page.error().describe();
  ASSERT_EQ(page->keys.size(), 1u);
  ASSERT_TRUE(page->next.has_value());
  auto rest = client.list("/app/config/", *page->next, 10);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->keys.size(), 1u);
  EXPECT_NE(rest->keys[0].key, page->keys[0].key);

  // A watch from the first write's revision sees both writes, in order.
  std::vector<std::string> seen;
  auto watched = client.watch("/app/config/", true, put->revision, [&seen](const client::WatchEvent& event) {
    seen.push_back(event.type + " " + event.key_value.key);
    return seen.size() < 2;
  });
  ASSERT_TRUE(watched.ok()) << watched.error().describe();
  EXPECT_EQ(seen, (std::vector<std::string>{"put /app/config/timeout", "put /app/config/retries"}));
}

TEST(RealCluster, ConfmanctlAgainstTheCluster) {
  ProcessCluster cluster(3);
  cluster.start_all();
  ASSERT_NE(cluster.await_leader(), 0u);
  auto ctl = [&cluster](const std::vector<std::string>& args) { return run_confmanctl(cluster, args); };
  EXPECT_EQ(ctl({"put", "/svc/a", "hello"}).exit_code, 0);
  auto got = ctl({"get", "/svc/a"});
  EXPECT_EQ(got.exit_code, 0) << got.output;
  EXPECT_NE(got.output.find("hello"), std::string::npos) << got.output;
  auto listed = ctl({"--json", "ls", "/svc/"});
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find("\"/svc/a\""), std::string::npos) << listed.output;
  EXPECT_EQ(ctl({"put", "/svc/b", "42"}).exit_code, 0);
  auto watched = ctl({"watch", "/svc/", "--prefix", "--revision", "1", "--max-events", "2"});
  EXPECT_EQ(watched.exit_code, 0) << watched.output;
  EXPECT_NE(watched.output.find("/svc/a"), std::string::npos) << watched.output;
  EXPECT_NE(watched.output.find("/svc/b"), std::string::npos) << watched.output;
  auto status = ctl({"cluster", "status"});
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_EQ(ctl({"get", "/svc//bad"}).exit_code, 1);
}

// History recording for the linearizability check: our history format
// (sim/HISTORY.md) through its own types, in real time since the test
// started (nemesis::SharedHistory, which confman-nemesis records with).
using Recorder = nemesis::SharedHistory;

sim::HistoryEvent invocation(Recorder& history, int process, sim::OpKind kind, const std::string& key) {
  sim::HistoryEvent event;
  event.process = process;
  event.f = kind;
  event.key = key;
  event.time_us = history.now_us();
  return event;
}

void record_put(Recorder& history, int process, client::Client& client, const std::string& key, const std::string& value,
                std::atomic<int>& acknowledged) {
  sim::HistoryEvent event = invocation(history, process, sim::OpKind::Put, key);
  event.value = value;
  history.record(event);
  auto put = client.put(key, value);
  event.time_us = history.now_us();
  if (put) {
    acknowledged += 1;
    event.type = sim::EventType::Ok;
    event.revision = put->mod_revision;
    event.version = put->version;
  } else {
    event.type = sim::EventType::Info;  // it may have taken effect
  }
  history.record(event);
}

void record_get(Recorder& history, int process, client::Client& client, const std::string& key) {
  sim::HistoryEvent event = invocation(history, process, sim::OpKind::Get, key);
  history.record(event);
  auto got = client.get(key);
  event.time_us = history.now_us();
  if (!got) {
    event.type = sim::EventType::Fail;  // a read has no effect
  } else {
    event.type = sim::EventType::Ok;
    event.found = got->has_value();
    event.read_revision = client.highest_revision_seen();
    if (got->has_value()) {
      const client::KeyValue& item = **got;
      event.value = item.value_json;
      event.mod_revision = item.mod_revision;
      event.create_revision = item.create_revision;
      event.version = item.version;
      event.read_revision = item.revision;
    }
  }
  history.record(event);
}

TEST(RealCluster, LeaderKilledUnderLoadLosesNoAcknowledgedWrite) {
  ProcessCluster cluster(3);
  cluster.start_all();
  const std::uint64_t leader = cluster.await_leader();
  ASSERT_NE(leader, 0u);
  Recorder history(std::chrono::steady_clock::now());
  std::atomic<bool> stop{false};
  std::atomic<int> acknowledged{0};
  constexpr int kWriters = 4;
  std::vector<std::thread> writers;
  for (int process = 0; process < kWriters; ++process) {
    writers.emplace_back([&, process] {
      client::Client client(options_for(cluster));
      for (int op = 0; !stop; ++op) {
        const std::string key = "/load/k" + std::to_string(op % 3);
        if (op % 3 == 2) {
          record_get(history, process, client, key);
        } else {
          record_put(history, process, client, key, "\"p" + std::to_string(process) + "-" + std::to_string(op) + "\"",
                     acknowledged);
        }
      }
    });
  }
  auto wait_for_writes = [&acknowledged](int target) {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (acknowledged < target && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  };
  wait_for_writes(50);
  cluster.kill_node(leader, SIGKILL);
  const int before_restart = acknowledged;
  wait_for_writes(before_restart + 50);  // the others elect a leader and carry on
  cluster.start(leader);
  wait_for_writes(acknowledged + 50);
  stop = true;
  for (auto& writer : writers) writer.join();
  ASSERT_GE(acknowledged.load(), 150) << "the cluster did not keep accepting writes";

  // Final reads of every key, after everything else, on the restarted node.
  client::Client reader(options_for(cluster));
  for (int k = 0; k < 3; ++k) record_get(history, kWriters, reader, "/load/k" + std::to_string(k));

  check::CheckOptions check_options;
  check_options.model = "confman-kv";
  const check::CheckReport report = check::check_confman_history(history.to_jsonl(), check_options, "real-cluster");
  EXPECT_EQ(report.verdict, check::Verdict::Linearizable) << report.summary << "\n" << report.explanation_text;
  EXPECT_NE(cluster.await_leader(), 0u);
}

// A SIGSTOPped leader blocked clients for the whole pause (4.2 and 7.1 s
// observed) although the others elected a new leader within 2 s: followers
// kept waiting on the frozen leader. A follower now re-routes a write that
// carries a session to the new leader as soon as it hears of it, and answers
// while the old leader is still frozen.
TEST(RealCluster, AWriteForwardedToAFrozenLeaderIsServedByTheNextOne) {
  ProcessCluster cluster(3);
  cluster.start_all();
  const std::uint64_t leader = cluster.await_leader();
  ASSERT_NE(leader, 0u);
  const std::uint64_t follower = leader == 1 ? 2 : 1;
  cluster.signal_node(leader, SIGSTOP);
  const client::detail::HttpRequest put{
      "PUT", "/api/v1/config/frozen/a", {{"X-Confman-Client-Id", "77"}, {"X-Confman-Sequence", "1"}}, R"({"value": 1})"};
  // The old leader stays frozen until the answer is in.
  auto reply = client::detail::exchange(cluster.node(follower).client_url(), put, 10'000);
  cluster.signal_node(leader, SIGCONT);
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(reply->status, 200u) << reply->body << "\n" << cluster.log_of(follower);
  // Written once, though the frozen leader may have taken it too.
  client::Client reader(options_for(cluster));
  auto got = reader.get("/frozen/a");
  ASSERT_TRUE(got.ok()) << got.error().describe();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->version, 1u);
}

TEST(RealCluster, AddAFourthNodeAndRemoveOneThroughConfmanctl) {
  ProcessCluster cluster(3);
  cluster.start_all();
  ASSERT_NE(cluster.await_leader(), 0u);
  client::Client client(options_for(cluster));
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(client.put("/data/" + std::to_string(i), std::to_string(i)).ok());

  const auto& fourth = cluster.add_node(4, /*join=*/true);
  cluster.start(4);
  auto ctl = [&cluster](const std::vector<std::string>& args) { return run_confmanctl(cluster, args); };
  auto added = ctl({"member", "add", "4", fourth.peer_url(), fourth.client_url()});
  ASSERT_EQ(added.exit_code, 0) << added.output;
  // The learner catches up; then it can be promoted.
  client::Client on_fourth = cluster.client_for(4);
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  bool caught_up = false;
  while (!caught_up && std::chrono::steady_clock::now() < deadline) {
    auto got = on_fourth.get("/data/19", client::Consistency::Stale);
    caught_up = got.ok() && got->has_value();
    if (!caught_up) std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(caught_up) << cluster.log_of(4);
  auto promoted = ctl({"member", "promote", "4"});
  ASSERT_EQ(promoted.exit_code, 0) << promoted.output;
  auto removed = ctl({"member", "remove", "1"});
  ASSERT_EQ(removed.exit_code, 0) << removed.output;
  auto listed = ctl({"--json", "member", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  std::vector<std::int64_t> members;
  boost::system::error_code error;
  const auto state = boost::json::parse(listed.output, error);
  ASSERT_FALSE(error) << listed.output;
  for (const auto& member : state.at("members").as_array()) members.push_back(member.at("id").as_int64());
  EXPECT_EQ(members, (std::vector<std::int64_t>{2, 3, 4})) << listed.output;
  // The cluster of 2, 3 and 4 still takes writes.
  client::Options options;
  options.endpoints = {cluster.node(2).client_url(), cluster.node(3).client_url(), cluster.node(4).client_url()};
  client::Client after(options);
  EXPECT_TRUE(after.put("/data/after", "1").ok());
}

}  // namespace
}  // namespace confman::real::testing
