#include "sim/phases.h"

#include <algorithm>


namespace confman::sim {

namespace {
constexpr std::uint64_t kStreamLiveness = 5;  // derive_seed label (cluster.cpp lists the others)
constexpr TimeUs kCheckEveryUs = 100'000;
constexpr TimeUs kProbeRetryUs = 500'000;

std::string describe_nodes(const std::vector<NodeId>& nodes) {
  std::string text;
  for (NodeId id : nodes) text += (text.empty() ? "" : ",") + std::to_string(id);
  return "{" + text + "}";
}

// Returns an empty string when every member is up, one leader leads, and
// every member has applied the leader's commit index with an equal state
// digest. Nodes outside the leader's membership (spares, removed nodes) are
// no replicas and are not compared.
std::string convergence_gap(const World& world) {
  const NodeId leader = world.leader();
  if (leader == kNoNode) return "no leader";
  const node::Node* leader_node = world.node(leader);
  const LogIndex commit = leader_node->status().commit;
  const std::uint64_t digest = leader_node->store().digest();
  if (leader_node->raft().membership_index() > commit) return "the leader's membership change is not committed";
  for (NodeId id : leader_node->membership().members()) {
    if (world.disk_lost(id)) continue;  // refused its corrupted disk; not a replica any more
    const node::Node* node = world.node(id);
    if (node == nullptr) return "node " + std::to_string(id) + " is down";
    if (node->applied_index() != commit) {
      return "node " + std::to_string(id) + " applied " + std::to_string(node->applied_index()) + " of leader commit " +
             std::to_string(commit);
    }
    if (node->store().digest() != digest) {
      return "node " + std::to_string(id) + " state digest " + format_hash(node->store().digest()) +
             " differs from leader's " + format_hash(digest) + " at index " + std::to_string(commit);
    }
  }
  return {};
}
}  // namespace

LivenessPhase::LivenessPhase(World& world, std::uint64_t seed)
    : world_(world), random_(derive_seed(seed, kStreamLiveness)) {
  world_.cluster().add_client(kProbeClient, ClientSink{.path = ClientSink::Path::Direct,
                                                       .on_response = [this](const service::Response& response) {
                                                         if (response.code == service::Code::Ok) acknowledged_ = true;
                                                       }});
}

std::string LivenessPhase::run(const Scenario& scenario) {
  world_.stop_clients();
  connect_random_quorum();
  const TimeUs deadline_us = world_.now_us() + scenario.expect.liveness_bound_us;
  TimeUs last_probe_us = -kProbeRetryUs;
  while (world_.now_us() < deadline_us && !world_.invariants().violated()) {
    world_.run_until(world_.now_us() + kCheckEveryUs);
    if (acknowledged_) return {};
    const NodeId leader = leader_in_quorum();
    if (leader != kNoNode && world_.now_us() - last_probe_us >= kProbeRetryUs) {
      send_probe(leader);
      last_probe_us = world_.now_us();
    }
  }
  if (world_.invariants().violated()) return {};
  const NodeId leader = leader_in_quorum();
  return "no liveness: " + std::to_string(scenario.expect.liveness_bound_us / 1000) +
         " ms after connecting the majority " + describe_nodes(quorum_) + ", " +
         (leader == kNoNode ? std::string("it has no leader")
                            : "leader " + std::to_string(leader) + " has not committed a write");
}

NodeId LivenessPhase::leader_in_quorum() const {
  const NodeId leader = world_.leader();
  return std::find(quorum_.begin(), quorum_.end(), leader) != quorum_.end() ? leader : kNoNode;
}

void LivenessPhase::connect_random_quorum() {
  Cluster& cluster = world_.cluster();
  // A crashed node holds, once restarted, the membership on its disk: not
  // the one it reported before the crash if a configuration entry it had
  // appended was not yet durable. So every crashed node restarts first (a
  // quorum chosen from its old view could be stuck for good; found by
  // fuzz_membership: "add-voter 3; crash 1" with entry 3 lost on node 1).
  for (NodeId id = 1; id <= static_cast<NodeId>(cluster.node_count()); ++id) {
    if (!cluster.disk_lost(id)) world_.restart(id);  // a damaged disk is repaired at start-up
  }
  // A change already on its way when the operator stopped (say, to a
  // paused leader) can move the quorum during the phase.
  cluster.on_membership_view([this] { grow_quorum(); });
  quorum_.clear();
  grow_quorum();
}

// Adds nodes, in a random order, to the quorum until it holds a majority of
// every membership a node holds: during a change, nodes disagree on the
// membership by one server, and a set that is a quorum of only one of them
// may be stuck for good.
void LivenessPhase::grow_quorum() {
  Cluster& cluster = world_.cluster();
  const std::vector<raft::Membership> memberships = cluster.memberships_held();
  auto has_majority_of_all = [&] {
    return std::all_of(memberships.begin(), memberships.end(), [&](const raft::Membership& m) {
      const auto in = std::count_if(quorum_.begin(), quorum_.end(), [&](NodeId id) { return m.is_voter(id); });
      return static_cast<std::size_t>(in) >= m.quorum();
    });
  };
  if (has_majority_of_all()) return;
  std::vector<NodeId> candidates;
  for (NodeId id = 1; id <= static_cast<NodeId>(cluster.node_count()); ++id) {
    const bool votes_somewhere = std::any_of(memberships.begin(), memberships.end(),
                                             [&](const raft::Membership& m) { return m.is_voter(id); });
    const bool in_quorum = std::find(quorum_.begin(), quorum_.end(), id) != quorum_.end();
    // A damaged disk cannot vote until it has been repaired and has re-fetched the log.
    if (votes_somewhere && !in_quorum && !cluster.corrupted(id)) candidates.push_back(id);
  }
  for (std::size_t i = candidates.size(); i > 1; --i) std::swap(candidates[i - 1], candidates[random_.below(i)]);
  for (NodeId id : candidates) {
    if (has_majority_of_all()) break;
    quorum_.push_back(id);
  }
  std::sort(quorum_.begin(), quorum_.end());
  // The harness's own healing, not a fault: traced, not counted.
  world_.trace().event(world_.now_us(), TraceKind::Phase, 0)
      .field("phase", "liveness")
      .field("quorum", describe_groups({quorum_}));
  cluster.connect_only(quorum_);
}

void LivenessPhase::send_probe(NodeId leader) {
  probes_ += 1;
  service::Request request;
  request.id = Client::request_id(kProbeClient, probes_, 1);
  request.operation = service::Operation::Put;
  request.key = "/liveness/probe";
  request.value = std::to_string(probes_);
  world_.cluster().send_request(kProbeClient, leader, request);
}

std::string run_convergence_phase(World& world, const Scenario& scenario) {
  world.heal();
  for (NodeId id = 1; id <= static_cast<NodeId>(world.node_count()); ++id) world.restart(id);
  const TimeUs deadline_us = world.now_us() + scenario.expect.liveness_bound_us;
  std::string gap = "not checked";
  while (world.now_us() < deadline_us && !world.invariants().violated()) {
    world.run_until(world.now_us() + kCheckEveryUs);
    gap = convergence_gap(world);
    if (gap.empty() && world.clients_idle()) return {};
  }
  if (world.invariants().violated()) return {};
  if (gap.empty()) gap = "clients still waiting for answers";
  return "no convergence within " + std::to_string(scenario.expect.liveness_bound_us / 1000) +
         " ms after the final heal: " + gap;
}

}  // namespace confman::sim
