// confman-nemesis's schedules: which links each network fault cuts, the
// order of a schedule's steps, which leader faults count for failover, a
// scenario file's timeline as real faults (and what is refused), and the
// link proxy's delay and loss, through the real confman-link-proxy binary.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

#include "sim/scenario.h"
#include "tools/nemesis/fault_plan.h"
#include "tools/nemesis/link_proxy.h"
#include "tools/nemesis/run_command.h"
#include "tools/nemesis/run_judgment.h"
#include "tools/nemesis/scenario_faults.h"

namespace confman::nemesis {
namespace {

using Links = std::vector<std::pair<std::size_t, std::size_t>>;

PlannedFault network_fault(FaultKind kind, std::vector<std::vector<std::size_t>> groups) {
  PlannedFault fault;
  fault.kind = kind;
  fault.groups = std::move(groups);
  return fault;
}

TEST(LinksCut, APartitionCutsEveryLinkBetweenGroupsAndIsolatesNodesInNone) {
  EXPECT_EQ(links_cut(network_fault(FaultKind::Partition, {{1, 2}, {3}}), 3, 1),
            (Links{{1, 3}, {2, 3}, {3, 1}, {3, 2}}));
  // Node 3 is in no group: it talks to nobody; 1 and 2 still talk.
  EXPECT_EQ(links_cut(network_fault(FaultKind::Partition, {{1, 2}}), 3, 1), (Links{{1, 3}, {2, 3}, {3, 1}, {3, 2}}));
  EXPECT_EQ(links_cut(network_fault(FaultKind::Partition, {{1}, {2}, {3}}), 3, 1).size(), 6u);
}

TEST(LinksCut, OneWayBridgeAndIsolateLeaderCutWhatTheyName) {
  EXPECT_EQ(links_cut(network_fault(FaultKind::OneWay, {{1}, {2, 3}}), 3, 2), (Links{{1, 2}, {1, 3}}));
  EXPECT_EQ(links_cut(network_fault(FaultKind::Bridge, {{1}, {2}, {3}}), 3, 2), (Links{{1, 2}, {2, 1}}));
  EXPECT_EQ(links_cut(network_fault(FaultKind::IsolateLeader, {}), 3, 2), (Links{{1, 2}, {2, 1}, {2, 3}, {3, 2}}));
  EXPECT_TRUE(links_cut(network_fault(FaultKind::IsolateLeader, {}), 3, 0).empty()) << "no leader, nothing to cut";
  EXPECT_TRUE(links_cut(network_fault(FaultKind::Crash, {}), 3, 1).empty());
}

TEST(Schedule, StepsAreInTimeOrderWithEndsBeforeBeginsAtTheSameMoment) {
  PlannedFault a, b;
  a.at_ms = 100;
  a.duration_ms = 50;
  b.at_ms = 150;
  b.duration_ms = 10;
  const auto steps = schedule_steps({b, a});
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_EQ(steps[0].fault, 1u);
  EXPECT_TRUE(steps[0].begins);
  EXPECT_EQ(steps[1].at_ms, 150u);
  EXPECT_FALSE(steps[1].begins) << "a ends before b begins";
  EXPECT_EQ(steps[1].fault, 1u);
  EXPECT_TRUE(steps[2].begins);
  EXPECT_EQ(steps[3].at_ms, 160u);
}

ClusterCondition healthy(std::size_t nodes) { return {std::vector<bool>(nodes, false), {}}; }

TEST(CleanLeaderFault, TheLeaderDownOrCutOffWhileAMajorityOfTheRestIsTogether) {
  ClusterCondition crashed = healthy(3);
  crashed.down[0] = true;
  EXPECT_TRUE(clean_leader_fault(crashed, 1));
  EXPECT_FALSE(clean_leader_fault(crashed, 2)) << "a follower's crash leaves the leader in place";
  ClusterCondition two_down = crashed;
  two_down.down[1] = true;
  EXPECT_TRUE(leader_struck(two_down, 1));
  EXPECT_FALSE(clean_leader_fault(two_down, 1)) << "no majority left to elect a leader";
  ClusterCondition isolated = healthy(5);
  for (const std::size_t other : {2, 3, 4, 5}) isolated.cut.insert({1, other});  // one way is enough
  EXPECT_TRUE(clean_leader_fault(isolated, 1));
  ClusterCondition minority = healthy(5);  // {1, 2} | {3, 4, 5}
  for (const std::size_t a : {1, 2}) {
    for (const std::size_t b : {3, 4, 5}) minority.cut.insert({a, b});
  }
  EXPECT_TRUE(clean_leader_fault(minority, 1));
  EXPECT_FALSE(clean_leader_fault(minority, 3)) << "the leader keeps its majority";
  ClusterCondition bridged = healthy(3);  // 1 -x- 2, 3 talks to both: leader 1 still reaches 3
  bridged.cut = {{1, 2}, {2, 1}};
  EXPECT_FALSE(leader_struck(bridged, 1));
}

sim::Scenario scenario_from(const std::string& text) {
  auto scenario = sim::parse_scenario(text, "test.toml");
  EXPECT_TRUE(scenario.ok()) << (scenario ? "" : scenario.error().message);
  return *scenario;
}

TEST(ScenarioFaults, ATimelineBecomesFaultsThatLastUntilTheirEnd) {
  const sim::Scenario scenario = scenario_from(R"(
name = "t"
nodes = 5
duration_ms = 12000
[[timeline]]
at_ms = 2000
action = "isolate-leader"
[[timeline]]
at_ms = 4000
action = "crash"
node = 2
[[timeline]]
at_ms = 6000
action = "heal"
[[timeline]]
at_ms = 7000
action = "restart"
node = 2
[[timeline]]
at_ms = 8000
action = "pause"
node = 3
duration_ms = 500
[[timeline]]
at_ms = 9000
action = "clock-jump"
node = 4
delta_ms = -2500
)");
  const auto faults = timeline_faults(scenario);
  ASSERT_TRUE(faults.ok()) << faults.error();
  ASSERT_EQ(faults->size(), 4u);
  EXPECT_EQ((*faults)[0].kind, FaultKind::IsolateLeader);
  EXPECT_EQ((*faults)[0].at_ms, 2000u);
  EXPECT_EQ((*faults)[0].duration_ms, 4000u) << "until the heal";
  EXPECT_EQ((*faults)[1].kind, FaultKind::Crash);
  EXPECT_EQ((*faults)[1].node, 2u);
  EXPECT_EQ((*faults)[1].duration_ms, 3000u) << "until the restart";
  EXPECT_EQ((*faults)[2].kind, FaultKind::Pause);
  EXPECT_EQ((*faults)[2].duration_ms, 500u);
  EXPECT_EQ((*faults)[3].kind, FaultKind::ClockJump);
  EXPECT_EQ((*faults)[3].amount, -2) << "whole seconds";
  EXPECT_EQ((*faults)[3].duration_ms, 3000u) << "until the end of the run";
}

TEST(ScenarioFaults, AFlapIsADownPeriodEveryOtherPeriodUntilTheHeal) {
  const auto faults = timeline_faults(scenario_from(R"(
name = "f"
nodes = 3
duration_ms = 5000
[[timeline]]
at_ms = 1000
action = "flap"
groups = [[1], [2]]
period_ms = 200
[[timeline]]
at_ms = 2000
action = "heal"
)"));
  ASSERT_TRUE(faults.ok()) << faults.error();
  ASSERT_EQ(faults->size(), 3u);  // down at 1000, 1400, 1800
  for (std::size_t i = 0; i < faults->size(); ++i) {
    EXPECT_EQ((*faults)[i].kind, FaultKind::Bridge);
    EXPECT_EQ((*faults)[i].at_ms, 1000u + 400 * i);
    EXPECT_EQ((*faults)[i].duration_ms, 200u);
    EXPECT_EQ(links_cut((*faults)[i], 3, 1), (Links{{1, 2}, {2, 1}}));
  }
}

TEST(ScenarioFaults, WhatExistsOnlyInTheSimulatorIsRefusedWithTheReason) {
  RunSettings settings;
  const auto corrupt = apply_scenario(scenario_from(R"(
name = "c"
nodes = 3
[[timeline]]
at_ms = 1000
action = "corrupt"
node = 1
)"),
                                      settings);
  ASSERT_FALSE(corrupt.ok());
  EXPECT_NE(corrupt.error().find("'corrupt' at 1000 ms exists only in the simulator"), std::string::npos)
      << corrupt.error();
  const auto canary = apply_scenario(scenario_from("name = \"u\"\nnodes = 3\n[workload]\nread_consistency = \"unsafe-local\"\n"
                                                   "[expect]\nviolation = \"linearizability\"\n"),
                                     settings);
  ASSERT_FALSE(canary.ok());
  EXPECT_NE(canary.error().find("simulator canary"), std::string::npos) << canary.error();
}

TEST(ScenarioFaults, TheRepositoryScenariosThatCanRunForRealCarryTheirSettings) {
  RunSettings settings;
  const auto loaded = sim::load_scenario(std::string(CONFMAN_SOURCE_DIR) + "/scenarios/lossy-partitions-5.toml");
  ASSERT_TRUE(loaded.ok());
  const auto translated = apply_scenario(*loaded, settings);
  ASSERT_TRUE(translated.ok()) << translated.error();
  EXPECT_EQ(settings.nodes, 5u);
  EXPECT_EQ(settings.duration_ms, 20'000u);
  EXPECT_EQ(settings.clients, 12u);
  EXPECT_EQ(settings.baseline_links.delay_max_ms, 8u);
  EXPECT_EQ(settings.baseline_links.loss_ppm, 50'000u);
  EXPECT_EQ(std::count(settings.fault_kinds.begin(), settings.fault_kinds.end(), FaultKind::Partition), 1);
  EXPECT_EQ(std::count(settings.fault_kinds.begin(), settings.fault_kinds.end(), FaultKind::Crash), 0);
  EXPECT_FALSE(translated->notes.empty()) << "duplication is named as left out";
  // Every repository scenario either translates or is refused with a
  // reason, and most run for real.
  std::size_t translated_count = 0, refused = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(CONFMAN_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".toml") continue;
    auto scenario = sim::load_scenario(entry.path().string());
    ASSERT_TRUE(scenario.ok()) << entry.path();
    RunSettings each;
    auto result = apply_scenario(*scenario, each);
    if (result) {
      translated_count += 1;
    } else {
      refused += 1;
      EXPECT_FALSE(result.error().empty()) << entry.path();
    }
  }
  EXPECT_GT(translated_count, refused);
}

TEST(LinkConditions, ParseAndDrawDelays) {
  LinkConditions conditions;
  EXPECT_TRUE(LinkConditions::parse("10 20 5000", conditions));
  EXPECT_EQ(conditions.text(), "10 20 5000");
  EXPECT_FALSE(LinkConditions::parse("20 10 0", conditions)) << "min above max";
  EXPECT_FALSE(LinkConditions::parse("1 2", conditions));
  EXPECT_FALSE(LinkConditions::parse("0 0 2000000", conditions)) << "loss above a million ppm";
  std::mt19937_64 random(1);
  std::uint32_t losses = 0;
  for (int i = 0; i < 1000; ++i) {
    const std::uint32_t delay = chunk_delay_ms({10, 20, 0}, random, losses);
    EXPECT_GE(delay, 10u);
    EXPECT_LE(delay, 20u);
  }
  // Every chunk lost: retransmission timeouts double, then stay at 1.6 s.
  losses = 0;
  const LinkConditions always_lost{0, 0, 1'000'000};
  EXPECT_EQ(chunk_delay_ms(always_lost, random, losses), 200u);
  EXPECT_EQ(chunk_delay_ms(always_lost, random, losses), 400u);
  EXPECT_EQ(chunk_delay_ms(always_lost, random, losses), 800u);
  EXPECT_EQ(chunk_delay_ms(always_lost, random, losses), 1600u);
  EXPECT_EQ(chunk_delay_ms(always_lost, random, losses), 1600u);
  EXPECT_EQ(chunk_delay_ms({}, random, losses), 0u);
  EXPECT_EQ(losses, 0u);
}

// A listening socket on 127.0.0.1 and its port.
int listen_on_loopback(std::uint16_t& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  EXPECT_EQ(::listen(fd, 4), 0);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  port = ntohs(address.sin_port);
  return fd;
}

// Connects to 127.0.0.1:port, retrying while nothing listens there yet
// (the proxy process is starting); -1 after `attempts`.
int connect_when_listening(std::uint16_t port, int attempts) {
  for (int i = 0; i < attempts; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) return fd;
    ::close(fd);
    ::usleep(20'000);  // polling for the listener, not standing in for it
  }
  return -1;
}

std::string read_exactly(int fd, std::size_t bytes) {
  std::string got(bytes, '\0');
  std::size_t have = 0;
  while (have < bytes) {
    const ssize_t n = ::read(fd, got.data() + have, bytes - have);
    if (n <= 0) break;
    have += static_cast<std::size_t>(n);
  }
  got.resize(have);
  return got;
}

TEST(LinkProxy, BytesArriveWholeInOrderAndNoSoonerThanTheDelay) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("link-proxy-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "control") << "150 150 0\n";
  std::uint16_t target_port = 0, proxy_port = 0;
  const int target = listen_on_loopback(target_port);
  ::close(listen_on_loopback(proxy_port));  // a free port for the proxy
  auto pid = spawn_logged({CONFMAN_LINK_PROXY_PATH, "--listen-address", "127.0.0.1", "--listen-port",
                           std::to_string(proxy_port), "--to-address", "127.0.0.1", "--to-port",
                           std::to_string(target_port), "--control", (dir / "control").string(), "--seed", "3"},
                          {}, dir / "proxy.log");
  ASSERT_TRUE(pid.ok()) << pid.error().message;
  const int client = connect_when_listening(proxy_port, 250);
  ASSERT_GE(client, 0) << "the proxy never listened";
  const int server = ::accept(target, nullptr, nullptr);
  ASSERT_GE(server, 0);
  std::string payload(200'000, '\0');
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i * 31 + i / 977);
  const auto sent_at = std::chrono::steady_clock::now();
  ASSERT_EQ(::write(client, payload.data(), payload.size()), static_cast<ssize_t>(payload.size()));
  EXPECT_EQ(read_exactly(server, payload.size()), payload);
  const auto waited = std::chrono::steady_clock::now() - sent_at;
  EXPECT_GE(waited, std::chrono::milliseconds(150)) << "a lower bound: a slow machine only adds to it";
  ASSERT_EQ(::write(server, "pong", 4), 4);
  EXPECT_EQ(read_exactly(client, 4), "pong") << "the other direction passes too";
  // The server end closing closes the client's.
  ::close(server);
  char byte = 0;
  EXPECT_EQ(::read(client, &byte, 1), 0);
  ::close(client);
  ::close(target);
  ::kill(*pid, SIGKILL);
  int status = 0;
  ::waitpid(*pid, &status, 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace confman::nemesis
