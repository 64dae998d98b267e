#pragma once
// The core's Digest (core/security/digest.h) on Debian's OpenSSL: the one
// implementation the simulator and the real server both link, so a hash
// computed in a simulated run is the hash a real node computes.

#include "core/security/digest.h"

namespace confman::adapters {

class OpenSslDigest final : public security::Digest {
 public:
  security::Sha256 sha256(ByteView data) const override;
};

}  // namespace confman::adapters
