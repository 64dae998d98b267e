#include "core/kv/store.h"

#include <algorithm>

#include "core/kv/limits.h"

namespace confman::kv {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool value_fits(const Command& command) {
  const bool carries_value =
      command.type == CommandType::Put || command.type == CommandType::CompareAndSet;
  return !carries_value || command.value.size() <= kMaxValueBytes;
}

// The first segment of rest ("config" of "config/timeout"), and whether more
// segments follow it.
struct ChildSegment {
  std::string_view name;
  bool is_subtree;
};

ChildSegment first_segment(std::string_view rest) {
  const std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return ChildSegment{rest, false};
  return ChildSegment{rest.substr(0, slash), true};
}

// '0' is the byte after '/', so prefix + name + "0" is the smallest string
// greater than every key in the subtree prefix + name + "/...".
std::string past_subtree(std::string_view prefix, std::string_view name) {
  std::string bound;
  bound.reserve(prefix.size() + name.size() + 1);
  bound.append(prefix);
  bound.append(name);
  bound.push_back('/' + 1);
  return bound;
}

std::uint64_t hash_string(std::string_view text, std::uint64_t hash) {
  // The length goes first so that ("ab", "c") and ("a", "bc") hash apart.
  return fnv1a(text, fnv1a_u64(text.size(), hash));
}

}  // namespace

std::optional<std::uint64_t> legacy_member_id(std::string_view key) {
  constexpr std::string_view kPrefix = "/_confman/members/";
  if (!starts_with(key, kPrefix)) return std::nullopt;
  const std::string_view digits = key.substr(kPrefix.size());
  if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  std::uint64_t id = 0;
  for (char digit : digits) id = id * 10 + static_cast<std::uint64_t>(digit - '0');
  if (id == 0) return std::nullopt;
  return id;
}

Store::Store() : events_(kMaxEventLogBytes) {}

WriteResult Store::apply(const WriteRequest& request) {
  if (!request.legacy) return apply_with_session(request);
  // Format history (store.h): older servers kept no event log, so a
  // format-1 write leaves none, and history starts after it.
  WriteResult result = apply_with_session(request);
  events_.drop_through(revision_);
  return result;
}

WriteResult Store::apply_with_session(const WriteRequest& request) {
  ++applied_count_;
  if (request.client_id == 0) return execute(request.command, request.legacy);

  const auto session = sessions_.find(request.client_id);
  if (session != sessions_.end()) {
    session->second.last_used_revision = applied_count_;
    if (request.sequence == session->second.last_sequence) {
      // A retry of the last write: answer what it answered then, without
      // applying it twice (Raft dissertation §6.3).
      return session->second.last_result;
    }
    if (request.sequence < session->second.last_sequence) {
      // The client has moved on; only the latest result is kept.
      return WriteResult{Status::StaleSequence, revision_, std::nullopt};
    }
  }
  WriteResult result = execute(request.command, request.legacy);
  remember(request.client_id, request.sequence, result);
  return result;
}

WriteResult Store::execute(const Command& command, bool legacy) {
  if (command.type == CommandType::CreateApiKey || command.type == CommandType::RevokeApiKey) {
    return execute_key_registry_change(command);
  }
  if (!validate_stored_key(command.key)) return WriteResult{Status::InvalidKey, revision_, std::nullopt};
  if (!value_fits(command)) return WriteResult{Status::ValueTooLarge, revision_, std::nullopt};
  if (legacy) {
    if (auto member = apply_legacy_member_key(command)) return *member;
  }

  switch (command.type) {
    case CommandType::Put: return put(command.key, command.value);
    case CommandType::Delete: return erase(command.key);
    case CommandType::CompareAndSet: {
      if (auto failed = compare(command.key, command.expected_mod_revision)) return *failed;
      return put(command.key, command.value);
    }
    case CommandType::CompareAndDelete: {
      const auto found = keys_.find(command.key);
      if (found == keys_.end()) return WriteResult{Status::NotFound, revision_, std::nullopt};
      if (auto failed = compare(command.key, command.expected_mod_revision)) return *failed;
      return erase(command.key);
    }
    case CommandType::CreateApiKey:
    case CommandType::RevokeApiKey: break;  // handled above
  }
  // Only reachable by a Command built in memory with an out-of-range type;
  // decode_write_request refuses such bytes. Answer the same on every replica.
  return WriteResult{Status::Malformed, revision_, std::nullopt};
}

WriteResult Store::execute_key_registry_change(const Command& command) {
  const auto answer = [this](Status status) { return WriteResult{status, revision_, std::nullopt}; };
  if (!security::valid_key_id(command.key)) return answer(Status::Malformed);
  if (command.type == CommandType::RevokeApiKey) {
    return answer(api_keys_.revoke(command.key) == security::KeyRegistry::Change::Done ? Status::Ok : Status::NotFound);
  }
  security::ApiKeyRecord record;
  ByteReader reader(ByteView(reinterpret_cast<const std::uint8_t*>(command.value.data()), command.value.size()));
  if (security::decode_api_key_record(reader, record) || !reader.at_end() || record.id != command.key) {
    return answer(Status::Malformed);
  }
  record.created_revision = revision_;
  switch (api_keys_.add(std::move(record))) {
    case security::KeyRegistry::Change::Done: return answer(Status::Ok);
    case security::KeyRegistry::Change::Exists: return answer(Status::AlreadyExists);
    case security::KeyRegistry::Change::Full: return answer(Status::LimitReached);
    case security::KeyRegistry::Change::NotFound: break;
  }
  return answer(Status::Malformed);
}

std::optional<WriteResult> Store::apply_legacy_member_key(const Command& command) {
  if (command.type != CommandType::Put || command.value.size() > kMaxMemberRecordBytes) return std::nullopt;
  const auto member = legacy_member_id(command.key);
  if (!member) return std::nullopt;
  members_[*member] = command.value;
  ++revision_;  // as the put did when it was first applied
  return WriteResult{Status::Ok, revision_, std::nullopt};
}

void Store::set_member_record(std::uint64_t member, std::string record) {
  CONFMAN_ASSERT(record.size() <= kMaxMemberRecordBytes, "a member record over kMaxMemberRecordBytes");
  members_[member] = std::move(record);
}

void Store::erase_member_record(std::uint64_t member) { members_.erase(member); }

const std::string* Store::member_record(std::uint64_t member) const {
  const auto found = members_.find(member);
  return found == members_.end() ? nullptr : &found->second;
}

std::optional<WriteResult> Store::compare(const std::string& key,
                                          std::uint64_t expected_mod_revision) const {
  const auto found = keys_.find(key);
  if (found == keys_.end()) {
    if (expected_mod_revision == 0) return std::nullopt;
    return WriteResult{Status::CompareFailed, revision_, std::nullopt};
  }
  // A stored key's mod revision is at least 1, so expected 0 ("must not
  // exist") always fails here.
  if (found->second.mod_revision == expected_mod_revision) return std::nullopt;
  return WriteResult{Status::CompareFailed, revision_, found->second};
}

WriteResult Store::put(const std::string& key, const std::string& value) {
  const std::uint64_t revision = ++revision_;
  auto [entry, created] = keys_.try_emplace(key);
  KeyValue& stored = entry->second;
  if (created) {
    stored.key = key;
    stored.create_revision = revision;
    stored.version = 0;
  }
  stored.value = value;
  stored.mod_revision = revision;
  stored.version += 1;
  events_.append(Event{revision, EventType::Put, stored});
  return WriteResult{Status::Ok, revision_, stored};
}

WriteResult Store::erase(const std::string& key) {
  const auto found = keys_.find(key);
  if (found == keys_.end()) return WriteResult{Status::NotFound, revision_, std::nullopt};
  KeyValue deleted = std::move(found->second);
  keys_.erase(found);
  ++revision_;
  events_.append(Event{revision_, EventType::Delete, deleted});
  return WriteResult{Status::Ok, revision_, std::move(deleted)};
}

void Store::remember(std::uint64_t client_id, std::uint64_t sequence, const WriteResult& result) {
  auto session = sessions_.find(client_id);
  if (session == sessions_.end()) {
    if (sessions_.size() >= kMaxSessions) evict_least_recently_used_session();
    session = sessions_.emplace(client_id, Session{}).first;
  }
  session->second.last_sequence = sequence;
  session->second.last_result = result;
  session->second.last_used_revision = applied_count_;
  CONFMAN_ASSERT(sessions_.size() <= kMaxSessions, "client sessions over kMaxSessions");
}

// Linear in the number of sessions (at most kMaxSessions), and only paid when
// a new client arrives with the table full. Ties cannot happen today (every
// apply advances the clock and touches one session) but are broken by the
// smaller client id, which the ordered map visits first, so that eviction
// stays a function of the replicated state alone.
void Store::evict_least_recently_used_session() {
  CONFMAN_ASSERT(!sessions_.empty(), "eviction from an empty session table");
  auto victim = sessions_.begin();
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    if (it->second.last_used_revision < victim->second.last_used_revision) victim = it;
  }
  sessions_.erase(victim);
}

std::optional<KeyValue> Store::get(std::string_view key) const {
  const auto found = keys_.find(key);
  if (found == keys_.end()) return std::nullopt;
  return found->second;
}

ListPage Store::list_prefix(std::string_view prefix, std::string_view start_after,
                            std::size_t limit) const {
  limit = std::clamp<std::size_t>(limit, 1, kMaxListLimit);
  // Start at the prefix itself, or just past start_after when that lies
  // further on; a start_after before the prefix is simply ignored.
  auto it = start_after < prefix ? keys_.lower_bound(prefix) : keys_.upper_bound(start_after);
  ListPage page;
  for (; it != keys_.end() && starts_with(it->first, prefix); ++it) {
    if (page.items.size() == limit) {
      page.next_after = page.items.back().key;
      break;
    }
    page.items.push_back(it->second);
  }
  return page;
}

std::vector<ChildEntry> Store::list_children(std::string_view prefix) const {
  CONFMAN_ASSERT(!prefix.empty() && prefix.back() == '/',
                 "list_children needs a namespace prefix ending in '/' (validate_prefix)");
  // Key order is not child order: "/a/x" < "/a/x-y" < "/a/x/z", because '-'
  // sorts before '/'. So one child can show up twice, once as a key and once
  // as a subtree, with another child in between. The visits are merged by
  // name, which also yields name order. Each subtree is stepped over with one
  // lower_bound, so the cost is per child, not per descendant.
  std::map<std::string, ChildEntry, std::less<>> children;
  auto it = keys_.lower_bound(prefix);
  while (it != keys_.end() && starts_with(it->first, prefix)) {
    const ChildSegment segment = first_segment(std::string_view(it->first).substr(prefix.size()));
    auto child = children.find(segment.name);
    if (child == children.end()) {
      const std::string name(segment.name);
      child = children.emplace(name, ChildEntry{name, false, false}).first;
    }
    if (segment.is_subtree) {
      child->second.has_children = true;
      it = keys_.lower_bound(past_subtree(prefix, segment.name));
    } else {
      child->second.has_value = true;
      ++it;
    }
  }
  std::vector<ChildEntry> entries;
  entries.reserve(children.size());
  for (auto& [name, entry] : children) entries.push_back(std::move(entry));
  return entries;
}

std::uint64_t Store::digest() const {
  std::uint64_t hash = kFnvOffset;
  hash = fnv1a_u64(revision_, hash);
  hash = fnv1a_u64(applied_count_, hash);
  hash = fnv1a_u64(keys_.size(), hash);
  for (const auto& [key, stored] : keys_) {
    hash = hash_string(key, hash);
    hash = hash_string(stored.value, hash);
    hash = fnv1a_u64(stored.create_revision, hash);
    hash = fnv1a_u64(stored.mod_revision, hash);
    hash = fnv1a_u64(stored.version, hash);
  }
  hash = fnv1a_u64(sessions_.size(), hash);
  for (const auto& [client_id, session] : sessions_) {
    hash = fnv1a_u64(client_id, hash);
    hash = fnv1a_u64(session.last_sequence, hash);
    hash = fnv1a_u64(session.last_used_revision, hash);
    Bytes encoded;
    ByteWriter writer(encoded);
    encode_write_result(writer, session.last_result);
    hash = fnv1a_u64(encoded.size(), hash);
    hash = fnv1a(encoded, hash);
  }
  hash = fnv1a_u64(members_.size(), hash);
  for (const auto& [member, record] : members_) {
    hash = fnv1a_u64(member, hash);
    hash = hash_string(record, hash);
  }
  hash = api_keys_.digest(hash);
  return events_.digest(hash);
}

}  // namespace confman::kv
