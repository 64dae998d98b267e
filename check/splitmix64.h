#pragma once
// splitmix64 (Steele, Lea & Flood 2014): the fixed-seed generator behind every
// hash the checker computes. std::hash is not used because its values differ
// between standard libraries, and pointer values never enter a hash, so the
// search explores the same states in the same order on every machine.

#include <cstddef>
#include <cstdint>

namespace confman::check {

// The splitmix64 output function: a bijective mix of 64 bits.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

class SplitMix64 {
 public:
  explicit constexpr SplitMix64(std::uint64_t seed) : state_(seed) {}
  constexpr std::uint64_t next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return mix64(state_);
  }

 private:
  std::uint64_t state_;
};

// Combines two hashes; not symmetric, so (a, b) and (b, a) differ.
constexpr std::uint64_t hash_combine(std::uint64_t seed, std::uint64_t value) {
  return mix64(seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2)));
}

// FNV-1a over bytes, finished with mix64: for interning strings.
inline std::uint64_t hash_bytes(const char* data, std::size_t size_bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (std::size_t i = 0; i < size_bytes; ++i) {
    h ^= static_cast<unsigned char>(data[i]);
    h *= 0x100000001b3ULL;
  }
  return mix64(h);
}

}  // namespace confman::check
