// Scenario files: bad input is rejected with the file, the line and what is
// wrong; every shipped scenario loads.

#include <gtest/gtest.h>

#include <filesystem>

#include "sim/scenario.h"
#include "sim/scenario_writer.h"
#include "sim/sweep.h"

namespace confman::sim {
namespace {

std::string error_of(const std::string& text) {
  auto scenario = parse_scenario(text, "bad.toml");
  EXPECT_FALSE(scenario.ok());
  return scenario.ok() ? std::string() : scenario.error().message;
}

TEST(Scenario, ParsesEveryField) {
  auto scenario = parse_scenario(R"(
name = "full"
nodes = 5
duration_ms = 1500
[raft]
election_timeout_ms = 200
heartbeat_interval_ms = 20
[network]
delay_min_ms = 0.25
delay_max_ms = 4
loss = 0.1
duplicate = 0.000001
[storage]
sync_min_ms = 1
sync_max_ms = 2
[clock]
max_offset_ms = 10
max_drift_ppm = 300
[workload]
clients = 3
keys = 2
mix = { get = 1, put = 2, delete = 3, cas = 4 }
read_consistency = "unsafe-local"
[nemesis]
partitions_per_minute = 5
crashes_per_minute = 7
heal_after_ms = [10, 20]
restart_after_ms = [30, 40]
[[timeline]]
at_ms = 100
action = "partition"
groups = [[1, 2], [3, 4, 5]]
[[timeline]]
at_ms = 200.5
action = "crash"
node = 4
[expect]
violation = true
liveness_ms = 5000
)",
                                 "full.toml");
  ASSERT_TRUE(scenario.ok()) << scenario.error().message;
  EXPECT_EQ(scenario->nodes, 5);
  EXPECT_EQ(scenario->duration_us, 1'500'000);
  EXPECT_EQ(scenario->raft.election_timeout_us, 200'000);
  EXPECT_EQ(scenario->network.delay_min_us, 250);
  EXPECT_EQ(scenario->network.loss_ppm, 100'000u);
  EXPECT_EQ(scenario->network.duplicate_ppm, 1u);
  EXPECT_EQ(scenario->clock.max_drift_ppm, 300);
  EXPECT_EQ(scenario->workload.cas_weight, 4u);
  EXPECT_TRUE(scenario->workload.unsafe_local_reads);
  EXPECT_EQ(scenario->nemesis.restart_after_max_us, 40'000);
  ASSERT_EQ(scenario->timeline.size(), 2u);
  EXPECT_EQ(scenario->timeline[0].groups.size(), 2u);
  EXPECT_EQ(scenario->timeline[1].at_us, 200'500);
  EXPECT_EQ(scenario->timeline[1].node, 4u);
  EXPECT_TRUE(scenario->expect.violation);
}

TEST(Scenario, UnknownFieldNamesFileLineAndField) {
  const std::string error = error_of("name = \"x\"\nnodes = 3\n\n[network]\nlos = 0.1\n");
  EXPECT_NE(error.find("bad.toml:5"), std::string::npos) << error;
  EXPECT_NE(error.find("unknown field 'los'"), std::string::npos) << error;
}

TEST(Scenario, OutOfRangeValueIsRejected) {
  const std::string error = error_of("name = \"x\"\nnodes = 9\n");
  EXPECT_NE(error.find("bad.toml:2"), std::string::npos) << error;
  EXPECT_NE(error.find("'nodes' must be between 1 and 7"), std::string::npos) << error;
}

TEST(Scenario, BadProbabilityIsRejected) {
  const std::string error = error_of("name = \"x\"\n[network]\nloss = 1.5\n");
  EXPECT_NE(error.find("bad.toml:3"), std::string::npos) << error;
  EXPECT_NE(error.find("probability"), std::string::npos) << error;
}

TEST(Scenario, BadTimeIsRejected) {
  const std::string error = error_of("name = \"x\"\n[[timeline]]\nat_ms = -5\naction = \"heal\"\n");
  EXPECT_NE(error.find("bad.toml:3"), std::string::npos) << error;
  EXPECT_NE(error.find("at_ms"), std::string::npos) << error;
}

TEST(Scenario, UnknownActionAndBadNodeAreRejected) {
  EXPECT_NE(error_of("name = \"x\"\n[[timeline]]\nat_ms = 5\naction = \"explode\"\n").find("unknown action 'explode'"),
            std::string::npos);
  EXPECT_NE(error_of("name = \"x\"\nnodes = 3\n[[timeline]]\nat_ms = 5\naction = \"crash\"\nnode = 4\n")
                .find("node ids are integers from 1 to 3"),
            std::string::npos);
}

TEST(Scenario, MinAboveMaxIsRejected) {
  const std::string error = error_of("name = \"x\"\n[network]\ndelay_min_ms = 5\ndelay_max_ms = 1\n");
  EXPECT_NE(error.find("'delay_min_ms' must not exceed 'delay_max_ms'"), std::string::npos) << error;
}

TEST(Scenario, SyntaxErrorNamesTheLine) {
  const std::string error = error_of("name = \"x\"\nnodes = = 3\n");
  EXPECT_NE(error.find("bad.toml:2"), std::string::npos) << error;
}

TEST(Scenario, MissingNameIsRejected) { EXPECT_NE(error_of("nodes = 3\n").find("needs 'name'"), std::string::npos); }

TEST(Scenario, EveryShippedScenarioLoads) {
  const auto paths = scenario_paths(std::string(CONFMAN_SOURCE_DIR) + "/scenarios");
  ASSERT_GE(paths.size(), 3u);
  for (const std::string& path : paths) {
    auto scenario = load_scenario(path);
    EXPECT_TRUE(scenario.ok()) << (scenario.ok() ? "" : scenario.error().message);
  }
}

}  // namespace
}  // namespace confman::sim

// Found by fuzz/fuzz_scenario (reproducers in fuzz/reproducers/scenario/).
namespace confman::sim {
namespace {

TEST(ScenarioText, InvalidUtf8IsRefusedBeforeTheParserSeesIt) {
  const std::string text = std::string("name = \"a\"\ndescription = '") + "\xee" + "'\n";
  auto scenario = parse_scenario(text, "bad.toml");
  ASSERT_FALSE(scenario.ok());
  EXPECT_NE(scenario.error().message.find("bad.toml: line 2: invalid UTF-8 at byte 26"), std::string::npos)
      << scenario.error().message;
}

TEST(ScenarioText, DeepNestingIsRefusedBeforeTheParserSeesIt) {
  const std::string text = "name = \"x\"\nt = " + std::string(10'000, '[');
  auto scenario = parse_scenario(text, "deep.toml");
  ASSERT_FALSE(scenario.ok());
  EXPECT_NE(scenario.error().message.find("nested deeper than 32"), std::string::npos) << scenario.error().message;
}

TEST(ScenarioText, NameWithControlCharactersSurvivesTheWriter) {
  auto scenario = parse_scenario("name = \"a\\nb\\u0001c\"\n", "name.toml");
  ASSERT_TRUE(scenario.ok()) << scenario.error().message;
  ASSERT_EQ(scenario->name, std::string("a\nb\x01" "c"));
  const std::string written = scenario_to_toml(*scenario);
  auto reparsed = parse_scenario(written, "written.toml");
  ASSERT_TRUE(reparsed.ok()) << reparsed.error().message << "\n" << written;
  EXPECT_EQ(reparsed->name, scenario->name);
}

}  // namespace
}  // namespace confman::sim
