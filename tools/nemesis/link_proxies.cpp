#include "tools/nemesis/link_proxies.h"

#include <signal.h>
#include <sys/wait.h>

#include "tools/nemesis/server_nodes.h"

namespace confman::nemesis {

Result<LinkProxies, CommandFailure> LinkProxies::start(const NetNamespaces& net, const NodeControls& controls,
                                                        std::size_t nodes, const std::string& proxy_path,
                                                        std::uint64_t seed, const std::filesystem::path& work_dir) {
  LinkProxies proxies;
  for (std::size_t id = 1; id <= nodes; ++id) {
    const std::string address = NetNamespaces::node_address(id);
    const std::vector<std::string> argv{
        "ip", "netns", "exec", net.node_namespace(id), proxy_path,
        "--listen-address", address, "--listen-port", std::to_string(kProxyPort),
        "--to-address", address, "--to-port", std::to_string(ServerNodes::kPeerPort),
        "--control", controls.links_file(id).string(),
        "--seed", std::to_string(seed * 1000 + id)};
    auto pid = spawn_logged(argv, {}, work_dir / ("link-proxy-" + std::to_string(id) + ".log"));
    if (!pid) return unexpected(pid.error());
    proxies.pids_.push_back(*pid);
  }
  return proxies;
}

LinkProxies::~LinkProxies() {
  for (const pid_t pid : pids_) {
    if (pid <= 0) continue;
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
}

std::size_t LinkProxies::reap_exited() {
  for (std::size_t i = 0; i < pids_.size(); ++i) {
    int status = 0;
    if (pids_[i] > 0 && ::waitpid(pids_[i], &status, WNOHANG) == pids_[i]) {
      pids_[i] = 0;
      return i + 1;
    }
  }
  return 0;
}

}  // namespace confman::nemesis
