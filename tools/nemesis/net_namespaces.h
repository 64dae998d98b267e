#pragma once
// The nemesis's network: one network namespace per server and one for the
// clients, each joined by a veth pair to a bridge in a hub namespace, with
// addresses in 10.77.0.0/24 (only inside these namespaces; the host's own
// network is never touched). Names carry a tag ("cmn<pid>") so concurrent
// runs never meet, and remove_stale() finds what a killed run left behind.
//
// Faults are routes inside a namespace: a blackhole route to a peer's
// address drops what this node sends it, so a cut link is a pair of them
// and a one-way cut is one (TCP cannot finish a handshake across either, so
// a one-way cut ends connections both ways; what it adds over a two-way cut
// is the timing of who notices first). Needs root and iproute2; netem and
// netfilter are not used (the kernel here loads no modules).

#include <cstddef>
#include <set>
#include <string>
#include <utility>

#include "core/util/result.h"
#include "tools/nemesis/run_command.h"

namespace confman::nemesis {

class NetNamespaces {
 public:
  // Creates the hub, the client namespace and `nodes` node namespaces
  // (node ids 1..nodes). Fails with what `ip` said.
  static Result<NetNamespaces, CommandFailure> create(std::string tag, std::size_t nodes);
  NetNamespaces(NetNamespaces&& other) noexcept;
  NetNamespaces& operator=(NetNamespaces&&) = delete;
  ~NetNamespaces();  // removes every namespace it created

  std::string node_namespace(std::size_t id) const { return tag_ + "-n" + std::to_string(id); }
  std::string client_namespace() const { return tag_ + "-c"; }
  static std::string node_address(std::size_t id) { return "10.77.0." + std::to_string(10 + id); }

  // Moves the calling thread (and every thread it starts later) into the
  // client namespace.
  Result<Done, CommandFailure> enter_client_namespace() const;

  // from stops reaching to (one way); restore undoes it.
  Result<Done, CommandFailure> cut(std::size_t from, std::size_t to);
  Result<Done, CommandFailure> restore(std::size_t from, std::size_t to);
  Result<Done, CommandFailure> heal();  // every cut restored
  const std::set<std::pair<std::size_t, std::size_t>>& cuts() const { return cuts_; }

  // Removes namespaces of runs whose process is gone ("cmn<pid>-..." with
  // no such pid); returns how many.
  static std::size_t remove_stale();

 private:
  NetNamespaces(std::string tag, std::size_t nodes) : tag_(std::move(tag)), nodes_(nodes) {}
  Result<Done, CommandFailure> build();
  Result<Done, CommandFailure> attach(const std::string& name, const std::string& address);
  void remove_all();

  std::string tag_;
  std::size_t nodes_ = 0;
  bool owned_ = true;
  std::set<std::pair<std::size_t, std::size_t>> cuts_;
};

}  // namespace confman::nemesis
