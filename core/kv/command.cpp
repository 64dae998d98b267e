#include "core/kv/command.h"

#include <optional>

#include "core/kv/limits.h"

namespace confman::kv {

namespace {

// The first byte of every encoded write request. A replica that meets a
// version it does not know refuses the entry (Malformed) rather than guessing;
// a new layout gets a new number.
constexpr std::uint8_t kWriteRequestFormat = 2;
// Format 1 has the same layout; its writes are applied as store.h's "Format
// history" says.
constexpr std::uint8_t kWriteRequestFormatLegacy = 1;

constexpr std::uint8_t kNoKeyValue = 0;
constexpr std::uint8_t kHasKeyValue = 1;

bool is_known_command_type(std::uint8_t byte) {
  return byte >= static_cast<std::uint8_t>(CommandType::Put) &&
         byte <= static_cast<std::uint8_t>(CommandType::RevokeApiKey);
}

bool is_known_status(std::uint8_t byte) {
  return byte <= static_cast<std::uint8_t>(Status::LimitReached);
}

// Reads a length-prefixed string and, on failure, says which of the three
// ways it failed: the length itself is cut off, the length is over the limit,
// or the bytes are cut off. ByteReader::string only answers yes or no, so a
// copy of the reader probes the length first.
std::optional<DecodeError> read_string(ByteReader& reader, std::string& value,
                                       std::size_t max_length, const char* what) {
  ByteReader probe = reader;
  std::uint64_t length = 0;
  if (!probe.varint(length)) {
    return reader.error(std::string("varint length of ") + what);
  }
  if (length > max_length) {
    return reader.error(std::string(what) + " of at most " + std::to_string(max_length) +
                        " bytes (length " + std::to_string(length) + ")");
  }
  if (length > probe.remaining()) {
    return probe.error(std::string(what) + " of " + std::to_string(length) + " bytes (" +
                       std::to_string(probe.remaining()) + " remain)");
  }
  const bool read = reader.string(value, max_length);
  CONFMAN_ASSERT(read, "read_string: the probe accepted what the reader refused");
  return std::nullopt;
}

std::optional<DecodeError> read_varint(ByteReader& reader, std::uint64_t& value, const char* what) {
  if (!reader.varint(value)) return reader.error(std::string("varint ") + what);
  return std::nullopt;
}

std::optional<DecodeError> read_command(ByteReader& reader, Command& command) {
  const std::size_t type_offset = reader.offset();
  std::uint8_t type = 0;
  if (!reader.u8(type)) return reader.error("command type byte");
  if (!is_known_command_type(type)) {
    return DecodeError{"command type 1..6 (got " + std::to_string(type) + ")", type_offset};
  }
  command.type = static_cast<CommandType>(type);
  if (auto error = read_string(reader, command.key, kMaxKeyBytes, "key")) return error;
  if (auto error = read_string(reader, command.value, kMaxValueBytes, "value")) return error;
  return read_varint(reader, command.expected_mod_revision, "expected mod revision");
}

}  // namespace

void encode_key_value(ByteWriter& writer, const KeyValue& key_value) {
  writer.string(key_value.key);
  writer.string(key_value.value);
  writer.varint(key_value.create_revision);
  writer.varint(key_value.mod_revision);
  writer.varint(key_value.version);
}

bool decode_key_value(ByteReader& reader, KeyValue& key_value) {
  return reader.string(key_value.key, kMaxKeyBytes) &&
         reader.string(key_value.value, kMaxValueBytes) &&
         reader.varint(key_value.create_revision) && reader.varint(key_value.mod_revision) &&
         reader.varint(key_value.version);
}

const char* status_name(Status status) {
  switch (status) {
    case Status::Ok: return "Ok";
    case Status::NotFound: return "NotFound";
    case Status::CompareFailed: return "CompareFailed";
    case Status::InvalidKey: return "InvalidKey";
    case Status::ValueTooLarge: return "ValueTooLarge";
    case Status::StaleSequence: return "StaleSequence";
    case Status::Malformed: return "Malformed";
    case Status::AlreadyExists: return "AlreadyExists";
    case Status::LimitReached: return "LimitReached";
  }
  return "UnknownStatus";
}

// Layout: [format u8][client_id varint][sequence varint][type u8]
//         [key string][value string][expected_mod_revision varint].
// Every field is present for every command type so the layout has no branches;
// an empty value costs one byte.
Bytes encode_write_request(const WriteRequest& request) {
  Bytes out;
  out.reserve(16 + request.command.key.size() + request.command.value.size());
  ByteWriter writer(out);
  writer.u8(kWriteRequestFormat);
  writer.varint(request.client_id);
  writer.varint(request.sequence);
  writer.u8(static_cast<std::uint8_t>(request.command.type));
  writer.string(request.command.key);
  writer.string(request.command.value);
  writer.varint(request.command.expected_mod_revision);
  return out;
}

Decoded<WriteRequest> decode_write_request(ByteView bytes) {
  ByteReader reader(bytes);
  std::uint8_t format = 0;
  if (!reader.u8(format)) return unexpected(reader.error("write request format version byte"));
  if (format != kWriteRequestFormat && format != kWriteRequestFormatLegacy) {
    return unexpected(DecodeError{"write request format version " + std::to_string(kWriteRequestFormatLegacy) +
                                      " or " + std::to_string(kWriteRequestFormat) + " (got " +
                                      std::to_string(format) + ")",
                                  0});
  }
  WriteRequest request;
  request.legacy = format == kWriteRequestFormatLegacy;
  if (auto error = read_varint(reader, request.client_id, "client id")) return unexpected(*error);
  if (auto error = read_varint(reader, request.sequence, "sequence")) return unexpected(*error);
  if (auto error = read_command(reader, request.command)) return unexpected(*error);
  if (!reader.at_end()) {
    return unexpected(reader.error("end of write request (" + std::to_string(reader.remaining()) +
                                   " trailing bytes)"));
  }
  return request;
}

// Layout: [status u8][revision varint][0 | 1 u8][key value if 1:
//         key string, value string, create, mod, version varints].
void encode_write_result(ByteWriter& writer, const WriteResult& result) {
  writer.u8(static_cast<std::uint8_t>(result.status));
  writer.varint(result.revision);
  if (!result.key_value) {
    writer.u8(kNoKeyValue);
    return;
  }
  writer.u8(kHasKeyValue);
  encode_key_value(writer, *result.key_value);
}

bool decode_write_result(ByteReader& reader, WriteResult& result) {
  std::uint8_t status = 0;
  std::uint8_t presence = 0;
  if (!reader.u8(status) || !is_known_status(status)) return false;
  result.status = static_cast<Status>(status);
  if (!reader.varint(result.revision)) return false;
  if (!reader.u8(presence)) return false;
  if (presence == kNoKeyValue) {
    result.key_value.reset();
    return true;
  }
  if (presence != kHasKeyValue) return false;
  KeyValue key_value;
  if (!decode_key_value(reader, key_value)) return false;
  result.key_value = std::move(key_value);
  return true;
}

}  // namespace confman::kv
