// A follower's WAL is damaged on disk (one byte of its last record, which
// was written whole and may have been acknowledged). The server refuses to
// start and names the repair; `--repair-wal` shows the cut and changes
// nothing; `--repair-wal --yes` cuts it and marks the node recovering; the
// node then rejoins, re-fetches the log, leaves recovery, and holds every
// write the cluster acknowledged (docs/DESIGN.md, "Storage faults").

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <thread>

#include "tests/real/process_cluster.h"
#include "tests/real/raw_connection.h"

namespace confman::real::testing {
namespace {

using namespace std::chrono_literals;

std::filesystem::path only_wal_file(const std::filesystem::path& data_dir) {
  std::filesystem::path found;
  for (const auto& item : std::filesystem::directory_iterator(data_dir)) {
    const std::string name = item.path().filename().string();
    if (name.rfind("wal-", 0) == 0 && name.size() > 4 && item.path().extension() == ".log") found = item.path();
  }
  return found;
}

// Flips one byte a few bytes before the end of the file's last record (its
// payload: the trailer is the record's last four bytes).
void damage_last_record(const std::filesystem::path& path) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  const std::string data((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const auto last = data.find_last_not_of('\0');
  ASSERT_NE(last, std::string::npos);
  ASSERT_GT(last, 16u + 12u + 8u) << "the WAL holds no record";
  const std::size_t offset = last - 6;
  file.seekp(static_cast<std::streamoff>(offset));
  file.put(static_cast<char>(data[offset] ^ 0x20));
}

bool recovering(std::uint16_t port) {
  RawConnection connection(port);
  if (!connection.connected()) return true;
  connection.send("GET /health HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
  const std::string answer = connection.read_until_closed(2000ms);
  return answer.find("\"recovering\":false") == std::string::npos;
}

TEST(DamagedWal, TheRepairCutsTheDamageAndTheNodeRecoversFromTheLeader) {
  ProcessCluster cluster(3);
  cluster.start_all();
  const std::uint64_t leader = cluster.await_leader();
  ASSERT_NE(leader, 0u) << "no leader";
  client::Options options;
  options.endpoints = cluster.endpoints();
  options.max_attempts = 200;
  client::Client writer(options);
  int written = 0;
  for (; written < 40; ++written) {
    ASSERT_TRUE(writer.put("/damaged/k" + std::to_string(written), std::to_string(written)).ok());
  }
  const std::uint64_t victim = leader % 3 + 1;
  cluster.kill_node(victim, SIGKILL);
  const std::filesystem::path data_dir = cluster.directory() / ("data-" + std::to_string(victim));
  const std::filesystem::path wal = only_wal_file(data_dir);
  ASSERT_FALSE(wal.empty()) << "no WAL file in " << data_dir;
  damage_last_record(wal);
  const std::filesystem::path out = cluster.directory() / "program.out";

  const ProgramResult refused =
      run_program({CONFMAN_SERVER_PATH, "--id", std::to_string(victim), "--data-dir", data_dir.string()}, out);
  EXPECT_NE(refused.exit_code, 0) << "a node must not start on a damaged log";
  EXPECT_NE(refused.output.find("is damaged"), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("--repair-wal"), std::string::npos) << refused.output;

  const std::vector<std::string> repair{CONFMAN_SERVER_PATH, "--data-dir", data_dir.string(), "--repair-wal"};
  const ProgramResult dry_run = run_program(repair, out);
  EXPECT_EQ(dry_run.exit_code, 0) << dry_run.output;
  EXPECT_NE(dry_run.output.find("A repair cuts"), std::string::npos) << dry_run.output;
  EXPECT_NE(dry_run.output.find("Nothing was changed"), std::string::npos) << dry_run.output;
  EXPECT_NE(run_program({CONFMAN_SERVER_PATH, "--id", std::to_string(victim), "--data-dir", data_dir.string()}, out)
                .exit_code,
            0)
      << "the dry run changed nothing";

  std::vector<std::string> apply = repair;
  apply.push_back("--yes");
  const ProgramResult cut = run_program(apply, out);
  EXPECT_EQ(cut.exit_code, 0) << cut.output;
  EXPECT_NE(cut.output.find("marked recovering"), std::string::npos) << cut.output;

  cluster.start(victim);
  for (; written < 60; ++written) {
    ASSERT_TRUE(writer.put("/damaged/k" + std::to_string(written), std::to_string(written)).ok());
  }
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (recovering(cluster.node(victim).client_port) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);  // polling interval, not synchronisation
  }
  ASSERT_FALSE(recovering(cluster.node(victim).client_port)) << cluster.log_of(victim);
  EXPECT_NE(cluster.log_of(victim).find("event=recovering"), std::string::npos);
  // It holds every acknowledged write: read from its own state.
  client::Client reader = cluster.client_for(victim);
  for (int i = 0; i < written; ++i) {
    auto value = reader.get("/damaged/k" + std::to_string(i), client::Consistency::Stale);
    ASSERT_TRUE(value.ok()) << value.error().describe();
    ASSERT_TRUE(value->has_value()) << "key " << i << " is missing on the repaired node";
    EXPECT_EQ((*value)->value_json, std::to_string(i));
  }
}

}  // namespace
}  // namespace confman::real::testing
