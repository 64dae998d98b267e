// Distributed sweeps and their ergonomics (sim/sweep.h): shards are disjoint
// and cover the seed range, their result files merge into what one local
// sweep says, and a sweep can stop at its first failure.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "core/util/assert.h"
#include "sim/sweep.h"
#include "sim/sweep_results.h"

namespace confman::sim {
namespace {

Scenario load(const std::string& relative) {
  auto scenario = load_scenario(std::string(CONFMAN_SOURCE_DIR) + "/" + relative);
  CONFMAN_ASSERT(scenario.ok(), "cannot load " + relative);
  return std::move(scenario).value();
}

std::vector<SweepResultLine> read_lines(const std::filesystem::path& path) {
  std::vector<SweepResultLine> lines;
  std::ifstream in(path);
  std::string text;
  while (std::getline(in, text)) {
    auto line = parse_result_line(text);
    EXPECT_TRUE(line.ok()) << line.error() << ": " << text;
    if (line.ok()) lines.push_back(std::move(line).value());
  }
  return lines;
}

TEST(SweepShards, ShardsAreDisjointCoverTheRangeAndAgreeWithALocalSweep) {
  const std::vector<Scenario> scenarios{load("scenarios/basic-3.toml"), load("scenarios/crash-restart-3.toml")};
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "confman-sweep-shards";
  std::filesystem::create_directories(dir);
  SweepOptions options;
  options.first_seed = 3;
  options.last_seed = 12;
  options.jobs = 2;
  options.results_path = (dir / "local.jsonl").string();
  run_sweep(scenarios, options);
  std::set<std::tuple<std::string, std::uint64_t, std::string, bool>> local;
  for (const auto& line : read_lines(options.results_path)) local.emplace(line.scenario, line.seed, line.trace_hash, line.passed);
  ASSERT_EQ(local.size(), 20u);

  std::set<std::tuple<std::string, std::uint64_t, std::string, bool>> merged;
  std::set<std::uint64_t> seeds;
  for (std::uint64_t shard = 1; shard <= 3; ++shard) {
    SweepOptions part = options;
    part.shard_index = shard;
    part.shard_count = 3;
    part.results_path = (dir / ("shard-" + std::to_string(shard) + ".jsonl")).string();
    SweepStop stop;
    run_sweep(scenarios, part, &stop);
    EXPECT_FALSE(stop.stopped_early);
    for (const auto& line : read_lines(part.results_path)) {
      EXPECT_TRUE(merged.emplace(line.scenario, line.seed, line.trace_hash, line.passed).second)
          << "seed " << line.seed << " of " << line.scenario << " ran in two shards";
      seeds.insert(line.seed);
    }
  }
  EXPECT_EQ(merged, local) << "the shards' verdicts and trace hashes are the local sweep's";
  EXPECT_EQ(seeds.size(), 10u);
  std::filesystem::remove_all(dir);
}

TEST(SweepShards, UntilFailureStopsStartingRunsAfterTheFirstFailure) {
  // The canary scenario without its expectation: its runs fail.
  Scenario failing = load("scenarios/unsafe-local-reads.toml");
  failing.expect.violation = false;
  failing.expect.violation_kind.reset();
  SweepOptions options;
  options.first_seed = 1;
  options.last_seed = 1000;
  options.jobs = 2;
  options.until_failure = true;
  SweepStop stop;
  const auto summaries = run_sweep({failing}, options, &stop);
  EXPECT_TRUE(stop.stopped_early);
  EXPECT_EQ(stop.reason, "the first failure");
  EXPECT_LT(stop.runs, 1000u);
  ASSERT_EQ(summaries.size(), 1u);
  EXPECT_GE(summaries[0].failures.size(), 1u);
  EXPECT_EQ(summaries[0].seeds, stop.runs);
}

TEST(SweepShards, AResultLineRoundTripsAndABadOneSaysWhatIsWrong) {
  SweepResultLine line;
  line.scenario = "basic-3";
  line.path = "scenarios/basic-3.toml";
  line.seed = 7;
  line.passed = true;
  line.violation_kind = "none";
  line.trace_hash = "00000000deadbeef";
  line.failovers = {1.5, 2.25};
  line.reproduce = "confman-sim run scenarios/basic-3.toml --seed 7";
  auto parsed = parse_result_line(to_json_line(line));
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed->seed, 7u);
  EXPECT_EQ(parsed->trace_hash, line.trace_hash);
  EXPECT_EQ(parsed->failovers, line.failovers);
  auto bad = parse_result_line("{\"scenario\": \"x\"}");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("expected the field"), std::string::npos) << bad.error();
}

}  // namespace
}  // namespace confman::sim
