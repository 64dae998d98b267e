#include "tools/nemesis/cluster_probe.h"

#include <map>

#include "real/client/client.h"

namespace confman::nemesis {

namespace {

client::Options one_node(const std::string& endpoint, std::uint32_t timeout_ms) {
  client::Options options;
  options.endpoints = {endpoint};
  options.request_timeout_ms = timeout_ms;
  options.max_attempts = 1;
  return options;
}

}  // namespace

NodeView ClusterProbe::ask(std::size_t id) const {
  client::Client client(one_node(endpoints_.at(id - 1), timeout_ms_));
  // The node's own view: without ?local=true a follower forwards the call,
  // and every node would report the leader's applied index.
  auto state = client.cluster(true);
  if (!state || state->id != id) return {};
  return NodeView{true, state->leader, state->term, state->applied_index, state->revision};
}

std::uint64_t ClusterProbe::leader() const {
  std::map<std::pair<std::uint64_t, std::uint64_t>, int> votes;  // (term, leader) -> nodes naming it
  for (std::size_t id = 1; id <= endpoints_.size(); ++id) {
    const NodeView view = ask(id);
    if (view.answered && view.leader != 0) votes[{view.term, view.leader}] += 1;
  }
  if (votes.empty()) return 0;
  return votes.rbegin()->first.second;  // the highest term's leader
}

bool ClusterProbe::converged() const {
  std::optional<NodeView> first;
  for (std::size_t id = 1; id <= endpoints_.size(); ++id) {
    const NodeView view = ask(id);
    if (!view.answered || view.leader == 0) return false;
    if (!first) {
      first = view;
    } else if (view.leader != first->leader || view.applied_index != first->applied_index ||
               view.revision != first->revision) {
      return false;
    }
  }
  return true;
}

std::optional<std::string> ClusterProbe::local_value(std::size_t id, const std::string& key) const {
  client::Client client(one_node(endpoints_.at(id - 1), 2 * timeout_ms_));
  auto got = client.get(key, client::Consistency::Stale);
  if (!got) return std::nullopt;
  if (!got->has_value()) return std::string();
  return (*got)->value_json + "@" + std::to_string((*got)->mod_revision);
}

std::string ClusterProbe::transfer_leadership(std::size_t to) const {
  client::Options options;
  options.endpoints = endpoints_;
  options.request_timeout_ms = 4 * timeout_ms_;
  client::Client client(options);
  auto done = client.transfer_leadership(to);
  return done ? "" : done.error().describe();
}

}  // namespace confman::nemesis
