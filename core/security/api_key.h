#pragma once
// API keys as clients present them (the X-API-Key header), and principal
// names. A key is "cmk_" + its id (16 hex digits) + "_" + its secret (64 hex
// digits: 256 random bits, drawn by the node that creates it). The id lets
// a node find the key's record without searching; only the secret's SHA-256
// is replicated (key_registry.h), so the secret is shown once, at creation,
// and never stored.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/util/result.h"

namespace confman::security {

inline constexpr std::size_t kKeyIdHexDigits = 16;
inline constexpr std::size_t kKeySecretBytes = 32;
inline constexpr std::size_t kMaxPrincipalBytes = 128;

struct PresentedKey {
  std::string id;                                   // 16 lower-case hex digits
  std::array<std::uint8_t, kKeySecretBytes> secret{};
};

// Why a presented key is not even well-formed ("API key: ...").
Result<PresentedKey, std::string> parse_api_key(std::string_view text);
std::string format_api_key(std::string_view id, const std::array<std::uint8_t, kKeySecretBytes>& secret);

// An id from 8 random bytes, as 16 lower-case hex digits.
std::string key_id_from(std::uint64_t random);
bool valid_key_id(std::string_view id);

// A principal (a user or a service): 1..128 bytes of letters, digits and
// . _ @ -, so it can be shown, logged and matched without escaping. The
// reason it is not, or "".
std::string principal_name_problem(std::string_view name);

}  // namespace confman::security
