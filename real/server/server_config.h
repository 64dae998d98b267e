#pragma once
// What a confman-server is told at start-up (flags or a config file, see
// main_server.cpp). With no arguments: a single-node cluster on 127.0.0.1
// with its data in ./confman-data, so a newcomer can try it at once.

#include <cstdint>
#include <string>
#include <vector>

#include "core/types.h"
#include "real/transport/tcp_transport.h"

namespace confman::real {

struct MemberAddress {
  NodeId id = kNoNode;
  HostPort peer;    // Raft messages (TCP)
  HostPort client;  // the HTTP API
};

// "ID=PEER_HOST:PORT,CLIENT_HOST:PORT", e.g. "2=127.0.0.1:7002,127.0.0.1:8002".
Result<MemberAddress, std::string> parse_member(const std::string& text);
std::string describe(const MemberAddress& member);

struct ServerConfig {
  NodeId id = 1;
  std::string data_dir = "confman-data";
  HostPort peer_listen{"127.0.0.1", 7001};
  HostPort client_listen{"127.0.0.1", 8001};
  // The founding members, this node among them. Empty: a cluster of this
  // node alone. Ignored once the node has durable state (its log holds the
  // membership from then on).
  std::vector<MemberAddress> members;
  // Started to join a running cluster: no founding membership; an operator
  // adds it through POST /api/v1/cluster/members on a member. `members`
  // then gives the addresses of the running members (so that it can answer
  // the leader), not a founding membership.
  bool join = false;
  std::uint32_t election_timeout_ms = 1000;
  std::uint32_t heartbeat_interval_ms = 100;
  std::uint64_t snapshot_threshold_entries = 10'000;
  // ...or once they hold this many bytes; and at most this many bytes of
  // log stay behind a snapshot (node::NodeConfig).
  std::uint64_t snapshot_threshold_bytes = 64u << 20;
  std::uint64_t snapshot_trailing_bytes = 16u << 20;
  // ...and once the log since the last snapshot is this percentage of its
  // size (node::NodeConfig::snapshot_log_ratio_percent).
  std::uint32_t snapshot_log_ratio_percent = 200;
  // "wal": a write-ahead log in front of LMDB (wal_storage.h), one sync per
  // write; "lmdb": LMDB alone (lmdb_storage.h), two syncs per write.
  std::string storage = "wal";
  std::size_t lmdb_map_size_mb = 1024;
  std::size_t max_body_bytes = 1536 * 1024;
  std::uint32_t request_timeout_ms = 30'000;  // a request not fully received by then closes its connection
  std::uint32_t idle_timeout_ms = 5'000;      // a connection with no request for this long is closed
  // Client connections (http_server.h): the cap (lowered at start-up to fit
  // the descriptor limit, fd_budget.h), the share of it kept for health
  // checks and forwarding between members, and the cap per client address.
  std::size_t max_connections = 1024;
  std::size_t reserved_connections = 32;
  std::size_t max_connections_per_address = 128;
  std::uint32_t read_wait_timeout_ms = 5000;  // X-Confman-Version and forwarded requests
};

// Checks what flags alone cannot: this node among the members, distinct ids,
// timeouts in order. The message names the offending value.
Result<Done, std::string> validate(const ServerConfig& config);

}  // namespace confman::real
