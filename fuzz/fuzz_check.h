#pragma once
// The oracle of the libFuzzer targets: a broken expectation prints what broke
// and traps, so libFuzzer saves the input as a crash artifact.

#include <algorithm>
#include <cstdio>

#include "core/util/codec.h"

namespace confman::fuzz {

inline void fuzz_require(bool holds, const char* expectation) {
  if (holds) return;
  std::fprintf(stderr, "fuzz expectation broken: %s\n", expectation);
  __builtin_trap();
}

// A decoder that drops or alters a field still round-trips what it decoded,
// so also compare the value encoded again with the input it came from. They
// may differ only where the input spelled a varint with more bytes than
// needed (the decoders accept that, the encoders never write it), which
// makes the input longer: an input as long as its re-encoding must equal it.
inline void require_reencoding_matches(ByteView input, ByteView reencoded) {
  fuzz_require(reencoded.size() <= input.size(), "re-encoding a decoded input is never longer than the input");
  fuzz_require(reencoded.size() < input.size() || std::equal(input.begin(), input.end(), reencoded.begin()),
               "re-encoding a decoded input of canonical encoding gives the input back");
}

}  // namespace confman::fuzz
