#pragma once
// What confmanctl prints: aligned tables for people, JSON for programs
// (--json, the same field names as the HTTP API), and error lines.

#include <string>
#include <vector>

#include "real/client/client.h"

namespace confman::ctl {

using Row = std::vector<std::string>;

// Left-aligned columns, each as wide as its widest cell, two spaces apart;
// the header first. Ends with a newline.
std::string format_table(const Row& header, const std::vector<Row>& rows);

std::string key_values_table(const std::vector<client::KeyValue>& keys);
std::string key_value_json(const client::KeyValue& key);
std::string list_json(const std::string& prefix, const client::ListPage& page);
std::string deleted_json(const std::string& key, std::uint64_t revision);

std::string cluster_text(const client::ClusterState& state);
std::string members_table(const client::ClusterState& state);
std::string cluster_json(const client::ClusterState& state);

// One line (no newline) per watch event.
std::string watch_event_text(const client::WatchEvent& event);
std::string watch_event_json(const client::WatchEvent& event);

// "confmanctl: <title>: <detail>", saying so when a write's outcome is unknown.
std::string error_line(const client::Error& error);

}  // namespace confman::ctl
