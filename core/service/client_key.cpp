#include "core/service/client_key.h"

#include "core/kv/key.h"

namespace confman::service {

bool is_reserved_key(std::string_view key_or_prefix) {
  return key_or_prefix.size() >= 2 && key_or_prefix[0] == '/' && key_or_prefix[1] == '_';
}

namespace {

Result<Done, KeyRejection> refuse_reserved(std::string_view key) {
  const std::size_t end = key.find('/', 1);
  const std::string_view segment = key.substr(1, end == std::string_view::npos ? key.size() - 1 : end - 1);
  return unexpected(KeyRejection{true, "\"" + std::string(key) + "\" is in the reserved namespace \"/" +
                                           std::string(segment) +
                                           "/\": names starting with '_' hold the cluster's own state"});
}

}  // namespace

Result<Done, KeyRejection> validate_client_key(std::string_view key) {
  if (auto valid = kv::validate_key(key); !valid) return unexpected(KeyRejection{false, valid.error().message});
  if (is_reserved_key(key)) return refuse_reserved(key);
  return Done{};
}

Result<Done, KeyRejection> validate_client_prefix(std::string_view prefix) {
  if (auto valid = kv::validate_prefix(prefix); !valid) return unexpected(KeyRejection{false, valid.error().message});
  if (is_reserved_key(prefix)) return refuse_reserved(prefix);
  return Done{};
}

}  // namespace confman::service
