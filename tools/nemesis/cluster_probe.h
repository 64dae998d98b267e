#pragma once
// Asks the nodes of a nemesis run what they know, one node at a time with
// a short timeout, so a paused or cut-off node costs a bounded wait: who
// leads, and whether every node has converged on the same applied state.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace confman::nemesis {

struct NodeView {
  bool answered = false;
  std::uint64_t leader = 0;
  std::uint64_t term = 0;
  std::uint64_t applied_index = 0;
  std::uint64_t revision = 0;
};

class ClusterProbe {
 public:
  explicit ClusterProbe(std::vector<std::string> endpoints, std::uint32_t timeout_ms = 300)
      : endpoints_(std::move(endpoints)), timeout_ms_(timeout_ms) {}

  NodeView ask(std::size_t id) const;  // node ids 1..N; its own view (?local=true)
  // The leader named in the highest term any answering node reports; 0 if
  // none names one.
  std::uint64_t leader() const;
  // Every node answers, names the same leader, and has applied the same
  // index and revision.
  bool converged() const;
  // Each node's value of `key` as it has applied it (a stale read: what
  // the node holds, not what the leader says); "" when absent, nullopt
  // when the node did not answer.
  std::optional<std::string> local_value(std::size_t id, const std::string& key) const;
  // Asks the leader (through any node) to hand leadership to node `to`;
  // what went wrong, or "" when it was accepted.
  std::string transfer_leadership(std::size_t to) const;

 private:
  std::vector<std::string> endpoints_;
  std::uint32_t timeout_ms_;
};

}  // namespace confman::nemesis
