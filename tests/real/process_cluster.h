#pragma once
// Real confman-server processes on 127.0.0.1 for integration tests: each
// with its own data directory and log file, ports picked free by the OS,
// killed with SIGKILL (a crash) or SIGTERM, and restarted on the same data.
// Readiness is polled with a bound, never waited for with a fixed sleep.

#include <signal.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "real/client/client.h"
#include "tests/real/temp_dir.h"

extern char** environ;

namespace confman::real::testing {

// A port nothing listens on right now (the OS picks it; a tiny race with
// other processes is accepted in tests).
inline std::uint16_t free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

// Runs a program to completion; returns its exit status and what it printed.
struct ProgramResult {
  int exit_code = -1;
  std::string output;
};
inline ProgramResult run_program(const std::vector<std::string>& argv, const std::filesystem::path& output_file) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, output_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ProgramResult result;
  if (spawned != 0) return result;
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(output_file);
  result.output.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return result;
}

class ProcessCluster {
 public:
  struct Node {
    std::uint64_t id = 0;
    std::uint16_t peer_port = 0;
    std::uint16_t client_port = 0;
    pid_t pid = 0;
    bool join = false;
    std::string member() const {
      return std::to_string(id) + "=127.0.0.1:" + std::to_string(peer_port) + ",127.0.0.1:" + std::to_string(client_port);
    }
    std::string client_url() const { return "127.0.0.1:" + std::to_string(client_port); }
    std::string peer_url() const { return "127.0.0.1:" + std::to_string(peer_port); }
  };

  explicit ProcessCluster(int founding) {
    for (int i = 1; i <= founding; ++i) add_node(static_cast<std::uint64_t>(i), false);
  }
  ~ProcessCluster() {
    for (auto& [id, node] : nodes_) kill_node(id, SIGKILL);
  }

  Node& add_node(std::uint64_t id, bool join) {
    Node& node = nodes_[id];
    node.id = id;
    node.peer_port = free_port();
    node.client_port = free_port();
    node.join = join;
    return node;
  }

  void start_all() {
    for (auto& [id, node] : nodes_) start(id);
  }

  void start(std::uint64_t id) {
    Node& node = nodes_.at(id);
    std::vector<std::string> argv{CONFMAN_SERVER_PATH, "--id", std::to_string(id), "--data-dir",
                                  (dir_.path() / ("data-" + std::to_string(id))).string(),
                                  "--election-timeout-ms", "300", "--heartbeat-ms", "50"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    if (node.join) {
      // A joining node is told where the running members are (and itself).
      argv.push_back("--join");
      for (const auto& [other_id, other] : nodes_) argv.insert(argv.end(), {"--member", other.member()});
    } else {
      for (const auto& [other_id, other] : nodes_) {
        if (!other.join) argv.insert(argv.end(), {"--member", other.member()});
      }
    }
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string log = (dir_.path() / ("server-" + std::to_string(id) + ".log")).string();
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    const int spawned = posix_spawn(&node.pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) node.pid = 0;
  }

  // SIGKILL: a crash. SIGTERM: a clean stop.
  void kill_node(std::uint64_t id, int signal) {
    Node& node = nodes_.at(id);
    if (node.pid == 0) return;
    ::kill(node.pid, signal);
    int status = 0;
    waitpid(node.pid, &status, 0);
    node.pid = 0;
  }

  // SIGSTOP / SIGCONT: a frozen process keeps its sockets; the kernel
  // still accepts connections for it, and nothing answers.
  void signal_node(std::uint64_t id, int signal) {
    if (nodes_.at(id).pid != 0) ::kill(nodes_.at(id).pid, signal);
  }

  bool running(std::uint64_t id) const { return nodes_.at(id).pid != 0; }
  const Node& node(std::uint64_t id) const { return nodes_.at(id); }
  const std::filesystem::path& directory() const { return dir_.path(); }

  std::vector<std::string> endpoints() const {
    std::vector<std::string> all;
    for (const auto& [id, node] : nodes_) all.push_back(node.client_url());
    return all;
  }

  client::Client client_for(std::uint64_t id) const {
    client::Options options;
    options.endpoints = {nodes_.at(id).client_url()};
    options.max_attempts = 1;
    options.request_timeout_ms = 1000;
    return client::Client(options);
  }

  // Polls every running node until one reports a leader that all running
  // founding members agree on, for at most timeout. Returns it, or 0.
  std::uint64_t await_leader(std::chrono::milliseconds timeout = std::chrono::seconds(15)) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      std::uint64_t agreed = 0;
      bool all_agree = true;
      for (const auto& [id, node] : nodes_) {
        if (node.pid == 0) continue;
        client::Client probe = client_for(id);
        auto state = probe.cluster();
        if (!state || state->leader == 0 || (agreed != 0 && state->leader != agreed)) {
          all_agree = false;
          break;
        }
        agreed = state->leader;
      }
      if (all_agree && agreed != 0) return agreed;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling interval, not synchronisation
    }
    return 0;
  }

  std::vector<std::string> extra_args;  // added to every server's command line

  std::string log_of(std::uint64_t id) const {
    std::ifstream in(dir_.path() / ("server-" + std::to_string(id) + ".log"));
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

 private:
  TempDir dir_;
  std::map<std::uint64_t, Node> nodes_;
};

}  // namespace confman::real::testing
