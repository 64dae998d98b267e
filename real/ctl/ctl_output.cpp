#include "real/ctl/ctl_output.h"

#include <boost/json.hpp>

#include <algorithm>

namespace confman::ctl {

namespace json = boost::json;

namespace {

// The stored JSON value; text that is not JSON (never from the API) as a string.
json::value value_of(const std::string& value_json) {
  if (value_json.empty()) return nullptr;
  json::error_code error;
  json::value value = json::parse(value_json, error);
  return error ? json::value(value_json) : value;
}

json::object key_value_object(const client::KeyValue& key) {
  return json::object{{"key", key.key},
                      {"value", value_of(key.value_json)},
                      {"revision", key.revision},
                      {"createRevision", key.create_revision},
                      {"modRevision", key.mod_revision},
                      {"version", key.version}};
}

json::object member_object(const client::Member& member) {
  return json::object{
      {"id", member.id}, {"role", member.role}, {"peerUrl", member.peer_url}, {"clientUrl", member.client_url}};
}

}  // namespace

std::string format_table(const Row& header, const std::vector<Row>& rows) {
  std::vector<std::size_t> widths(header.size(), 0);
  auto measure = [&widths](const Row& row) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  };
  measure(header);
  for (const Row& row : rows) measure(row);
  auto render = [&widths](const Row& row) {
    std::string line;
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      const bool last = i + 1 == row.size();
      line += last ? row[i] : row[i] + std::string(widths[i] - row[i].size() + 2, ' ');
    }
    return line + "\n";
  };
  std::string text = render(header);
  for (const Row& row : rows) text += render(row);
  return text;
}

std::string key_values_table(const std::vector<client::KeyValue>& keys) {
  std::vector<Row> rows;
  for (const client::KeyValue& key : keys) {
    rows.push_back({key.key, key.value_json, std::to_string(key.mod_revision), std::to_string(key.create_revision),
                    std::to_string(key.version)});
  }
  return format_table({"KEY", "VALUE", "MOD_REVISION", "CREATE_REVISION", "VERSION"}, rows);
}

std::string key_value_json(const client::KeyValue& key) { return json::serialize(key_value_object(key)); }

std::string list_json(const std::string& prefix, const client::ListPage& page) {
  json::array keys;
  for (const client::KeyValue& key : page.keys) keys.push_back(key_value_object(key));
  json::object object{{"prefix", prefix}, {"revision", page.revision}, {"keys", std::move(keys)}};
  if (page.next) object["next"] = *page.next;
  return json::serialize(object);
}

std::string deleted_json(const std::string& key, std::uint64_t revision) {
  return json::serialize(json::object{{"key", key}, {"revision", revision}});
}

std::string members_table(const client::ClusterState& state) {
  std::vector<Row> rows;
  for (const client::Member& member : state.members) {
    rows.push_back({std::to_string(member.id), member.role, member.peer_url, member.client_url,
                    member.id == state.leader ? "yes" : ""});
  }
  return format_table({"ID", "ROLE", "PEER_URL", "CLIENT_URL", "LEADER"}, rows);
}

std::string cluster_text(const client::ClusterState& state) {
  const std::vector<Row> facts{{"node", std::to_string(state.id)},
                               {"role", state.role},
                               {"leader", state.leader == 0 ? "(none known)" : std::to_string(state.leader)},
                               {"term", std::to_string(state.term)},
                               {"commit index", std::to_string(state.commit_index)},
                               {"applied index", std::to_string(state.applied_index)},
                               {"revision", std::to_string(state.revision)}};
  std::string text;
  for (const Row& fact : facts) text += fact[0] + ":" + std::string(15 - fact[0].size(), ' ') + fact[1] + "\n";
  return text + "\n" + members_table(state);
}

std::string cluster_json(const client::ClusterState& state) {
  json::array members;
  for (const client::Member& member : state.members) members.push_back(member_object(member));
  return json::serialize(json::object{{"id", state.id},
                                      {"role", state.role},
                                      {"leader", state.leader},
                                      {"term", state.term},
                                      {"commitIndex", state.commit_index},
                                      {"appliedIndex", state.applied_index},
                                      {"revision", state.revision},
                                      {"members", std::move(members)}});
}

std::string watch_event_text(const client::WatchEvent& event) {
  std::string type = event.type;
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  std::string line = type + " " + event.key_value.key + " revision=" + std::to_string(event.key_value.revision);
  if (event.type == "put") line += " value=" + event.key_value.value_json;
  return line;
}

std::string watch_event_json(const client::WatchEvent& event) {
  json::object object = key_value_object(event.key_value);
  object["type"] = event.type;
  if (event.type != "put") object.erase("value");
  return json::serialize(object);
}

std::string error_line(const client::Error& error) {
  std::string line = "confmanctl: ";
  if (error.outcome_unknown) line += "outcome unknown (the write may or may not have taken effect): ";
  line += error.title.empty() ? "HTTP " + std::to_string(error.status) : error.title;
  if (!error.detail.empty()) line += ": " + error.detail;
  return line;
}

}  // namespace confman::ctl
