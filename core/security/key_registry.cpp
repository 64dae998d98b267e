#include "core/security/key_registry.h"

namespace confman::security {

namespace {

bool valid_kind(std::uint8_t byte) {
  return byte == static_cast<std::uint8_t>(PrincipalKind::User) ||
         byte == static_cast<std::uint8_t>(PrincipalKind::Service);
}

// Equal in time whatever the bytes: a timing difference must not tell an
// attacker how much of a guessed secret matched.
bool same_hash(const Sha256& a, const Sha256& b) {
  std::uint8_t difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) difference |= static_cast<std::uint8_t>(a[i] ^ b[i]);
  return difference == 0;
}

}  // namespace

const char* principal_kind_name(PrincipalKind kind) {
  switch (kind) {
    case PrincipalKind::User: return "user";
    case PrincipalKind::Service: return "service";
  }
  return "unknown";
}

void encode_api_key_record(ByteWriter& writer, const ApiKeyRecord& record) {
  writer.string(record.id);
  writer.string(record.principal);
  writer.u8(static_cast<std::uint8_t>(record.kind));
  writer.bytes(ByteView(record.secret_hash.data(), record.secret_hash.size()));
  writer.varint(record.expires_at_ms);
  writer.varint(record.created_revision);
}

std::optional<DecodeError> decode_api_key_record(ByteReader& reader, ApiKeyRecord& record) {
  if (!reader.string(record.id, kKeyIdHexDigits) || !valid_key_id(record.id)) {
    return reader.error("API key id of 16 hex digits");
  }
  if (!reader.string(record.principal, kMaxPrincipalBytes) || !principal_name_problem(record.principal).empty()) {
    return reader.error("principal name of 1.." + std::to_string(kMaxPrincipalBytes) + " letters, digits, . _ @ -");
  }
  std::uint8_t kind = 0;
  if (!reader.u8(kind) || !valid_kind(kind)) return reader.error("principal kind 1 (user) or 2 (service)");
  record.kind = static_cast<PrincipalKind>(kind);
  Bytes hash;
  if (!reader.bytes(hash, record.secret_hash.size()) || hash.size() != record.secret_hash.size()) {
    return reader.error("32-byte secret hash");
  }
  std::copy(hash.begin(), hash.end(), record.secret_hash.begin());
  if (!reader.varint(record.expires_at_ms)) return reader.error("varint expiry");
  if (!reader.varint(record.created_revision)) return reader.error("varint creation revision");
  return std::nullopt;
}

KeyRegistry::Change KeyRegistry::add(ApiKeyRecord record) {
  if (records_.count(record.id) != 0) return Change::Exists;
  if (records_.size() >= kMaxApiKeys) return Change::Full;
  std::string id = record.id;
  records_.emplace(std::move(id), std::move(record));
  return Change::Done;
}

KeyRegistry::Change KeyRegistry::revoke(std::string_view id) {
  const auto found = records_.find(id);
  if (found == records_.end()) return Change::NotFound;
  records_.erase(found);
  return Change::Done;
}

const ApiKeyRecord* KeyRegistry::find(std::string_view id) const {
  const auto found = records_.find(id);
  return found == records_.end() ? nullptr : &found->second;
}

void KeyRegistry::encode(ByteWriter& writer) const {
  writer.varint(records_.size());
  for (const auto& [id, record] : records_) encode_api_key_record(writer, record);
}

Result<KeyRegistry, DecodeError> KeyRegistry::decode(ByteReader& reader) {
  std::uint64_t count = 0;
  if (!reader.varint(count) || count > kMaxApiKeys) {
    return unexpected(reader.error("API key count of at most " + std::to_string(kMaxApiKeys)));
  }
  KeyRegistry registry;
  for (std::uint64_t i = 0; i < count; ++i) {
    ApiKeyRecord record;
    if (auto error = decode_api_key_record(reader, record)) return unexpected(*error);
    if (!registry.records_.empty() && registry.records_.rbegin()->first >= record.id) {
      return unexpected(reader.error("API key ids in strictly increasing order"));
    }
    std::string id = record.id;
    registry.records_.emplace_hint(registry.records_.end(), std::move(id), std::move(record));
  }
  return registry;
}

std::uint64_t KeyRegistry::digest(std::uint64_t hash) const {
  Bytes encoded;
  ByteWriter writer(encoded);
  encode(writer);
  return fnv1a(encoded, fnv1a_u64(encoded.size(), hash));
}

const char* auth_failure_name(AuthFailure failure) {
  switch (failure) {
    case AuthFailure::Missing: return "missing";
    case AuthFailure::Malformed: return "malformed";
    case AuthFailure::Refused: return "refused";
    case AuthFailure::Expired: return "expired";
  }
  return "unknown";
}

const char* auth_failure_detail(AuthFailure failure) {
  switch (failure) {
    case AuthFailure::Missing: return "no API key: send one in the X-API-Key header";
    case AuthFailure::Malformed: return "the X-API-Key header is not an API key (cmk_<16 hex digits>_<64 hex digits>)";
    case AuthFailure::Refused: return "the API key is not valid here: unknown, revoked, or a wrong secret";
    case AuthFailure::Expired: return "the API key has expired";
  }
  return "authentication failed";
}

Result<Principal, AuthFailure> authenticate(const KeyRegistry& registry, const Digest& digest,
                                            const std::optional<std::string>& presented, std::uint64_t now_wall_ms) {
  if (!presented) return unexpected(AuthFailure::Missing);
  auto key = parse_api_key(*presented);
  if (!key) return unexpected(AuthFailure::Malformed);
  const ApiKeyRecord* record = registry.find(key->id);
  // Hashed whether or not the id is known, so the time taken does not tell
  // which ids exist.
  const Sha256 hash = digest.sha256(ByteView(key->secret.data(), key->secret.size()));
  if (record == nullptr || !same_hash(hash, record->secret_hash)) return unexpected(AuthFailure::Refused);
  if (record->expires_at_ms != 0 && now_wall_ms >= record->expires_at_ms) return unexpected(AuthFailure::Expired);
  return Principal{record->principal, record->kind, record->id};
}

}  // namespace confman::security
