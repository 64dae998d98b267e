#pragma once
// The client's side of the API's JSON (real/server/server_api.h): answers
// decoded into client.h's types, request bodies encoded. Boost.JSON stays in
// json_codec.cpp. A decode error names what was missing or malformed.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "real/client/client.h"

namespace confman::client::detail {

Result<KeyValue, std::string> parse_key_value(std::string_view json);
Result<ListPage, std::string> parse_list_page(std::string_view json);
Result<ClusterState, std::string> parse_cluster_state(std::string_view json);
// A watch stream's "put" or "delete" event's data.
Result<WatchEvent, std::string> parse_watch_event(std::string_view type, std::string_view json);
// The "revision" field of an object, if there is one.
std::optional<std::uint64_t> parse_revision(std::string_view json);

// An error answer: the problem+json title and detail, or the raw body.
Error problem_error(unsigned status, std::string_view body);

// {"value": <value_json>}, or why value_json is not JSON.
Result<std::string, std::string> put_body(std::string_view value_json);
std::string add_member_body(std::uint64_t id, const std::string& peer_url, const std::string& client_url, bool learner);
std::string transfer_body(std::uint64_t id);

}  // namespace confman::client::detail
