#pragma once
// The rules a key from a client must follow on top of kv::validate_key: the
// namespace whose first segment starts with '_' ("/_confman/...", "/_x") is
// reserved for the cluster's own state (member addresses today; principals,
// roles and schemas later), which only typed commands change. "/app/_x" is
// an ordinary key: the rule covers the first segment only. The store itself
// still applies whatever older logs hold (store.h, "Format history"); the
// rule is the request layer's.

#include <string>
#include <string_view>

#include "core/util/result.h"

namespace confman::service {

struct KeyRejection {
  bool reserved = false;  // the key is valid but reserved (403), rather than malformed (400)
  std::string message;
};

bool is_reserved_key(std::string_view key_or_prefix);

// A key a client may read or write.
Result<Done, KeyRejection> validate_client_key(std::string_view key);
// A namespace a client may list or watch ("/" included; reserved keys under
// it are left out of what it sees).
Result<Done, KeyRejection> validate_client_prefix(std::string_view prefix);

}  // namespace confman::service
