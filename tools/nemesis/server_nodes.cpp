#include "tools/nemesis/server_nodes.h"

#include <signal.h>
#include <sys/wait.h>

#include "tools/nemesis/link_proxies.h"

namespace confman::nemesis {

namespace {

// A founding member's addresses, the same in every node's list: its peer
// address is its link proxy's when the links go through proxies (the server
// itself listens on kPeerPort, behind the proxy: --peer-listen).
std::string member(std::size_t id, bool peer_proxies) {
  const std::string address = NetNamespaces::node_address(id);
  const std::uint16_t peer_port = peer_proxies ? LinkProxies::kProxyPort : ServerNodes::kPeerPort;
  return std::to_string(id) + "=" + address + ":" + std::to_string(peer_port) + "," + address + ":" +
         std::to_string(ServerNodes::kClientPort);
}

// libfaketime keeps a semaphore and a shared-memory segment per process,
// named by its pid, and removes them only on a clean exit; a server killed
// or fail-stopped leaves them in /dev/shm, so the tool removes them.
void forget_faketime_files(pid_t pid) {
  std::error_code ignored;
  std::filesystem::remove("/dev/shm/faketime_shm_" + std::to_string(pid), ignored);
  std::filesystem::remove("/dev/shm/sem.faketime_sem_" + std::to_string(pid), ignored);
}

}  // namespace

ServerNodes::ServerNodes(const NetNamespaces& net, const NodeControls& controls, std::size_t nodes,
                         std::filesystem::path work_dir, ServerSettings settings)
    : net_(net), controls_(controls), work_dir_(std::move(work_dir)), settings_(std::move(settings)), pids_(nodes, 0),
      paused_(nodes, false) {}

ServerNodes::~ServerNodes() {
  for (std::size_t id = 1; id <= pids_.size(); ++id) crash(id);
}

std::string ServerNodes::client_endpoint(std::size_t id) const {
  return NetNamespaces::node_address(id) + ":" + std::to_string(kClientPort);
}

std::vector<std::string> ServerNodes::client_endpoints() const {
  std::vector<std::string> all;
  for (std::size_t id = 1; id <= pids_.size(); ++id) all.push_back(client_endpoint(id));
  return all;
}

std::filesystem::path ServerNodes::log_path(std::size_t id) const {
  return work_dir_ / ("server-" + std::to_string(id) + ".log");
}

bool ServerNodes::start(std::size_t id) {
  if (running(id)) return true;
  const std::string address = NetNamespaces::node_address(id);
  std::vector<std::string> argv{"ip", "netns", "exec", net_.node_namespace(id), settings_.server_path,
                                "--id", std::to_string(id),
                                "--data-dir", (work_dir_ / ("data-" + std::to_string(id))).string(),
                                "--peer-listen", address + ":" + std::to_string(kPeerPort),
                                "--election-timeout-ms", std::to_string(settings_.election_timeout_ms),
                                "--heartbeat-ms", std::to_string(settings_.heartbeat_ms)};
  for (std::size_t other = 1; other <= pids_.size(); ++other) {
    argv.insert(argv.end(), {"--member", member(other, settings_.peer_proxies)});
  }
  argv.insert(argv.end(), settings_.extra_args.begin(), settings_.extra_args.end());
  auto pid = spawn_logged(argv, controls_.environment(id, settings_.fsync_shim, settings_.faketime), log_path(id));
  if (!pid) {
    last_error_ = pid.error().message;
    return false;
  }
  pids_[id - 1] = *pid;
  paused_[id - 1] = false;
  return true;
}

void ServerNodes::crash(std::size_t id) {
  pid_t& pid = pids_.at(id - 1);
  if (pid <= 0) return;
  ::kill(pid, SIGKILL);  // a stopped process dies of SIGKILL too
  int status = 0;
  ::waitpid(pid, &status, 0);
  forget_faketime_files(pid);
  pid = 0;
  paused_[id - 1] = false;
}

void ServerNodes::pause(std::size_t id) {
  if (!running(id) || paused(id)) return;
  ::kill(pids_[id - 1], SIGSTOP);
  paused_[id - 1] = true;
}

void ServerNodes::resume(std::size_t id) {
  if (!running(id) || !paused(id)) return;
  ::kill(pids_[id - 1], SIGCONT);
  paused_[id - 1] = false;
}

bool ServerNodes::reap(std::size_t id) {
  pid_t& pid = pids_.at(id - 1);
  if (pid <= 0) return false;
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) != pid) return false;
  forget_faketime_files(pid);
  pid = 0;
  paused_[id - 1] = false;
  return true;
}


}  // namespace confman::nemesis
