// The checked-in seed corpora must stay useful: every seed still decodes
// (or parses) with today's formats, and the seeds cover every message type,
// record kind and entry type. When a format changes, regenerate them:
//   build/fuzz/fuzz_write_seed_corpus fuzz/corpus

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/node/stored_record.h"
#include "fuzz/codec_generators.h"
#include "fuzz/seed_corpus.h"
#include "sim/scenario.h"

namespace confman::fuzz {
namespace {

namespace fs = std::filesystem;

fs::path corpus_dir(const char* target) { return fs::path(CONFMAN_SOURCE_DIR) / "fuzz" / "corpus" / target; }

std::vector<fs::path> seeds(const char* target) {
  std::vector<fs::path> files;
  for (const auto& item : fs::directory_iterator(corpus_dir(target))) {
    if (item.is_regular_file()) files.push_back(item.path());
  }
  return files;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Bytes read_bytes(const fs::path& path) {
  const std::string text = read_file(path);
  return Bytes(text.begin(), text.end());
}

TEST(SeedCorpus, MessageSeedsDecodeAndCoverEveryType) {
  std::set<raft::MessageType> covered;
  for (const fs::path& path : seeds(kMessageCorpus)) {
    const auto message = raft::decode_message(seal_frame(read_bytes(path)));
    ASSERT_TRUE(message.ok()) << path << ": " << message.error().describe();
    covered.insert(message->type);
  }
  for (raft::MessageType type : generated_message_types()) {
    EXPECT_TRUE(covered.contains(type)) << "no seed of type " << raft::message_type_name(type);
  }
}

// Record seeds are payloads (the target seals them); Config entry data
// seeds are decoded as they are.
TEST(SeedCorpus, StoredRecordSeedsDecodeAndCoverEveryKind) {
  int hard_states = 0;
  int snapshots = 0;
  std::set<raft::EntryType> entry_types;
  std::set<raft::ConfigChangeType> change_types;
  for (const fs::path& path : seeds(kStoredRecordCorpus)) {
    const Bytes seed = read_bytes(path);
    const Bytes record = seal_frame(seed);
    const bool is_hard_state = node::decode_hard_state_record(record).ok();
    const bool is_snapshot = node::decode_snapshot_record(record).ok();
    const auto entry = node::decode_entry_record(record);
    const auto config = raft::decode_config_entry(seed);
    EXPECT_EQ(int{is_hard_state} + int{is_snapshot} + int{entry.ok()} + int{config.ok()}, 1)
        << path << " decodes as exactly one kind of record or as Config entry data";
    hard_states += is_hard_state;
    snapshots += is_snapshot;
    if (entry) entry_types.insert(entry->type);
    if (config) change_types.insert(config->change.type);
  }
  EXPECT_GT(hard_states, 0);
  EXPECT_GT(snapshots, 0);
  for (raft::EntryType type : generated_entry_types()) {
    EXPECT_TRUE(entry_types.contains(type)) << "no entry record seed of type " << static_cast<int>(type);
  }
  EXPECT_FALSE(change_types.empty()) << "no Config entry data seed";
}

TEST(SeedCorpus, ScenarioSeedsParse) {
  const std::vector<fs::path> files = seeds(kScenarioCorpus);
  EXPECT_FALSE(files.empty());
  for (const fs::path& path : files) {
    const auto scenario = sim::parse_scenario(read_file(path), path.string());
    EXPECT_TRUE(scenario.ok()) << (scenario.ok() ? "" : scenario.error().message);
  }
}

}  // namespace
}  // namespace confman::fuzz
