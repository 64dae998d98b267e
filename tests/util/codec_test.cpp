// core/util/codec.h: the byte encoding under every message and stored record.

#include "core/util/codec.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace confman {
namespace {

Bytes encode_varint(std::uint64_t value) {
  Bytes out;
  ByteWriter writer(out);
  writer.varint(value);
  return out;
}

Bytes bytes_of(std::string_view text) { return Bytes(text.begin(), text.end()); }

TEST(VarintTest, RoundTripsAtEveryLengthBoundary) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  struct Case {
    std::uint64_t value;
    std::size_t encoded_size;
  };
  const Case cases[] = {
      {0, 1},           {1, 1},          {127, 1},         {128, 2},
      {16383, 2},       {16384, 3},      {(1ULL << 56) - 1, 8}, {1ULL << 56, 9},
      {(1ULL << 63) - 1, 9}, {1ULL << 63, 10}, {kMax, 10},
  };
  for (const Case& c : cases) {
    const Bytes encoded = encode_varint(c.value);
    EXPECT_EQ(encoded.size(), c.encoded_size) << c.value;
    ByteReader reader(encoded);
    std::uint64_t decoded = 0;
    ASSERT_TRUE(reader.varint(decoded)) << c.value;
    EXPECT_EQ(decoded, c.value);
    EXPECT_TRUE(reader.at_end());
  }
}

TEST(VarintTest, MaxValueIsNineContinuationBytesThenOne) {
  const Bytes expected = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
  EXPECT_EQ(encode_varint(std::numeric_limits<std::uint64_t>::max()), expected);
}

TEST(VarintTest, SmallValuesAreLeb128) {
  EXPECT_EQ(encode_varint(300), (Bytes{0xAC, 0x02}));
}

TEST(VarintTest, RejectsTenthByteCarryingMoreThanBit63) {
  // 0x02 in the tenth byte would be bit 64: the value does not fit in 64 bits.
  const Bytes overflow = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02};
  ByteReader reader(overflow);
  std::uint64_t value = 0;
  EXPECT_FALSE(reader.varint(value));
}

TEST(VarintTest, RejectsElevenByteEncoding) {
  const Bytes too_long = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  ByteReader reader(too_long);
  std::uint64_t value = 0;
  EXPECT_FALSE(reader.varint(value));
}

TEST(VarintTest, RejectsTruncationAtEveryByte) {
  const Bytes full = encode_varint(std::numeric_limits<std::uint64_t>::max());
  for (std::size_t length = 0; length < full.size(); ++length) {
    ByteReader reader(ByteView(full).first(length));
    std::uint64_t value = 0;
    EXPECT_FALSE(reader.varint(value)) << "length " << length;
  }
}

TEST(FixedIntegerTest, LittleEndianRoundTrip) {
  Bytes out;
  ByteWriter writer(out);
  writer.u32(0x01020304U);
  writer.u64(0x1122334455667788ULL);
  const Bytes expected = {0x04, 0x03, 0x02, 0x01, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11};
  ASSERT_EQ(out, expected);
  ByteReader reader(out);
  std::uint32_t small = 0;
  std::uint64_t large = 0;
  ASSERT_TRUE(reader.u32(small));
  ASSERT_TRUE(reader.u64(large));
  EXPECT_EQ(small, 0x01020304U);
  EXPECT_EQ(large, 0x1122334455667788ULL);
  EXPECT_TRUE(reader.at_end());
}

TEST(FixedIntegerTest, ShortInputIsRefused) {
  const Bytes three = {1, 2, 3};
  ByteReader reader(three);
  std::uint32_t small = 0;
  EXPECT_FALSE(reader.u32(small));
  std::uint64_t large = 0;
  EXPECT_FALSE(reader.u64(large));
  std::uint8_t byte = 0;
  ASSERT_TRUE(reader.u8(byte));
  EXPECT_EQ(byte, 1);
}

TEST(StringCodecTest, RoundTripsStringsAndBytes) {
  Bytes out;
  ByteWriter writer(out);
  writer.string("hello");
  writer.bytes(Bytes{0, 1, 2});
  writer.string("");
  ByteReader reader(out);
  std::string text;
  Bytes raw;
  std::string empty = "not empty";
  ASSERT_TRUE(reader.string(text, 5));
  ASSERT_TRUE(reader.bytes(raw, 3));
  ASSERT_TRUE(reader.string(empty, 0));
  EXPECT_EQ(text, "hello");
  EXPECT_EQ(raw, (Bytes{0, 1, 2}));
  EXPECT_EQ(empty, "");
  EXPECT_TRUE(reader.at_end());
}

TEST(StringCodecTest, OverLongStringIsRefusedWithoutMovingTheReader) {
  Bytes out;
  ByteWriter writer(out);
  writer.string("hello");
  ByteReader reader(out);
  std::string text;
  EXPECT_FALSE(reader.string(text, 4));
  EXPECT_EQ(reader.offset(), 0u);
  Bytes raw;
  EXPECT_FALSE(reader.bytes(raw, 4));
  EXPECT_EQ(reader.offset(), 0u);
}

TEST(StringCodecTest, LengthPastTheEndIsRefused) {
  Bytes out;
  ByteWriter writer(out);
  writer.string("hello");
  out.pop_back();
  ByteReader reader(out);
  std::string text;
  EXPECT_FALSE(reader.string(text, 100));
  EXPECT_EQ(reader.offset(), 0u);
}

TEST(DecodeErrorTest, DescribeNamesWhatAndWhere) {
  const DecodeError error{"varint for entry term", 17};
  EXPECT_EQ(error.describe(), "varint for entry term (at byte 17)");
}

TEST(Crc32cTest, KnownVector) {
  // The standard check value of CRC-32C (RFC 3720, iSCSI).
  EXPECT_EQ(crc32c(bytes_of("123456789")), 0xE3069283U);
  EXPECT_EQ(crc32c(Bytes{}), 0U);
}

TEST(Crc32cTest, ThirtyTwoZeroBytes) {
  // RFC 3720 appendix B.4: 32 bytes of zeroes.
  EXPECT_EQ(crc32c(Bytes(32, 0x00)), 0x8A9136AAU);
  EXPECT_EQ(crc32c(Bytes(32, 0xFF)), 0x62A8AB43U);
}

TEST(Crc32cTest, SeedChainsAcrossChunks) {
  const Bytes whole = bytes_of("123456789");
  const std::uint32_t first = crc32c(ByteView(whole).first(4));
  EXPECT_EQ(crc32c(ByteView(whole).subspan(4), first), 0xE3069283U);
}

TEST(FrameTest, OpenReturnsThePayloadOfASealedFrame) {
  const Bytes payload = bytes_of("configuration");
  const Bytes frame = seal_frame(payload);
  ASSERT_EQ(frame.size(), payload.size() + 4);
  auto opened = open_frame(frame);
  ASSERT_TRUE(opened.ok()) << opened.error().describe();
  EXPECT_EQ(Bytes(opened->begin(), opened->end()), payload);
}

TEST(FrameTest, EmptyPayloadRoundTrips) {
  const Bytes frame = seal_frame(Bytes{});
  auto opened = open_frame(frame);
  ASSERT_TRUE(opened.ok());
  EXPECT_TRUE(opened->empty());
}

TEST(FrameTest, EveryFlippedBitIsDetected) {
  const Bytes frame = seal_frame(bytes_of("/app/config/timeout=30"));
  for (std::size_t bit = 0; bit < frame.size() * 8; ++bit) {
    Bytes corrupted = frame;
    corrupted[bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8));
    auto opened = open_frame(corrupted);
    ASSERT_FALSE(opened.ok()) << "bit " << bit;
    EXPECT_EQ(opened.error().what, "checksum mismatch");
  }
}

TEST(FrameTest, FrameShorterThanTheChecksumIsRefused) {
  const Bytes short_frame = {1, 2, 3};
  auto opened = open_frame(short_frame);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().what.find("checksum"), std::string::npos);
}

TEST(Fnv1aTest, KnownVectors) {
  // From the FNV reference test suite (64-bit FNV-1a).
  EXPECT_EQ(fnv1a(std::string_view("")), 0xCBF29CE484222325ULL);
  EXPECT_EQ(fnv1a(std::string_view("a")), 0xAF63DC4C8601EC8CULL);
  EXPECT_EQ(fnv1a(std::string_view("foobar")), 0x85944171F73967E8ULL);
}

TEST(Fnv1aTest, BytesStringAndIntegerFormsAgree) {
  const Bytes foobar = bytes_of("foobar");
  EXPECT_EQ(fnv1a(foobar), fnv1a(std::string_view("foobar")));
  // fnv1a_u64 hashes the eight little-endian bytes of the value.
  const Bytes little_endian = {0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11};
  EXPECT_EQ(fnv1a_u64(0x1122334455667788ULL), fnv1a(little_endian));
}

TEST(Fnv1aTest, ChainsFromAGivenHash) {
  EXPECT_EQ(fnv1a(std::string_view("bar"), fnv1a(std::string_view("foo"))),
            fnv1a(std::string_view("foobar")));
}

}  // namespace
}  // namespace confman
