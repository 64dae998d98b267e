#include "core/util/codec.h"

#include <array>

namespace confman {

std::string DecodeError::describe() const {
  return what + " (at byte " + std::to_string(offset) + ")";
}

void ByteWriter::u32(std::uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) out_.push_back(static_cast<std::uint8_t>(value >> shift));
}

void ByteWriter::u64(std::uint64_t value) {
  for (int shift = 0; shift < 64; shift += 8) out_.push_back(static_cast<std::uint8_t>(value >> shift));
}

void ByteWriter::varint(std::uint64_t value) {
  while (value >= 0x80) {
    out_.push_back(static_cast<std::uint8_t>(value | 0x80));
    value >>= 7;
  }
  out_.push_back(static_cast<std::uint8_t>(value));
}

void ByteWriter::bytes(ByteView value) {
  varint(value.size());
  out_.insert(out_.end(), value.begin(), value.end());
}

void ByteWriter::string(std::string_view value) {
  varint(value.size());
  out_.insert(out_.end(), value.begin(), value.end());
}

bool ByteReader::u8(std::uint8_t& value) {
  if (remaining() < 1) return false;
  value = in_[offset_++];
  return true;
}

bool ByteReader::u32(std::uint32_t& value) {
  if (remaining() < 4) return false;
  value = 0;
  for (int i = 0; i < 4; ++i) value |= static_cast<std::uint32_t>(in_[offset_ + i]) << (8 * i);
  offset_ += 4;
  return true;
}

bool ByteReader::u64(std::uint64_t& value) {
  if (remaining() < 8) return false;
  value = 0;
  for (int i = 0; i < 8; ++i) value |= static_cast<std::uint64_t>(in_[offset_ + i]) << (8 * i);
  offset_ += 8;
  return true;
}

bool ByteReader::varint(std::uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (remaining() < 1) return false;
    const std::uint8_t byte = in_[offset_++];
    // The tenth byte may only carry the top bit of a 64-bit value.
    if (shift == 63 && byte > 1) return false;
    value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

bool ByteReader::bytes(Bytes& value, std::size_t max_length) {
  std::uint64_t length = 0;
  const std::size_t start = offset_;
  if (!varint(length) || length > max_length || length > remaining()) {
    offset_ = start;
    return false;
  }
  value.assign(in_.begin() + static_cast<std::ptrdiff_t>(offset_),
               in_.begin() + static_cast<std::ptrdiff_t>(offset_ + length));
  offset_ += length;
  return true;
}

bool ByteReader::string(std::string& value, std::size_t max_length) {
  std::uint64_t length = 0;
  const std::size_t start = offset_;
  if (!varint(length) || length > max_length || length > remaining()) {
    offset_ = start;
    return false;
  }
  value.assign(reinterpret_cast<const char*>(in_.data() + offset_), length);
  offset_ += length;
  return true;
}

namespace {

// Slicing-by-8 tables: table[k][b] is the CRC of byte b followed by k zero
// bytes, so eight input bytes are folded per step (measured: the byte-wise
// loop was a visible share of simulator time).
using Crc32cTables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Crc32cTables make_crc32c_tables() {
  Crc32cTables tables{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1) ? 0x82F63B78U : 0);
    tables[0][i] = crc;
  }
  for (std::size_t k = 1; k < 8; ++k) {
    for (std::uint32_t i = 0; i < 256; ++i) {
      tables[k][i] = (tables[k - 1][i] >> 8) ^ tables[0][tables[k - 1][i] & 0xFF];
    }
  }
  return tables;
}

constexpr Crc32cTables kCrc32c = make_crc32c_tables();

std::uint64_t load_u64_le(const std::uint8_t* bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value |= static_cast<std::uint64_t>(bytes[i]) << (8 * i);
  return value;
}

}  // namespace

std::uint32_t crc32c(ByteView data, std::uint32_t seed) {
  std::uint32_t crc = ~seed;
  const std::uint8_t* bytes = data.data();
  std::size_t length = data.size();
  while (length >= 8) {
    const std::uint64_t word = load_u64_le(bytes) ^ crc;
    crc = kCrc32c[7][word & 0xFF] ^ kCrc32c[6][(word >> 8) & 0xFF] ^ kCrc32c[5][(word >> 16) & 0xFF] ^
          kCrc32c[4][(word >> 24) & 0xFF] ^ kCrc32c[3][(word >> 32) & 0xFF] ^ kCrc32c[2][(word >> 40) & 0xFF] ^
          kCrc32c[1][(word >> 48) & 0xFF] ^ kCrc32c[0][word >> 56];
    bytes += 8;
    length -= 8;
  }
  while (length-- > 0) crc = (crc >> 8) ^ kCrc32c[0][(crc ^ *bytes++) & 0xFF];
  return ~crc;
}

std::uint64_t hash_bytes(ByteView data, std::uint64_t hash) {
  hash = hash_u64(data.size(), hash);
  const std::uint8_t* bytes = data.data();
  std::size_t length = data.size();
  for (; length >= 8; bytes += 8, length -= 8) hash = hash_u64(load_u64_le(bytes), hash);
  std::uint64_t tail = 0;
  for (std::size_t i = 0; i < length; ++i) tail |= static_cast<std::uint64_t>(bytes[i]) << (8 * i);
  return hash_u64(tail, hash);
}

std::uint64_t hash_bytes(std::string_view data, std::uint64_t hash) {
  return hash_bytes(ByteView(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()), hash);
}

Bytes seal_frame(ByteView payload) {
  Bytes frame;
  frame.reserve(payload.size() + 4);
  ByteWriter writer(frame);
  writer.u32(crc32c(payload));
  frame.insert(frame.end(), payload.begin(), payload.end());
  return frame;
}

Decoded<ByteView> open_frame(ByteView frame) {
  ByteReader reader(frame);
  std::uint32_t stored = 0;
  if (!reader.u32(stored)) return unexpected(reader.error("4-byte checksum"));
  ByteView payload = frame.subspan(4);
  if (crc32c(payload) != stored) return unexpected(DecodeError{"checksum mismatch", 0});
  return payload;
}

std::uint64_t fnv1a(ByteView data, std::uint64_t hash) {
  for (std::uint8_t byte : data) {
    hash ^= byte;
    hash *= 0x100000001B3ULL;
  }
  return hash;
}

std::uint64_t fnv1a(std::string_view data, std::uint64_t hash) {
  for (char c : data) {
    hash ^= static_cast<std::uint8_t>(c);
    hash *= 0x100000001B3ULL;
  }
  return hash;
}

std::uint64_t fnv1a_u64(std::uint64_t value, std::uint64_t hash) {
  for (int shift = 0; shift < 64; shift += 8) {
    hash ^= (value >> shift) & 0xFF;
    hash *= 0x100000001B3ULL;
  }
  return hash;
}

}  // namespace confman
