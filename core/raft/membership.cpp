#include "core/raft/membership.h"

#include <algorithm>

namespace confman::raft {

namespace {

bool sorted_contains(const std::vector<NodeId>& ids, NodeId id) {
  return std::binary_search(ids.begin(), ids.end(), id);
}

void insert_sorted(std::vector<NodeId>& ids, NodeId id) { ids.insert(std::lower_bound(ids.begin(), ids.end(), id), id); }

void erase_sorted(std::vector<NodeId>& ids, NodeId id) {
  ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
}

std::string join(const std::vector<NodeId>& ids) {
  std::string text;
  for (NodeId id : ids) text += (text.empty() ? "" : ",") + std::to_string(id);
  return text.empty() ? "none" : text;
}

std::optional<DecodeError> decode_ids(ByteReader& reader, std::vector<NodeId>& ids, const char* what,
                                      std::size_t max_count) {
  std::uint64_t count = 0;
  if (!reader.varint(count) || count > max_count) {
    return reader.error(std::string(what) + " count of at most " + std::to_string(max_count));
  }
  ids.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (!reader.varint(ids[i]) || ids[i] == kNoNode || (i > 0 && ids[i] <= ids[i - 1])) {
      return reader.error(std::string(what) + " ids other than 0, in increasing order");
    }
  }
  return std::nullopt;
}

}  // namespace

bool Membership::is_voter(NodeId id) const { return sorted_contains(voters, id); }
bool Membership::is_learner(NodeId id) const { return sorted_contains(learners, id); }

std::vector<NodeId> Membership::members() const {
  std::vector<NodeId> all = voters;
  all.insert(all.end(), learners.begin(), learners.end());
  return all;
}

std::string Membership::describe() const {
  std::string text = "voters " + join(voters);
  if (!learners.empty()) text += " learners " + join(learners);
  return text;
}

const char* config_change_type_name(ConfigChangeType type) {
  switch (type) {
    case ConfigChangeType::AddVoter: return "add-voter";
    case ConfigChangeType::AddLearner: return "add-learner";
    case ConfigChangeType::Promote: return "promote";
    case ConfigChangeType::Remove: return "remove";
  }
  return "unknown";
}

Result<Membership, std::string> apply_config_change(const Membership& membership, const ConfigChange& change) {
  const std::string node = "node " + std::to_string(change.node);
  if (change.node == kNoNode) return unexpected(std::string("node id 0 is not a node"));
  Membership next = membership;
  switch (change.type) {
    case ConfigChangeType::AddVoter:
    case ConfigChangeType::AddLearner:
      if (membership.contains(change.node)) return unexpected(node + " is already a member");
      if (membership.voters.size() + membership.learners.size() >= kMaxMembers) {
        return unexpected("the cluster already has the maximum of " + std::to_string(kMaxMembers) + " members");
      }
      insert_sorted(change.type == ConfigChangeType::AddVoter ? next.voters : next.learners, change.node);
      return next;
    case ConfigChangeType::Promote:
      if (!membership.is_learner(change.node)) return unexpected(node + " is not a learner");
      erase_sorted(next.learners, change.node);
      insert_sorted(next.voters, change.node);
      return next;
    case ConfigChangeType::Remove:
      if (!membership.contains(change.node)) return unexpected(node + " is not a member");
      if (membership.voters.size() == 1 && membership.is_voter(change.node)) {
        return unexpected(node + " is the last voter");
      }
      erase_sorted(next.voters, change.node);
      erase_sorted(next.learners, change.node);
      return next;
  }
  return unexpected(std::string("unknown change type"));
}

void encode_membership(ByteWriter& writer, const Membership& membership) {
  writer.varint(membership.voters.size());
  for (NodeId id : membership.voters) writer.varint(id);
  writer.varint(membership.learners.size());
  for (NodeId id : membership.learners) writer.varint(id);
}

std::optional<DecodeError> decode_membership(ByteReader& reader, Membership& membership, std::size_t min_voters) {
  if (auto error = decode_ids(reader, membership.voters, "voter", kMaxMembers)) return error;
  if (membership.voters.size() < min_voters) {
    return reader.error("at least " + std::to_string(min_voters) + " voter(s)");
  }
  if (auto error = decode_ids(reader, membership.learners, "learner", kMaxMembers - membership.voters.size())) {
    return error;
  }
  for (NodeId learner : membership.learners) {
    if (membership.is_voter(learner)) return reader.error("learners that are not also voters");
  }
  return std::nullopt;
}

Bytes encode_config_entry(const ConfigEntryData& data) {
  Bytes bytes;
  ByteWriter writer(bytes);
  writer.u8(static_cast<std::uint8_t>(data.change.type));
  writer.varint(data.change.node);
  encode_membership(writer, data.membership);
  if (!data.change.context.empty()) writer.string(data.change.context);
  return bytes;
}

Decoded<ConfigEntryData> decode_config_entry(ByteView bytes) {
  ByteReader reader(bytes);
  ConfigEntryData data;
  std::uint8_t type = 0;
  if (!reader.u8(type) || type < static_cast<std::uint8_t>(ConfigChangeType::AddVoter) ||
      type > static_cast<std::uint8_t>(ConfigChangeType::Remove)) {
    return unexpected(reader.error("config change type 1..4"));
  }
  data.change.type = static_cast<ConfigChangeType>(type);
  if (!reader.varint(data.change.node) || data.change.node == kNoNode) {
    return unexpected(reader.error("varint node id other than 0"));
  }
  if (auto error = decode_membership(reader, data.membership, 1)) return unexpected(*error);
  if (!reader.at_end()) {
    if (!reader.string(data.change.context, kMaxConfigContextBytes) || data.change.context.empty()) {
      return unexpected(reader.error("a context of 1 to " + std::to_string(kMaxConfigContextBytes) + " bytes"));
    }
  }
  if (!reader.at_end()) return unexpected(reader.error("end of config entry"));
  return data;
}

}  // namespace confman::raft
