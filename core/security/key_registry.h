#pragma once
// The API keys of the replicated state: who each key speaks for and the
// SHA-256 of its secret (never the secret). Applied identically on every
// replica (the store's CreateApiKey and RevokeApiKey commands) and carried
// in snapshots, so a key revoked by a committed entry stops working on each
// node as soon as that node applies it.
//
// Bounded: at most kMaxApiKeys keys, each record at most a few hundred
// bytes (kMaxPrincipalBytes of name), so the registry stays under 1 MiB.
// Revocation removes the record: an unknown key and a revoked one are
// refused alike.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/security/api_key.h"
#include "core/security/digest.h"
#include "core/util/codec.h"
#include "core/util/result.h"

namespace confman::security {

inline constexpr std::size_t kMaxApiKeys = 4096;

enum class PrincipalKind : std::uint8_t { User = 1, Service = 2 };
const char* principal_kind_name(PrincipalKind kind);

struct ApiKeyRecord {
  std::string id;  // valid_key_id
  std::string principal;
  PrincipalKind kind = PrincipalKind::User;
  Sha256 secret_hash{};
  // Wall-clock milliseconds since the epoch after which the key is refused
  // (0: never); compared with the wall time the request arrives with.
  std::uint64_t expires_at_ms = 0;
  std::uint64_t created_revision = 0;  // the store revision that created it (set at apply)
  bool operator==(const ApiKeyRecord&) const = default;
};

void encode_api_key_record(ByteWriter& writer, const ApiKeyRecord& record);
// Checks what it reads: a valid id and principal name, a known kind.
std::optional<DecodeError> decode_api_key_record(ByteReader& reader, ApiKeyRecord& record);

class KeyRegistry {
 public:
  enum class Change : std::uint8_t { Done, Exists, NotFound, Full };

  Change add(ApiKeyRecord record);
  Change revoke(std::string_view id);
  const ApiKeyRecord* find(std::string_view id) const;
  const std::map<std::string, ApiKeyRecord, std::less<>>& records() const { return records_; }

  // Snapshot layout: [count varint] then each record (encode_api_key_record)
  // in strictly increasing id order; decode refuses anything else.
  void encode(ByteWriter& writer) const;
  static Result<KeyRegistry, DecodeError> decode(ByteReader& reader);
  std::uint64_t digest(std::uint64_t hash) const;

 private:
  std::map<std::string, ApiKeyRecord, std::less<>> records_;
};

enum class AuthFailure : std::uint8_t {
  Missing,    // no key was presented
  Malformed,  // not of the form cmk_<id>_<secret>
  Refused,    // unknown, revoked or wrong secret (not told apart, so ids cannot be probed)
  Expired,
};
const char* auth_failure_name(AuthFailure failure);
// What a client is told (401's detail).
const char* auth_failure_detail(AuthFailure failure);

struct Principal {
  std::string name;
  PrincipalKind kind = PrincipalKind::User;
  std::string key_id;
  bool operator==(const Principal&) const = default;
};

// Who presented `presented` (nullopt: no key), at wall time now_wall_ms.
// The secret's hash is compared in constant time.
Result<Principal, AuthFailure> authenticate(const KeyRegistry& registry, const Digest& digest,
                                            const std::optional<std::string>& presented, std::uint64_t now_wall_ms);

}  // namespace confman::security
