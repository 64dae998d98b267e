#include "real/client/json_codec.h"

#include <boost/json.hpp>

namespace confman::client::detail {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxRawDetailBytes = 300;

Result<json::object, std::string> parse_object(std::string_view text) {
  json::error_code error;
  json::value value = json::parse(text, error);
  if (error) return unexpected("the answer is not JSON: " + error.message());
  if (!value.is_object()) return unexpected(std::string("the answer is not a JSON object"));
  return std::move(value.as_object());
}

std::uint64_t u64_field(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  if (value == nullptr) return 0;
  if (value->is_uint64()) return value->as_uint64();
  if (value->is_int64() && value->as_int64() >= 0) return static_cast<std::uint64_t>(value->as_int64());
  return 0;
}

std::string string_field(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

Result<KeyValue, std::string> key_value_of(const json::object& object) {
  const json::value* key = object.if_contains("key");
  if (key == nullptr || !key->is_string()) return unexpected(std::string("the answer has no \"key\""));
  KeyValue result;
  result.key = std::string(key->as_string());
  if (const json::value* value = object.if_contains("value")) result.value_json = json::serialize(*value);
  result.revision = u64_field(object, "revision");
  result.create_revision = u64_field(object, "createRevision");
  result.mod_revision = u64_field(object, "modRevision");
  result.version = u64_field(object, "version");
  return result;
}

Member member_of(const json::object& object) {
  return Member{u64_field(object, "id"), string_field(object, "role"), string_field(object, "peerUrl"),
                string_field(object, "clientUrl")};
}

}  // namespace

Result<KeyValue, std::string> parse_key_value(std::string_view text) {
  auto object = parse_object(text);
  if (!object) return unexpected(object.error());
  return key_value_of(*object);
}

Result<ListPage, std::string> parse_list_page(std::string_view text) {
  auto object = parse_object(text);
  if (!object) return unexpected(object.error());
  const json::value* keys = object->if_contains("keys");
  if (keys == nullptr || !keys->is_array()) return unexpected(std::string("the answer has no \"keys\" array"));
  ListPage page;
  for (const json::value& item : keys->as_array()) {
    if (!item.is_object()) return unexpected(std::string("a listed key is not an object"));
    auto key_value = key_value_of(item.as_object());
    if (!key_value) return unexpected(key_value.error());
    page.keys.push_back(std::move(key_value).value());
  }
  if (const json::value* next = object->if_contains("next"); next != nullptr && next->is_string()) {
    page.next = std::string(next->as_string());
  }
  page.revision = u64_field(*object, "revision");
  return page;
}

Result<ClusterState, std::string> parse_cluster_state(std::string_view text) {
  auto object = parse_object(text);
  if (!object) return unexpected(object.error());
  const json::value* members = object->if_contains("members");
  if (members == nullptr || !members->is_array()) return unexpected(std::string("the answer has no \"members\" array"));
  ClusterState state{u64_field(*object, "id"),          string_field(*object, "role"),
                     u64_field(*object, "leader"),      u64_field(*object, "term"),
                     u64_field(*object, "commitIndex"), u64_field(*object, "appliedIndex"),
                     u64_field(*object, "revision"),    {}};
  for (const json::value& member : members->as_array()) {
    if (!member.is_object()) return unexpected(std::string("a member is not an object"));
    state.members.push_back(member_of(member.as_object()));
  }
  return state;
}

Result<WatchEvent, std::string> parse_watch_event(std::string_view type, std::string_view text) {
  auto object = parse_object(text);
  if (!object) return unexpected(object.error());
  auto key_value = key_value_of(*object);
  if (!key_value) return unexpected(key_value.error());
  const std::string stated_type = string_field(*object, "type");
  return WatchEvent{stated_type.empty() ? std::string(type) : stated_type, std::move(key_value).value()};
}

std::optional<std::uint64_t> parse_revision(std::string_view text) {
  auto object = parse_object(text);
  if (!object || !object->contains("revision")) return std::nullopt;
  return u64_field(*object, "revision");
}

Error problem_error(unsigned status, std::string_view body) {
  auto object = parse_object(body);
  if (object && object->contains("title")) {
    return Error{status, string_field(*object, "title"), string_field(*object, "detail"), false};
  }
  return Error{status, "HTTP " + std::to_string(status), std::string(body.substr(0, kMaxRawDetailBytes)), false};
}

Result<std::string, std::string> put_body(std::string_view value_json) {
  json::error_code error;
  json::parse(value_json, error);  // exactly one JSON value, nothing after it
  if (error) return unexpected("the value is not JSON: " + error.message());
  // The caller's text as given: re-serializing could reformat numbers.
  return "{\"value\":" + std::string(value_json) + "}";
}

std::string add_member_body(std::uint64_t id, const std::string& peer_url, const std::string& client_url,
                            bool learner) {
  return json::serialize(
      json::object{{"id", id}, {"peerUrl", peer_url}, {"clientUrl", client_url}, {"learner", learner}});
}

std::string transfer_body(std::uint64_t id) { return json::serialize(json::object{{"id", id}}); }

}  // namespace confman::client::detail
