// confman-server: one Confman node. With no arguments it runs a single-node
// cluster on 127.0.0.1 (peers on 7001, clients on 8001) with its data in
// ./confman-data. SIGTERM or SIGINT stops it cleanly.

#include <CLI/CLI.hpp>
#include <boost/asio.hpp>

#include <csignal>
#include <cstdio>
#include <iostream>

#include "real/server/server.h"
#include "real/storage/lmdb_storage.h"
#include "real/storage/wal_repair.h"
#include "real/storage/wal_storage.h"

namespace {

using namespace confman;
using namespace confman::real;

struct Flags {
  ServerConfig config;
  bool repair_wal = false;
  bool yes = false;
  std::string peer_listen;
  std::string client_listen;
  std::vector<std::string> members;
};

void add_options(CLI::App& app, Flags& flags) {
  ServerConfig& config = flags.config;
  app.add_option("--id", config.id, "this node's id (a positive integer)")->capture_default_str();
  app.add_option("--data-dir", config.data_dir, "where the node keeps its durable state")->capture_default_str();
  app.add_option("--peer-listen", flags.peer_listen, "host:port for Raft traffic (default: from --member, or 127.0.0.1:7001)");
  app.add_option("--client-listen", flags.client_listen, "host:port for the HTTP API (default: from --member, or 127.0.0.1:8001)");
  app.add_option("--member", flags.members, "a founding member, ID=PEER_HOST:PORT,CLIENT_HOST:PORT (repeat for each)");
  app.add_flag("--join", config.join,
               "join a running cluster: --member then lists the running members' addresses, and an operator adds "
               "this node with POST /api/v1/cluster/members");
  app.add_option("--election-timeout-ms", config.election_timeout_ms, "Raft election timeout")->capture_default_str();
  app.add_option("--heartbeat-ms", config.heartbeat_interval_ms, "leader heartbeat interval")->capture_default_str();
  app.add_option("--snapshot-entries", config.snapshot_threshold_entries, "snapshot after this many applied entries")
      ->capture_default_str();
  app.add_option("--snapshot-bytes", config.snapshot_threshold_bytes,
                 "...or once the entries applied since the last snapshot hold this many bytes (0: entries alone)")
      ->capture_default_str();
  app.add_option("--snapshot-trailing-bytes", config.snapshot_trailing_bytes,
                 "at most this many bytes of log stay behind a snapshot for lagging followers (0: no bound)")
      ->capture_default_str();
  app.add_option("--snapshot-log-ratio", config.snapshot_log_ratio_percent,
                 "...and once the log since the last snapshot holds this percentage of its size (0: entries alone)")
      ->capture_default_str();
  app.add_flag("--repair-wal", flags.repair_wal,
               "show what a repair of a damaged WAL would cut, then exit (docs/DESIGN.md, \"Storage faults\")");
  app.add_flag("--yes", flags.yes, "with --repair-wal: make the cut and mark the node recovering");
  app.add_option("--storage", config.storage,
                 "wal: a write-ahead log in front of LMDB (one sync per write); lmdb: LMDB alone (two)")
      ->check(CLI::IsMember({"wal", "lmdb"}))
      ->capture_default_str();
  app.add_option("--lmdb-map-size-mb", config.lmdb_map_size_mb,
                 "the most the data file may grow to (it starts small and grows on demand; at this ceiling writes "
                 "are refused and /health/ready says so)")
      ->capture_default_str();
  app.add_option("--max-body-bytes", config.max_body_bytes, "largest accepted request body")->capture_default_str();
  app.add_option("--request-timeout-ms", config.request_timeout_ms,
                 "a request not fully received within this closes its connection")
      ->capture_default_str();
  app.add_option("--idle-timeout-ms", config.idle_timeout_ms,
                 "a connection that sends no request for this long (before its first, or between two) is closed")
      ->capture_default_str();
  app.add_option("--max-connections", config.max_connections,
                 "client connections open at once (lowered to fit the file descriptor limit; the log says so)")
      ->capture_default_str();
  app.add_option("--reserved-connections", config.reserved_connections,
                 "of --max-connections, kept for health checks and requests forwarded between members")
      ->capture_default_str();
  app.add_option("--max-connections-per-address", config.max_connections_per_address,
                 "client connections from one address; more serve only health checks and forwarded requests")
      ->capture_default_str();
  app.set_config("--config", "", "read these options from a TOML file (keys as the long option names)");
}

// Listen addresses: the flag, else this node's --member entry, else the default.
Result<Done, std::string> resolve_addresses(Flags& flags) {
  ServerConfig& config = flags.config;
  for (const std::string& text : flags.members) {
    auto member = parse_member(text);
    if (!member) return unexpected(member.error());
    config.members.push_back(*member);
    if (member->id == config.id) {
      config.peer_listen = member->peer;
      config.client_listen = member->client;
    }
  }
  if (!flags.peer_listen.empty()) {
    auto parsed = parse_host_port(flags.peer_listen);
    if (!parsed) return unexpected("--peer-listen " + parsed.error());
    config.peer_listen = *parsed;
  }
  if (!flags.client_listen.empty()) {
    auto parsed = parse_host_port(flags.client_listen);
    if (!parsed) return unexpected("--client-listen " + parsed.error());
    config.client_listen = *parsed;
  }
  return validate(config);
}

Result<std::unique_ptr<node::Storage>, std::string> open_storage(const ServerConfig& config, PostToCore post) {
  const std::size_t map_size_bytes = config.lmdb_map_size_mb << 20;
  if (config.storage == "lmdb") {
    auto opened = LmdbStorage::open(config.data_dir, LmdbOptions{.map_size_bytes = map_size_bytes}, std::move(post));
    if (!opened) return unexpected(opened.error());
    return std::unique_ptr<node::Storage>(std::move(opened).value());
  }
  auto opened = WalStorage::open(config.data_dir, WalOptions{.map_size_bytes = map_size_bytes}, std::move(post));
  if (!opened) return unexpected(opened.error());
  if (const std::size_t torn = (*opened)->torn_tail_bytes(); torn > 0) {
    // Never acknowledged (its sync had not returned): dropped, and said so.
    std::fprintf(stderr, "node=%llu event=wal_torn_tail bytes=%zu detail=\"a crash left the last WAL record torn; "
                         "it was never acknowledged and is dropped\"\n",
                 static_cast<unsigned long long>(config.id), torn);
  }
  return std::unique_ptr<node::Storage>(std::move(opened).value());
}

int run_repair_wal(const Flags& flags) {
  if (flags.config.storage != "wal") {
    std::cerr << "confman-server: --repair-wal repairs the WAL storage; this node uses --storage "
              << flags.config.storage << "\n";
    return 2;
  }
  const WalOptions options{.map_size_bytes = flags.config.lmdb_map_size_mb << 20};
  auto report = repair_wal(flags.config.data_dir, options, flags.yes);
  if (!report) {
    std::cerr << "confman-server: --repair-wal: " << report.error() << "\n";
    return 1;
  }
  std::cout << report->text;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"confman-server: a Confman node (Raft-replicated configuration store)"};
  Flags flags;
  add_options(app, flags);
  CLI11_PARSE(app, argc, argv);
  if (flags.yes && !flags.repair_wal) {
    std::cerr << "confman-server: --yes only goes with --repair-wal\n";
    return 2;
  }
  if (flags.repair_wal) return run_repair_wal(flags);
  if (auto resolved = resolve_addresses(flags); !resolved) {
    std::cerr << "confman-server: " << resolved.error() << "\n";
    return 2;
  }
  boost::asio::io_context io;
  auto storage = open_storage(flags.config, [&io](std::function<void()> done) { boost::asio::post(io, std::move(done)); });
  if (!storage) {
    std::cerr << "confman-server: " << storage.error() << "\n";
    return 1;
  }
  auto server = ConfmanServer::start(io, flags.config, std::move(storage).value());
  if (!server) {
    std::cerr << "confman-server: " << server.error() << "\n";
    return 1;
  }
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& error, int) {
    if (error) return;
    (*server)->stop();
    io.stop();
  });
  io.run();
  const bool failed = (*server)->failed();
  server->reset();  // finishes issued storage writes, then releases the data directory
  return failed ? 1 : 0;
}
