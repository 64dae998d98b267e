#include "adapters/openssl_digest.h"

#include <openssl/evp.h>

#include "core/util/assert.h"

namespace confman::adapters {

security::Sha256 OpenSslDigest::sha256(ByteView data) const {
  security::Sha256 out{};
  unsigned int length = 0;
  const int done = EVP_Digest(data.data(), data.size(), out.data(), &length, EVP_sha256(), nullptr);
  // EVP_Digest fails only when OpenSSL cannot allocate or lacks SHA-256,
  // which no correct installation does.
  CONFMAN_ASSERT(done == 1 && length == out.size(), "OpenSSL's SHA-256 failed");
  return out;
}

}  // namespace confman::adapters
