#pragma once
// The cryptographic digest the core needs (API key hashes), as a narrow
// interface in the node's environment. The core depends on the standard
// library alone, so the computation comes from outside: one adapter
// (adapters/openssl_digest.h, Debian's OpenSSL) that the simulator and the
// real server both link. A digest is deterministic, so the replicated state
// machine may use it like any pure function.

#include <array>
#include <cstdint>

#include "core/util/codec.h"

namespace confman::security {

using Sha256 = std::array<std::uint8_t, 32>;

class Digest {
 public:
  virtual ~Digest() = default;
  virtual Sha256 sha256(ByteView data) const = 0;
};

}  // namespace confman::security
