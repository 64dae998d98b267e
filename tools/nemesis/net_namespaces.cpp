#include "tools/nemesis/net_namespaces.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

namespace confman::nemesis {

namespace {

constexpr const char* kClientAddress = "10.77.0.2";
constexpr const char* kPrefixLength = "/24";

Result<Done, CommandFailure> ip(std::vector<std::string> words) {
  words.insert(words.begin(), "ip");
  auto ran = run_command(words);
  if (!ran) return unexpected(ran.error());
  return Done{};
}

}  // namespace

Result<NetNamespaces, CommandFailure> NetNamespaces::create(std::string tag, std::size_t nodes) {
  NetNamespaces spaces(std::move(tag), nodes);
  if (auto built = spaces.build(); !built) return unexpected(built.error());  // ~NetNamespaces removes the rest
  return spaces;
}

NetNamespaces::NetNamespaces(NetNamespaces&& other) noexcept
    : tag_(std::move(other.tag_)), nodes_(other.nodes_), owned_(other.owned_), cuts_(std::move(other.cuts_)) {
  other.owned_ = false;
}

NetNamespaces::~NetNamespaces() {
  if (owned_) remove_all();
}

Result<Done, CommandFailure> NetNamespaces::build() {
  const std::string hub = tag_ + "-hub";
  for (const auto& step : std::vector<std::vector<std::string>>{
           {"netns", "add", hub},
           {"-n", hub, "link", "set", "lo", "up"},
           {"-n", hub, "link", "add", "br0", "type", "bridge"},
           {"-n", hub, "link", "set", "br0", "up"}}) {
    if (auto done = ip(step); !done) return done;
  }
  if (auto done = attach(client_namespace(), kClientAddress); !done) return done;
  for (std::size_t id = 1; id <= nodes_; ++id) {
    if (auto done = attach(node_namespace(id), node_address(id)); !done) return done;
  }
  return Done{};
}

// A namespace with loopback up and eth0 at `address`, its veth peer on the
// hub's bridge.
Result<Done, CommandFailure> NetNamespaces::attach(const std::string& name, const std::string& address) {
  const std::string hub = tag_ + "-hub";
  const std::string port = "v" + name.substr(name.rfind('-') + 1);  // "vn1", "vc": within IFNAMSIZ
  for (const auto& step : std::vector<std::vector<std::string>>{
           {"netns", "add", name},
           {"-n", name, "link", "set", "lo", "up"},
           {"-n", hub, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", name},
           {"-n", hub, "link", "set", port, "master", "br0", "up"},
           {"-n", name, "addr", "add", address + kPrefixLength, "dev", "eth0"},
           {"-n", name, "link", "set", "eth0", "up"}}) {
    if (auto done = ip(step); !done) return done;
  }
  return Done{};
}

Result<Done, CommandFailure> NetNamespaces::enter_client_namespace() const {
  const std::string path = "/var/run/netns/" + client_namespace();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return unexpected(CommandFailure{"open " + path + ": " + std::strerror(errno)});
  const int entered = ::setns(fd, CLONE_NEWNET);
  const int error = errno;
  ::close(fd);
  if (entered != 0) return unexpected(CommandFailure{"setns " + path + ": " + std::strerror(error)});
  return Done{};
}

Result<Done, CommandFailure> NetNamespaces::cut(std::size_t from, std::size_t to) {
  if (cuts_.count({from, to}) != 0) return Done{};
  auto done = ip({"-n", node_namespace(from), "route", "add", "blackhole", node_address(to) + "/32"});
  if (done) cuts_.insert({from, to});
  return done;
}

Result<Done, CommandFailure> NetNamespaces::restore(std::size_t from, std::size_t to) {
  if (cuts_.count({from, to}) == 0) return Done{};
  auto done = ip({"-n", node_namespace(from), "route", "del", "blackhole", node_address(to) + "/32"});
  if (done) cuts_.erase({from, to});
  return done;
}

Result<Done, CommandFailure> NetNamespaces::heal() {
  while (!cuts_.empty()) {
    const auto [from, to] = *cuts_.begin();
    if (auto done = restore(from, to); !done) return done;
  }
  return Done{};
}

void NetNamespaces::remove_all() {
  // Deleting a namespace destroys its end of each veth pair, and so the pair.
  for (std::size_t id = 1; id <= nodes_; ++id) (void)ip({"netns", "del", node_namespace(id)});
  (void)ip({"netns", "del", client_namespace()});
  (void)ip({"netns", "del", tag_ + "-hub"});
}

std::size_t NetNamespaces::remove_stale() {
  auto listed = run_command({"ip", "netns", "list"});
  if (!listed) return 0;
  std::istringstream lines(*listed);
  std::size_t removed = 0;
  for (std::string line; std::getline(lines, line);) {
    const std::string name = line.substr(0, line.find(' '));
    if (name.rfind("cmn", 0) != 0 || name.find('-') == std::string::npos) continue;
    const std::string digits = name.substr(3, name.find('-') - 3);
    if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto pid = static_cast<pid_t>(std::stol(digits));
    if (::kill(pid, 0) == 0 || errno != ESRCH) continue;  // its run is still going
    if (ip({"netns", "del", name})) ++removed;
  }
  return removed;
}

}  // namespace confman::nemesis
