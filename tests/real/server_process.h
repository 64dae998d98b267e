#pragma once
// A real single-node confman-server, run as a child process for a test:
// a fresh data directory, a client port the kernel picks (read back from
// the server's "event=started ... client_port=N" log line), ready once
// GET /health/ready answers 200 (it has elected itself). SIGKILL when the
// object goes; restart() keeps the data directory and the client port.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "real/client/http_exchange.h"
#include "tests/real/temp_dir.h"

extern char** environ;

namespace confman::real::testing {

class ServerProcess {
 public:
  // extra_args: more confman-server flags, e.g. "--snapshot-entries=2".
  // initial_data: a data directory to start from (copied; e.g. one written
  // by an older server, for upgrade tests).
  // await_ready false: return as soon as the client port is bound, as a
  // user typing the quick start would. launcher: a command the server runs
  // under, e.g. {"prlimit", "--nofile=256:256"}.
  explicit ServerProcess(std::vector<std::string> extra_args = {}, const std::filesystem::path& initial_data = {},
                         bool await_ready = true, std::vector<std::string> launcher = {})
      : extra_args_(std::move(extra_args)), await_ready_(await_ready), launcher_(std::move(launcher)) {
    if (!initial_data.empty()) {
      std::filesystem::copy(initial_data, dir_.path() / "data", std::filesystem::copy_options::recursive);
    }
    start(0);
  }
  ~ServerProcess() { kill(); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::string endpoint() const { return "127.0.0.1:" + std::to_string(client_port_); }
  pid_t pid() const { return pid_; }
  std::uint16_t client_port() const { return client_port_; }

  // SIGKILL, as a crash: nothing is flushed or closed cleanly.
  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  void restart() {
    kill();
    start(client_port_);
  }

  std::string log() const {
    std::ifstream in(log_path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  // Polling bounds: how long a start or an election may take on a busy machine.
  static constexpr int kPolls = 1000;
  static constexpr auto kPollInterval = std::chrono::milliseconds(10);

  void start(std::uint16_t client_port) {
    log_path_ = (dir_.path() / ("server-" + std::to_string(++starts_) + ".log")).string();
    const std::string data_dir = (dir_.path() / "data").string();
    std::vector<std::string> args = launcher_;
    args.insert(args.end(), {CONFMAN_SERVER_PATH,
                                  "--id=1",
                                  "--data-dir=" + data_dir,
                                  "--peer-listen=127.0.0.1:0",
                                  "--client-listen=127.0.0.1:" + std::to_string(client_port),
                                  "--election-timeout-ms=300",
                                  "--heartbeat-ms=30"});
    args.insert(args.end(), extra_args_.begin(), extra_args_.end());
    spawn(args);
    client_port_ = wait_for_port();
    if (await_ready_) wait_until_ready();
  }

  void spawn(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int failed = posix_spawnp(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (failed != 0) throw std::runtime_error(std::string("cannot start ") + argv[0]);
  }

  std::uint16_t wait_for_port() {
    const std::regex started("event=started .*client_port=([0-9]+)");
    for (int poll = 0; poll < kPolls; ++poll) {
      std::smatch match;
      const std::string text = log();
      if (std::regex_search(text, match, started)) return static_cast<std::uint16_t>(std::stoi(match[1].str()));
      if (exited()) break;
      std::this_thread::sleep_for(kPollInterval);
    }
    throw std::runtime_error("confman-server did not start; its log:\n" + log());
  }

  void wait_until_ready() {
    const client::detail::HttpRequest ready{"GET", "/health/ready", {}, {}};
    for (int poll = 0; poll < kPolls; ++poll) {
      auto reply = client::detail::exchange(endpoint(), ready, 1000);
      if (reply && reply->status == 200) return;
      if (exited()) break;
      std::this_thread::sleep_for(kPollInterval);
    }
    throw std::runtime_error("confman-server never became ready; its log:\n" + log());
  }

  bool exited() {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
    pid_ = -1;
    return true;
  }

  std::vector<std::string> extra_args_;
  bool await_ready_ = true;
  std::vector<std::string> launcher_;
  TempDir dir_;
  pid_t pid_ = -1;
  std::uint16_t client_port_ = 0;
  int starts_ = 0;
  std::string log_path_;
};

}  // namespace confman::real::testing
