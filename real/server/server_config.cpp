#include "real/server/server_config.h"

#include <set>

namespace confman::real {

Result<MemberAddress, std::string> parse_member(const std::string& text) {
  const auto equals = text.find('=');
  const auto comma = text.find(',', equals == std::string::npos ? 0 : equals);
  if (equals == std::string::npos || comma == std::string::npos) {
    return unexpected("member '" + text + "' is not ID=PEER_HOST:PORT,CLIENT_HOST:PORT");
  }
  MemberAddress member;
  const std::string id_text = text.substr(0, equals);
  if (id_text.empty() || id_text.find_first_not_of("0123456789") != std::string::npos || id_text.size() > 9 ||
      std::stoull(id_text) == 0) {
    return unexpected("member '" + text + "': the id must be a positive integer");
  }
  member.id = std::stoull(id_text);
  auto peer = parse_host_port(text.substr(equals + 1, comma - equals - 1));
  if (!peer) return unexpected("member '" + text + "': peer address " + peer.error());
  auto client = parse_host_port(text.substr(comma + 1));
  if (!client) return unexpected("member '" + text + "': client address " + client.error());
  member.peer = *peer;
  member.client = *client;
  return member;
}

std::string describe(const MemberAddress& member) {
  return std::to_string(member.id) + "=" + member.peer.describe() + "," + member.client.describe();
}

Result<Done, std::string> validate(const ServerConfig& config) {
  if (config.id == kNoNode) return unexpected(std::string("--id must be a positive integer"));
  std::set<NodeId> ids;
  bool self_listed = config.members.empty();
  for (const MemberAddress& member : config.members) {
    if (!ids.insert(member.id).second) return unexpected("--member lists node " + std::to_string(member.id) + " twice");
    self_listed = self_listed || member.id == config.id;
  }
  if (!self_listed && !config.join) {
    return unexpected("--member lists the founding cluster, which must include this node (--id " +
                      std::to_string(config.id) + "); use --join to join a running cluster");
  }
  if (config.heartbeat_interval_ms == 0 || config.heartbeat_interval_ms >= config.election_timeout_ms) {
    return unexpected(std::string("--heartbeat-ms must be positive and below --election-timeout-ms"));
  }
  if (config.data_dir.empty()) return unexpected(std::string("--data-dir must not be empty"));
  if (config.idle_timeout_ms == 0) return unexpected(std::string("--idle-timeout-ms must be positive"));
  if (config.reserved_connections >= config.max_connections) {
    return unexpected(std::string("--reserved-connections must be below --max-connections"));
  }
  if (config.max_connections_per_address == 0) {
    return unexpected(std::string("--max-connections-per-address must be positive"));
  }
  if (config.storage != "wal" && config.storage != "lmdb") {
    return unexpected("--storage must be wal or lmdb, not '" + config.storage + "'");
  }
  return Done{};
}

}  // namespace confman::real
