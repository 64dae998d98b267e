#include "sim/world.h"

#include <algorithm>

namespace confman::sim {

namespace {
constexpr std::uint64_t kStreamClientBase = 1000;   // derive_seed labels (cluster.cpp lists the others)
constexpr std::uint64_t kStreamWatcherBase = 2000;
constexpr std::uint64_t kStreamClusterWatcherBase = 3000;
}  // namespace

World::World(const Scenario& scenario, std::uint64_t seed, Trace& trace)
    : scenario_(scenario),
      seed_(seed),
      trace_(trace),
      invariants_(scenario.total_nodes()),
      cluster_(scenario_, seed, queue_, trace_, invariants_),
      operator_(cluster_, seed, queue_, trace_),
      nemesis_(scenario_, seed, cluster_, operator_, queue_) {
  for (int i = 0; i < scenario.workload.clients; ++i) {
    clients_.push_back(std::make_unique<Client>(
        i, scenario.total_nodes(), scenario.workload, derive_seed(seed, kStreamClientBase + static_cast<std::uint64_t>(i)),
        queue_, history_, trace_, [this](int client, NodeId node, const service::Request& request) {
          cluster_.send_request(client, node, request);
        }));
    Client* client = clients_.back().get();
    cluster_.add_client(i, ClientSink{.path = ClientSink::Path::Network,
                                      .on_response = [client](const service::Response& response) {
                                        client->on_response(response);
                                      }});
  }
  for (int i = 0; i < scenario.workload.watchers; ++i) {
    watchers_.push_back(std::make_unique<Watcher>(
        i, scenario.total_nodes(), scenario.workload, kSimWatchProgressIntervalUs,
        derive_seed(seed, kStreamWatcherBase + static_cast<std::uint64_t>(i)), queue_, trace_,
        [this](int watcher, NodeId node, const service::Request& request) {
          cluster_.open_watch(Watcher::kFirstClientIndex + watcher, node, request);
        },
        [this](std::uint64_t watch_id) { cluster_.close_watch(watch_id); }));
    Watcher* watcher = watchers_.back().get();
    cluster_.add_client(Watcher::kFirstClientIndex + i,
                        ClientSink{.path = ClientSink::Path::Stream,
                                   .on_response = [watcher](const service::Response& r) { watcher->on_response(r); },
                                   .on_batch = [watcher](const service::WatchBatch& b) { watcher->on_batch(b); },
                                   .on_ended = [watcher](std::uint64_t id, service::Code code) {
                                     watcher->on_ended(id, code);
                                   }});
  }
  for (int i = 0; i < scenario.workload.cluster_watchers; ++i) {
    cluster_watchers_.push_back(std::make_unique<ClusterWatcher>(
        i, scenario.total_nodes(), derive_seed(seed, kStreamClusterWatcherBase + static_cast<std::uint64_t>(i)), queue_,
        [this](int index, NodeId node, const service::Request& request) { cluster_.open_watch(index, node, request); },
        [this](std::uint64_t watch_id) { cluster_.close_watch(watch_id); }));
    ClusterWatcher* watcher = cluster_watchers_.back().get();
    cluster_.add_client(ClusterWatcher::kFirstClientIndex + i,
                        ClientSink{.path = ClientSink::Path::Stream,
                                   .on_response = [watcher](const service::Response& r) { watcher->on_response(r); },
                                   .on_ended = [watcher](std::uint64_t id, service::Code code) {
                                     watcher->on_ended(id, code);
                                   },
                                   .on_cluster = [watcher](std::uint64_t id, const service::ClusterState& state) {
                                     watcher->on_event(id, state);
                                   }});
  }
}

void World::start() {
  cluster_.start_nodes();
  for (auto& client : clients_) client->start();
  for (auto& watcher : watchers_) watcher->start();
  for (auto& watcher : cluster_watchers_) watcher->start();
  nemesis_.start();
}

void World::run_until(TimeUs until_us) {
  while (!queue_.empty() && queue_.next_time_us() <= until_us && !invariants_.violated()) {
    queue_.run_next();
  }
  if (!invariants_.violated()) queue_.advance_to(until_us);
}

void World::stop_clients() {
  for (auto& client : clients_) client->stop_issuing();
  for (auto& watcher : watchers_) watcher->stop();
  for (auto& watcher : cluster_watchers_) watcher->stop();
  operator_.stop();
}

bool World::clients_idle() const {
  return std::all_of(clients_.begin(), clients_.end(), [](const auto& client) { return client->idle(); });
}

ClientStats World::client_stats() const {
  ClientStats total;
  for (const auto& client : clients_) total += client->stats();
  return total;
}

std::vector<check::WatchSegment> World::watch_segments() const {
  std::vector<check::WatchSegment> segments;
  for (const auto& watcher : watchers_) {
    segments.insert(segments.end(), watcher->segments().begin(), watcher->segments().end());
  }
  return segments;
}

std::vector<check::ClusterObservation> World::cluster_observations() const {
  std::vector<check::ClusterObservation> observations;
  for (const auto& watcher : cluster_watchers_) {
    observations.insert(observations.end(), watcher->observations().begin(), watcher->observations().end());
  }
  return observations;
}

std::uint64_t World::watch_events() const {
  std::uint64_t events = 0;
  for (const auto& watcher : watchers_) events += watcher->events_received();
  return events;
}

std::uint64_t World::watch_resumptions() const {
  std::uint64_t resumptions = 0;
  for (const auto& watcher : watchers_) resumptions += watcher->resumptions();
  return resumptions;
}

}  // namespace confman::sim
