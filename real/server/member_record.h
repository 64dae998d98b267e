#pragma once
// The address record the cluster keeps for a member that joined by a
// membership change (core: the Config entry's context, then the member
// registry, Node::member_record): JSON {"peerUrl": "host:port",
// "clientUrl": "host:port"}, the same text older servers kept under the key
// /_confman/members/ID (which the store migrates, core/kv/store.h).

#include <string>

#include "core/util/result.h"
#include "real/server/server_config.h"

namespace confman::real {

std::string encode_member_record(const HostPort& peer, const HostPort& client);
// The addresses (id left unset); the error names what is wrong.
Result<MemberAddress, std::string> parse_member_record(const std::string& record);

}  // namespace confman::real
