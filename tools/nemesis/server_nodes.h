#pragma once
// The real confman-server processes of a nemesis run, one per node
// namespace (`ip netns exec`, which execs the server, so the pid is the
// server's), each with its data directory and an appended log under the
// work folder. A crash is SIGKILL; a restart keeps the data directory; a
// pause is SIGSTOP until SIGCONT. Only processes this object started are
// ever signalled, by their pid.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tools/nemesis/net_namespaces.h"
#include "tools/nemesis/node_controls.h"

namespace confman::nemesis {

struct ServerSettings {
  std::string server_path = "confman-server";
  std::string fsync_shim;  // libconfman_fsync_shim.so ("" = none)
  std::string faketime;    // libfaketime.so.1, when clock faults are planned ("" = none)
  std::uint32_t election_timeout_ms = 300;
  std::uint32_t heartbeat_ms = 50;
  bool peer_proxies = false;  // peers reach each node through its link proxy (link_proxies.h)
  std::vector<std::string> extra_args;  // more confman-server flags
};

class ServerNodes {
 public:
  static constexpr std::uint16_t kPeerPort = 7001;
  static constexpr std::uint16_t kClientPort = 8001;

  ServerNodes(const NetNamespaces& net, const NodeControls& controls, std::size_t nodes,
              std::filesystem::path work_dir, ServerSettings settings);
  ~ServerNodes();  // SIGKILLs what is still running
  ServerNodes(const ServerNodes&) = delete;
  ServerNodes& operator=(const ServerNodes&) = delete;

  std::size_t size() const { return pids_.size(); }
  std::string client_endpoint(std::size_t id) const;
  std::vector<std::string> client_endpoints() const;

  // Each returns false (with a reason in last_error()) if it could not.
  bool start(std::size_t id);
  void crash(std::size_t id);  // SIGKILL, reaped
  void pause(std::size_t id);  // SIGSTOP
  void resume(std::size_t id); // SIGCONT
  bool running(std::size_t id) const { return pids_.at(id - 1) > 0; }
  bool paused(std::size_t id) const { return paused_.at(id - 1); }
  const std::string& last_error() const { return last_error_; }
  std::filesystem::path log_path(std::size_t id) const;

  // Whether node `id` exited on its own (reaped if so).
  bool reap(std::size_t id);

 private:
  const NetNamespaces& net_;
  const NodeControls& controls_;
  std::filesystem::path work_dir_;
  ServerSettings settings_;
  std::vector<pid_t> pids_;
  std::vector<bool> paused_;
  std::string last_error_;
};

}  // namespace confman::nemesis
