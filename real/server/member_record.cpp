#include "real/server/member_record.h"

#include <boost/json.hpp>

namespace confman::real {

std::string encode_member_record(const HostPort& peer, const HostPort& client) {
  return boost::json::serialize(boost::json::object{{"peerUrl", peer.describe()}, {"clientUrl", client.describe()}});
}

Result<MemberAddress, std::string> parse_member_record(const std::string& record) {
  boost::system::error_code error;
  const boost::json::value json = boost::json::parse(record, error);
  if (error || !json.is_object()) return unexpected(std::string("a member record must be a JSON object"));
  const auto* peer = json.as_object().if_contains("peerUrl");
  const auto* client = json.as_object().if_contains("clientUrl");
  if (peer == nullptr || client == nullptr || !peer->is_string() || !client->is_string()) {
    return unexpected(std::string("a member record needs \"peerUrl\" and \"clientUrl\" strings"));
  }
  auto peer_address = parse_host_port(std::string(peer->as_string()));
  if (!peer_address) return unexpected("peerUrl: " + peer_address.error());
  auto client_address = parse_host_port(std::string(client->as_string()));
  if (!client_address) return unexpected("clientUrl: " + client_address.error());
  return MemberAddress{kNoNode, *peer_address, *client_address};
}

}  // namespace confman::real
