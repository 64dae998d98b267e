#pragma once
// Byte encoding shared by messages and stored records: little-endian fixed
// integers, LEB128 varints and length-prefixed byte strings. Decoding never
// trusts its input: every read is bounds-checked and a failure is a value that
// says what was expected and at which offset.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/result.h"

namespace confman {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

struct DecodeError {
  std::string what;      // what was expected, e.g. "varint for entry term"
  std::size_t offset;    // byte offset into the buffer where decoding failed
  std::string describe() const;
};

template <typename T>
using Decoded = Result<T, DecodeError>;

class ByteWriter {
 public:
  explicit ByteWriter(Bytes& out) : out_(out) {}
  void u8(std::uint8_t value) { out_.push_back(value); }
  void u32(std::uint32_t value);
  void u64(std::uint64_t value);
  void varint(std::uint64_t value);
  void bytes(ByteView value);
  void string(std::string_view value);
  std::size_t size() const { return out_.size(); }

 private:
  Bytes& out_;
};

class ByteReader {
 public:
  explicit ByteReader(ByteView in) : in_(in) {}
  bool u8(std::uint8_t& value);
  bool u32(std::uint32_t& value);
  bool u64(std::uint64_t& value);
  bool varint(std::uint64_t& value);
  // Reads a length-prefixed byte string of at most max_length bytes.
  bool bytes(Bytes& value, std::size_t max_length);
  bool string(std::string& value, std::size_t max_length);
  bool at_end() const { return offset_ == in_.size(); }
  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return in_.size() - offset_; }
  DecodeError error(std::string what) const { return DecodeError{std::move(what), offset_}; }

 private:
  ByteView in_;
  std::size_t offset_ = 0;
};

// CRC-32C (Castagnoli), the checksum on every message and stored record.
std::uint32_t crc32c(ByteView data, std::uint32_t seed = 0);

// A sealed frame is [crc32c of payload: u32][payload]. open_frame verifies the
// checksum and returns the payload; corrupted bytes never reach a decoder.
Bytes seal_frame(ByteView payload);
Decoded<ByteView> open_frame(ByteView frame);

// 64-bit FNV-1a, for digests and trace hashes (stable across platforms).
constexpr std::uint64_t kFnvOffset = 0xCBF29CE484222325ULL;
std::uint64_t fnv1a(ByteView data, std::uint64_t hash = kFnvOffset);
std::uint64_t fnv1a(std::string_view data, std::uint64_t hash = kFnvOffset);
std::uint64_t fnv1a_u64(std::uint64_t value, std::uint64_t hash = kFnvOffset);

// A faster stable hash for hot paths (trace hash, invariant hash chains):
// one multiply per 64-bit word. Each step is a bijection of the running hash
// for a given word, so two equal-length sequences that differ in one word
// never collide. Specified here, identical on every platform.
inline std::uint64_t hash_u64(std::uint64_t value, std::uint64_t hash = kFnvOffset) {
  hash = (hash ^ value) * 0x9E3779B97F4A7C15ULL;
  return hash ^ (hash >> 29);
}
std::uint64_t hash_bytes(ByteView data, std::uint64_t hash = kFnvOffset);
std::uint64_t hash_bytes(std::string_view data, std::uint64_t hash = kFnvOffset);

}  // namespace confman
