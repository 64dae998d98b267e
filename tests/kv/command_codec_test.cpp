// core/kv/command.h: the encoding of writes in the replicated log and of
// their results in client sessions. Log entries arrive from the network and
// the disk, so decoding must refuse every malformed input with a reason.

#include "core/kv/command.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "core/kv/limits.h"

namespace confman::kv {
namespace {

constexpr std::uint64_t kMaxU64 = std::numeric_limits<std::uint64_t>::max();

WriteRequest request(std::uint64_t client_id, std::uint64_t sequence, CommandType type,
                     std::string key, std::string value, std::uint64_t expected) {
  return WriteRequest{client_id, sequence, Command{type, std::move(key), std::move(value), expected}};
}

std::vector<WriteRequest> sample_requests() {
  return {
      request(0, 0, CommandType::Put, "/a", "", 0),
      request(7, 1, CommandType::Put, "/app/config/timeout", "30s", 0),
      request(kMaxU64, kMaxU64, CommandType::Delete, "/app/x", "", 0),
      request(3, 300, CommandType::CompareAndSet, "/k", std::string("bin\0ary\xFF", 8), 0),
      request(3, 301, CommandType::CompareAndSet, "/k", "v2", 12345678901ULL),
      request(9, 2, CommandType::CompareAndDelete, "/k", "", kMaxU64),
  };
}

DecodeError decode_failure(const Bytes& bytes) {
  auto decoded = decode_write_request(bytes);
  EXPECT_FALSE(decoded.ok());
  if (decoded.ok()) return DecodeError{"(decoded)", 0};
  return decoded.error();
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// Bytes of a request up to (not including) the key, for hand-built inputs.
Bytes header(std::uint8_t format, std::uint8_t type) {
  Bytes out;
  ByteWriter writer(out);
  writer.u8(format);
  writer.varint(5);   // client id
  writer.varint(6);   // sequence
  writer.u8(type);
  return out;
}

TEST(WriteRequestCodecTest, EveryCommandTypeRoundTrips) {
  for (const WriteRequest& original : sample_requests()) {
    const Bytes encoded = encode_write_request(original);
    auto decoded = decode_write_request(encoded);
    ASSERT_TRUE(decoded.ok()) << decoded.error().describe();
    EXPECT_EQ(*decoded, original);
  }
}

TEST(WriteRequestCodecTest, LayoutStartsWithTheFormatVersion) {
  const Bytes encoded = encode_write_request(request(1, 2, CommandType::Delete, "/a", "", 0));
  const Bytes expected = {2, 1, 2, 2, 2, '/', 'a', 0, 0};
  EXPECT_EQ(encoded, expected);
}

// Format 1 has the same layout: it decodes, marked legacy (store.h, "Format
// history"), and encodes back as the current format.
TEST(WriteRequestCodecTest, FormatOneDecodesAsLegacy) {
  WriteRequest original = request(1, 2, CommandType::Put, "/a", "v", 0);
  Bytes encoded = encode_write_request(original);
  encoded[0] = 1;
  auto decoded = decode_write_request(encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.error().describe();
  EXPECT_TRUE(decoded->legacy);
  original.legacy = true;
  EXPECT_EQ(*decoded, original);
  EXPECT_EQ(encode_write_request(*decoded)[0], 2);
}

TEST(WriteRequestCodecTest, LimitSizedFieldsRoundTrip) {
  const WriteRequest original = request(1, 1, CommandType::Put, "/" + std::string(kMaxKeyBytes - 1, 'k'),
                                        std::string(kMaxValueBytes, 'v'), 0);
  auto decoded = decode_write_request(encode_write_request(original));
  ASSERT_TRUE(decoded.ok()) << decoded.error().describe();
  EXPECT_EQ(*decoded, original);
}

TEST(WriteRequestCodecTest, RejectsEmptyInput) {
  const DecodeError error = decode_failure(Bytes{});
  EXPECT_TRUE(contains(error.what, "format version")) << error.what;
  EXPECT_EQ(error.offset, 0u);
}

TEST(WriteRequestCodecTest, RejectsUnknownFormatVersion) {
  for (std::uint8_t version : {0, 3, 255}) {
    Bytes encoded = encode_write_request(sample_requests()[1]);
    encoded[0] = version;
    const DecodeError error = decode_failure(encoded);
    EXPECT_EQ(error.what, "write request format version 1 or 2 (got " + std::to_string(version) + ")");
    EXPECT_EQ(error.offset, 0u);
  }
}

TEST(WriteRequestCodecTest, RejectsUnknownCommandType) {
  for (std::uint8_t type : {0, 7, 200}) {
    Bytes bytes = header(1, type);
    ByteWriter writer(bytes);
    writer.string("/a");
    writer.string("");
    writer.varint(0);
    const DecodeError error = decode_failure(bytes);
    EXPECT_EQ(error.what, "command type 1..6 (got " + std::to_string(type) + ")");
    EXPECT_EQ(error.offset, 3u);  // format, client id, sequence: one byte each
  }
}

TEST(WriteRequestCodecTest, RejectsTruncationAtEveryByteOffset) {
  for (const WriteRequest& original : sample_requests()) {
    const Bytes encoded = encode_write_request(original);
    for (std::size_t length = 0; length < encoded.size(); ++length) {
      const Bytes truncated(encoded.begin(), encoded.begin() + static_cast<std::ptrdiff_t>(length));
      auto decoded = decode_write_request(truncated);
      ASSERT_FALSE(decoded.ok()) << "decoded a prefix of " << length << " bytes";
      EXPECT_LE(decoded.error().offset, length);
      EXPECT_FALSE(decoded.error().what.empty());
    }
  }
}

TEST(WriteRequestCodecTest, TruncationErrorsNameTheMissingField) {
  const Bytes encoded = encode_write_request(request(1, 2, CommandType::Put, "/ab", "xyz", 9));
  // Layout: [1][1][2][1][3 / a b][3 x y z][9]
  struct Case {
    std::size_t length;
    std::string_view what;
  };
  const Case cases[] = {{1, "varint client id"},
                        {2, "varint sequence"},
                        {3, "command type byte"},
                        {4, "varint length of key"},
                        {6, "key of 3 bytes (1 remain)"},
                        {8, "varint length of value"},
                        {10, "value of 3 bytes (1 remain)"},
                        {12, "varint expected mod revision"}};
  for (const Case& c : cases) {
    const DecodeError error =
        decode_failure(Bytes(encoded.begin(), encoded.begin() + static_cast<std::ptrdiff_t>(c.length)));
    EXPECT_EQ(error.what, c.what) << "length " << c.length;
  }
}

TEST(WriteRequestCodecTest, RejectsTrailingBytes) {
  Bytes encoded = encode_write_request(sample_requests()[1]);
  const std::size_t end = encoded.size();
  encoded.push_back(0);
  encoded.push_back(0);
  const DecodeError error = decode_failure(encoded);
  EXPECT_EQ(error.what, "end of write request (2 trailing bytes)");
  EXPECT_EQ(error.offset, end);
}

TEST(WriteRequestCodecTest, RejectsOverLongKey) {
  Bytes bytes = header(1, static_cast<std::uint8_t>(CommandType::Put));
  ByteWriter writer(bytes);
  writer.string(std::string(kMaxKeyBytes + 1, 'k'));
  writer.string("v");
  writer.varint(0);
  const DecodeError error = decode_failure(bytes);
  EXPECT_EQ(error.what, "key of at most 1024 bytes (length 1025)");
  EXPECT_EQ(error.offset, 4u);
}

TEST(WriteRequestCodecTest, RejectsOverLongValueFromItsLengthAlone) {
  // The length is refused before any value byte is looked at, so a hostile
  // length cannot make the decoder wait for or allocate a huge value.
  Bytes bytes = header(1, static_cast<std::uint8_t>(CommandType::Put));
  ByteWriter writer(bytes);
  writer.string("/k");
  writer.varint(kMaxValueBytes + 1);
  const DecodeError error = decode_failure(bytes);
  EXPECT_EQ(error.what, "value of at most 1048576 bytes (length 1048577)");
  EXPECT_EQ(error.offset, 7u);
}

TEST(WriteRequestCodecTest, RejectsOverflowingVarint) {
  Bytes bytes = {1};
  for (int i = 0; i < 9; ++i) bytes.push_back(0xFF);
  bytes.push_back(0x02);  // bit 64
  const DecodeError error = decode_failure(bytes);
  EXPECT_EQ(error.what, "varint client id");
}

TEST(StatusNameTest, NamesEveryStatus) {
  EXPECT_STREQ(status_name(Status::Ok), "Ok");
  EXPECT_STREQ(status_name(Status::NotFound), "NotFound");
  EXPECT_STREQ(status_name(Status::CompareFailed), "CompareFailed");
  EXPECT_STREQ(status_name(Status::InvalidKey), "InvalidKey");
  EXPECT_STREQ(status_name(Status::ValueTooLarge), "ValueTooLarge");
  EXPECT_STREQ(status_name(Status::StaleSequence), "StaleSequence");
  EXPECT_STREQ(status_name(Status::Malformed), "Malformed");
}

std::vector<WriteResult> sample_results() {
  const KeyValue key_value{"/app/x", std::string("v\0w", 3), 3, 9, 4};
  return {
      WriteResult{Status::Ok, 0, std::nullopt},
      WriteResult{Status::Ok, 9, key_value},
      WriteResult{Status::NotFound, 12, std::nullopt},
      WriteResult{Status::CompareFailed, kMaxU64, key_value},
      WriteResult{Status::InvalidKey, 1, std::nullopt},
      WriteResult{Status::ValueTooLarge, 2, std::nullopt},
      WriteResult{Status::StaleSequence, 3, std::nullopt},
      WriteResult{Status::Malformed, 4, std::nullopt},
  };
}

Bytes encode_result(const WriteResult& result) {
  Bytes out;
  ByteWriter writer(out);
  encode_write_result(writer, result);
  return out;
}

TEST(WriteResultCodecTest, EveryStatusRoundTrips) {
  for (const WriteResult& original : sample_results()) {
    const Bytes encoded = encode_result(original);
    ByteReader reader(encoded);
    WriteResult decoded{Status::Malformed, 777, KeyValue{"/stale", "", 1, 1, 1}};
    ASSERT_TRUE(decode_write_result(reader, decoded)) << status_name(original.status);
    EXPECT_EQ(decoded, original);
    EXPECT_TRUE(reader.at_end());
  }
}

TEST(WriteResultCodecTest, ResultsFollowEachOtherInOneBuffer) {
  Bytes out;
  ByteWriter writer(out);
  for (const WriteResult& result : sample_results()) encode_write_result(writer, result);
  ByteReader reader(out);
  for (const WriteResult& expected : sample_results()) {
    WriteResult decoded;
    ASSERT_TRUE(decode_write_result(reader, decoded));
    EXPECT_EQ(decoded, expected);
  }
  EXPECT_TRUE(reader.at_end());
}

TEST(WriteResultCodecTest, RejectsTruncationAtEveryByteOffset) {
  for (const WriteResult& original : sample_results()) {
    const Bytes encoded = encode_result(original);
    for (std::size_t length = 0; length < encoded.size(); ++length) {
      ByteReader reader(ByteView(encoded).first(length));
      WriteResult decoded;
      EXPECT_FALSE(decode_write_result(reader, decoded))
          << status_name(original.status) << " prefix of " << length;
    }
  }
}

TEST(WriteResultCodecTest, RejectsUnknownStatus) {
  Bytes encoded = encode_result(sample_results()[0]);
  encoded[0] = 9;
  ByteReader reader(encoded);
  WriteResult decoded;
  EXPECT_FALSE(decode_write_result(reader, decoded));
}

TEST(WriteResultCodecTest, RejectsPresenceFlagOtherThanZeroOrOne) {
  // A well-formed key value follows the flag, so only the flag can be wrong.
  Bytes encoded = encode_result(WriteResult{Status::Ok, 5, KeyValue{"/a", "v", 5, 5, 1}});
  ASSERT_EQ(encoded[2], 1);
  encoded[2] = 2;
  ByteReader reader(encoded);
  WriteResult decoded;
  EXPECT_FALSE(decode_write_result(reader, decoded));
}

TEST(WriteResultCodecTest, RejectsOverLongKeyInKeyValue) {
  Bytes encoded;
  ByteWriter writer(encoded);
  writer.u8(static_cast<std::uint8_t>(Status::Ok));
  writer.varint(1);
  writer.u8(1);
  writer.string(std::string(kMaxKeyBytes + 1, 'k'));
  writer.string("v");
  writer.varint(1);
  writer.varint(1);
  writer.varint(1);
  ByteReader reader(encoded);
  WriteResult decoded;
  EXPECT_FALSE(decode_write_result(reader, decoded));
}

}  // namespace
}  // namespace confman::kv
