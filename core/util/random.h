#pragma once
// The one PRNG family of the project: xoshiro256** seeded through splitmix64
// (Blackman & Vigna, https://prng.di.unimi.it/). Its output is fully specified
// here, unlike std::uniform_int_distribution, whose results differ between
// standard libraries; every draw in core and sim goes through this type so a
// seed replays identically on any build.

#include <cstdint>

#include "core/util/assert.h"

namespace confman {

__extension__ typedef unsigned __int128 Uint128;

// splitmix64: used to expand one seed into state, and to derive sub-seeds.
inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Mixes a seed with a stream label so that independent consumers (node 3's
// election timer, the network, client 7) draw from unrelated sequences.
inline std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t state = seed ^ (stream * 0xD1B54A32D192ED03ULL);
  return splitmix64(state);
}

class Random {
 public:
  explicit Random(std::uint64_t seed) {
    std::uint64_t state = seed;
    for (auto& word : state_) word = splitmix64(state);
  }

  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, bound) by Lemire's multiply-shift with rejection; exact and
  // portable.
  std::uint64_t below(std::uint64_t bound) {
    CONFMAN_ASSERT(bound > 0, "Random::below needs a positive bound");
    Uint128 product = static_cast<Uint128>(next_u64()) * bound;
    auto low = static_cast<std::uint64_t>(product);
    if (low < bound) {
      const std::uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {
        product = static_cast<Uint128>(next_u64()) * bound;
        low = static_cast<std::uint64_t>(product);
      }
    }
    return static_cast<std::uint64_t>(product >> 64);
  }

  // Uniform in [low, high] inclusive.
  std::int64_t between(std::int64_t low, std::int64_t high) {
    CONFMAN_ASSERT(low <= high, "Random::between needs low <= high");
    // Unsigned arithmetic: high - low may not fit in int64 (e.g. the whole range).
    const std::uint64_t span = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low) + 1;
    const std::uint64_t offset = span == 0 ? next_u64() : below(span);
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(low) + offset);
  }

  // True with probability numerator/denominator: integer ratios keep
  // probabilities exact and identical on every platform.
  bool chance(std::uint64_t numerator, std::uint64_t denominator) {
    CONFMAN_ASSERT(denominator > 0, "Random::chance needs a positive denominator");
    if (numerator == 0) return false;
    return below(denominator) < numerator;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4];
};

}  // namespace confman
