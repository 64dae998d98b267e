#include "core/security/api_key.h"

namespace confman::security {

namespace {

constexpr std::string_view kPrefix = "cmk_";
constexpr char kHexDigits[] = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool all_hex(std::string_view text) {
  for (const char c : text) {
    if (hex_value(c) < 0) return false;
  }
  return true;
}

}  // namespace

bool valid_key_id(std::string_view id) { return id.size() == kKeyIdHexDigits && all_hex(id); }

std::string key_id_from(std::uint64_t random) {
  std::string id(kKeyIdHexDigits, '0');
  for (std::size_t i = 0; i < kKeyIdHexDigits; ++i) id[kKeyIdHexDigits - 1 - i] = kHexDigits[(random >> (4 * i)) & 0xf];
  return id;
}

Result<PresentedKey, std::string> parse_api_key(std::string_view text) {
  constexpr std::size_t kLength = kPrefix.size() + kKeyIdHexDigits + 1 + 2 * kKeySecretBytes;
  if (text.size() != kLength || text.substr(0, kPrefix.size()) != kPrefix ||
      text[kPrefix.size() + kKeyIdHexDigits] != '_') {
    return unexpected(std::string("API key: expected cmk_<16 hex digits>_<64 hex digits>"));
  }
  PresentedKey key;
  key.id = std::string(text.substr(kPrefix.size(), kKeyIdHexDigits));
  const std::string_view secret = text.substr(kPrefix.size() + kKeyIdHexDigits + 1);
  if (!valid_key_id(key.id) || !all_hex(secret)) {
    return unexpected(std::string("API key: only lower-case hex digits after cmk_"));
  }
  for (std::size_t i = 0; i < kKeySecretBytes; ++i) {
    key.secret[i] = static_cast<std::uint8_t>(hex_value(secret[2 * i]) * 16 + hex_value(secret[2 * i + 1]));
  }
  return key;
}

std::string format_api_key(std::string_view id, const std::array<std::uint8_t, kKeySecretBytes>& secret) {
  std::string text = std::string(kPrefix) + std::string(id) + "_";
  for (const std::uint8_t byte : secret) {
    text += kHexDigits[byte >> 4];
    text += kHexDigits[byte & 0xf];
  }
  return text;
}

std::string principal_name_problem(std::string_view name) {
  if (name.empty() || name.size() > kMaxPrincipalBytes) {
    return "a principal's name is 1 to " + std::to_string(kMaxPrincipalBytes) + " bytes";
  }
  for (const char c : name) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                         c == '_' || c == '@' || c == '-';
    if (!allowed) return "a principal's name holds only letters, digits and . _ @ -";
  }
  return "";
}

}  // namespace confman::security
