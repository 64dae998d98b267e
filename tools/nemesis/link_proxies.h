#pragma once
// The link proxies of a nemesis run: one confman-link-proxy per node, in the
// node's namespace, listening on kProxyPort and forwarding to the server's
// peer port, so every Raft message into a node passes its proxy and takes
// the delay and loss its control file sets (link_proxy.h, node_controls.h).
// Started only when the run wants slow or lossy links. A proxy outlives the
// crashes of its server (it is the network, not the node); the object kills
// the proxies it started, by pid, when it goes.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/util/result.h"
#include "tools/nemesis/net_namespaces.h"
#include "tools/nemesis/node_controls.h"

namespace confman::nemesis {

class LinkProxies {
 public:
  static constexpr std::uint16_t kProxyPort = 7101;

  // Starts `nodes` proxies (`proxy_path` is the binary), seeded from `seed`.
  static Result<LinkProxies, CommandFailure> start(const NetNamespaces& net, const NodeControls& controls,
                                                    std::size_t nodes, const std::string& proxy_path,
                                                    std::uint64_t seed, const std::filesystem::path& work_dir);
  LinkProxies(LinkProxies&& other) noexcept : pids_(std::move(other.pids_)) { other.pids_.clear(); }
  LinkProxies& operator=(LinkProxies&&) = delete;
  ~LinkProxies();

  // A proxy that exited (it must not): its node id (reaped), or 0.
  std::size_t reap_exited();

 private:
  LinkProxies() = default;
  std::vector<pid_t> pids_;
};

}  // namespace confman::nemesis
