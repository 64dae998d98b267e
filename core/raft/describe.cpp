#include "core/raft/describe.h"

namespace confman::raft {

namespace {

const char* entry_type_name(EntryType type) {
  switch (type) {
    case EntryType::Normal: return "normal";
    case EntryType::Noop: return "noop";
    case EntryType::Config: return "config";
  }
  return "unknown";
}

// Entry data as text when it is printable, else its length.
std::string describe_data(const Bytes& data) {
  if (data.size() > 32) return "<" + std::to_string(data.size()) + " bytes>";
  std::string text = "\"";
  for (std::uint8_t byte : data) {
    if (byte < 0x20 || byte > 0x7E || byte == '"') return "<" + std::to_string(data.size()) + " bytes>";
    text.push_back(static_cast<char>(byte));
  }
  return text + "\"";
}

std::string describe_entries(const std::vector<Entry>& entries) {
  std::string text = "[";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) text += ", ";
    text += describe(entries[i]);
  }
  return text + "]";
}

std::string field(const char* name, std::uint64_t value) { return std::string(" ") + name + "=" + std::to_string(value); }

}  // namespace

std::string describe(const Entry& entry) {
  std::string text = std::to_string(entry.term) + "/" + std::to_string(entry.index) + " " + entry_type_name(entry.type);
  if (entry.type == EntryType::Normal && !entry.data.empty()) text += " " + describe_data(entry.data);
  if (entry.type == EntryType::Config) {
    auto config = decode_config_entry(entry.data);
    text += config ? " " + std::string(config_change_type_name(config->change.type)) + " " +
                         std::to_string(config->change.node) + " -> " + config->membership.describe()
                   : " <undecodable>";
  }
  return text;
}

std::string describe(const Message& message) {
  std::string text = std::to_string(message.from) + "->" + std::to_string(message.to) + " " +
                     message_type_name(message.type) + field("term", message.term);
  switch (message.type) {
    case MessageType::PreVote:
    case MessageType::Vote:
      text += field("index", message.index) + field("log_term", message.log_term);
      if (message.transfer) text += " transfer";
      break;
    case MessageType::PreVoteResponse:
    case MessageType::VoteResponse:
    case MessageType::TimeoutNow: break;
    case MessageType::Append:
      text += field("index", message.index) + field("log_term", message.log_term) + field("commit", message.commit);
      text += " entries=" + describe_entries(message.entries);
      break;
    case MessageType::AppendResponse:
      text += field("index", message.index);
      if (message.reject) text += field("hint", message.reject_hint) + field("hint_term", message.log_term);
      break;
    case MessageType::Heartbeat:
      text += field("commit", message.commit) + field("context", message.read_context);
      break;
    case MessageType::HeartbeatResponse: text += field("context", message.read_context); break;
    case MessageType::Snapshot:
      text += field("index", message.index) + field("log_term", message.log_term) +
              field("offset", message.snapshot_offset) + field("size", message.snapshot_size) +
              field("chunk", message.chunk.size());
      break;
    case MessageType::SnapshotResponse:
      text += field("index", message.index) + field("log_term", message.log_term) + field("commit", message.commit) +
              field("offset", message.snapshot_offset);
      break;
  }
  if (message.reject) text += " rejected";
  return text;
}

std::string describe(const Ready& ready) {
  std::string text = "Ready";
  if (ready.hard_state) {
    text += " hard_state={term=" + std::to_string(ready.hard_state->term) + " vote=" +
            std::to_string(ready.hard_state->vote) + " commit=" + std::to_string(ready.hard_state->commit) + "}";
  }
  if (ready.snapshot) text += " snapshot=" + std::to_string(ready.snapshot->term) + "/" + std::to_string(ready.snapshot->index);
  if (!ready.entries.empty()) text += " entries=" + describe_entries(ready.entries);
  for (const ReadState& read : ready.read_states) {
    text += " read=" + std::to_string(read.request_id) + "@" + std::to_string(read.index);
  }
  for (std::uint64_t failed : ready.failed_reads) text += " read_failed=" + std::to_string(failed);
  for (const Message& message : ready.messages) text += "\n  send " + describe(message);
  for (const Message& message : ready.messages_after_persist) text += "\n  send after persist " + describe(message);
  return text;
}

std::string describe(const RaftStatus& status) {
  return std::to_string(status.id) + " " + role_name(status.role) + field("term", status.term) +
         field("vote", status.vote) + field("leader", status.leader) + field("commit", status.commit) +
         field("last", status.last_index) + "/" + std::to_string(status.last_term);
}

}  // namespace confman::raft
