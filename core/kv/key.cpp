#include "core/kv/key.h"

#include <optional>

#include "core/kv/limits.h"

namespace confman::kv {

namespace {

// A broken rule before it is turned into a message: the rule text is written
// once here so every caller reports it the same way.
struct Violation {
  KeyErrorCode code;
  std::size_t position;
  std::string rule;
};

// Error messages quote the offending text, but a key can be arbitrarily long
// input from a client; the quote stops here so an error stays a line, not a
// megabyte.
constexpr std::size_t kMaxQuotedBytes = 80;

bool is_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7F;
}

std::string hex_escape(unsigned char byte) {
  constexpr char kDigits[] = "0123456789abcdef";
  std::string escaped = "\\x";
  escaped += kDigits[byte >> 4];
  escaped += kDigits[byte & 0x0F];
  return escaped;
}

// The length of the well-formed UTF-8 sequence starting at text[at], or 0 if
// it is not one. Table 3-7 of the Unicode Standard (and RFC 3629 section 4):
// the second byte's range depends on the first, which is what excludes
// overlong forms (0xc0, 0xc1, 0xe0 0x80..0x9f, 0xf0 0x80..0x8f), surrogates
// (0xed 0xa0..0xbf) and code points above U+10FFFF (0xf4 0x90.., 0xf5..).
std::size_t utf8_sequence_length(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char second_low = 0x80;
  unsigned char second_high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_low = 0xA0;
    if (lead == 0xED) second_high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_low = 0x90;
    if (lead == 0xF4) second_high = 0x8F;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  if (byte(at + 1) < second_low || byte(at + 1) > second_high) return 0;
  for (std::size_t i = at + 2; i < at + length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

// Quotes text so that control characters, quotes, backslashes and bytes that
// are not well-formed UTF-8 are visible and unambiguous ("/a\x01b", "/\xff");
// the message is echoed inside JSON, so it must be valid UTF-8 whatever the
// key was. A character cut by the length limit is escaped, not split.
std::string quote(std::string_view text) {
  std::string quoted = "\"";
  const std::size_t shown = text.size() < kMaxQuotedBytes ? text.size() : kMaxQuotedBytes;
  for (std::size_t i = 0; i < shown; ++i) {
    const char c = text[i];
    const std::size_t sequence = utf8_sequence_length(text, i);
    if (sequence > 1 && i + sequence <= shown) {
      quoted.append(text.substr(i, sequence));
      i += sequence - 1;
    } else if (is_control(c) || static_cast<unsigned char>(c) >= 0x80) {
      quoted += hex_escape(static_cast<unsigned char>(c));
    } else if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else {
      quoted += c;
    }
  }
  if (shown < text.size()) {
    quoted += "...\" (" + std::to_string(text.size()) + " bytes)";
  } else {
    quoted += '"';
  }
  return quoted;
}

KeyError to_error(Violation violation, std::string_view text) {
  std::string message = violation.rule + " at byte " + std::to_string(violation.position) +
                        " in " + quote(text);
  return KeyError{violation.code, violation.position, std::move(message)};
}

std::optional<Violation> check_segment(std::string_view path, std::size_t begin, std::size_t end) {
  const std::string_view segment = path.substr(begin, end - begin);
  if (segment.empty()) {
    return Violation{KeyErrorCode::EmptySegment, begin, "empty path segment"};
  }
  if (segment == "." || segment == "..") {
    return Violation{KeyErrorCode::DotSegment, begin,
                     "dot path segment \"" + std::string(segment) + "\""};
  }
  return std::nullopt;
}

std::optional<Violation> check_utf8(std::string_view path) {
  for (std::size_t i = 0; i < path.size();) {
    const std::size_t length = utf8_sequence_length(path, i);
    if (length == 0) {
      return Violation{KeyErrorCode::InvalidUtf8, i,
                       "invalid UTF-8 byte " + hex_escape(static_cast<unsigned char>(path[i]))};
    }
    i += length;
  }
  return std::nullopt;
}

// Walks the path once, left to right, so the violation reported is the first
// one by byte position (after the whole-key checks).
std::optional<Violation> check_path(std::string_view path) {
  if (path.empty()) {
    return Violation{KeyErrorCode::Empty, 0, "empty key"};
  }
  if (path.front() != '/') {
    return Violation{KeyErrorCode::NotAbsolute, 0, "key does not start with '/'"};
  }
  if (path.size() > kMaxKeyBytes) {
    return Violation{KeyErrorCode::KeyTooLong, kMaxKeyBytes,
                     "key longer than " + std::to_string(kMaxKeyBytes) + " bytes (" +
                         std::to_string(path.size()) + " bytes)"};
  }
  std::size_t segment_begin = 1;
  for (std::size_t i = 1; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      if (auto violation = check_segment(path, segment_begin, i)) return violation;
      segment_begin = i + 1;
      continue;
    }
    if (is_control(path[i])) {
      return Violation{KeyErrorCode::ControlCharacter, i,
                       "control character " + hex_escape(static_cast<unsigned char>(path[i]))};
    }
    if (i - segment_begin == kMaxSegmentBytes) {
      return Violation{KeyErrorCode::SegmentTooLong, i,
                       "path segment longer than " + std::to_string(kMaxSegmentBytes) + " bytes"};
    }
  }
  return std::nullopt;
}

}  // namespace

Result<Done, KeyError> validate_stored_key(std::string_view key) {
  if (auto violation = check_path(key)) return unexpected(to_error(std::move(*violation), key));
  return Done{};
}

Result<Done, KeyError> validate_key(std::string_view key) {
  if (auto violation = check_path(key)) return unexpected(to_error(std::move(*violation), key));
  if (auto violation = check_utf8(key)) return unexpected(to_error(std::move(*violation), key));
  return Done{};
}

Result<Done, KeyError> validate_prefix(std::string_view prefix) {
  if (prefix == "/") return Done{};
  const bool has_trailing_slash = !prefix.empty() && prefix.back() == '/';
  // The body is validated as a key first: "app" is better reported as not
  // absolute than as missing its slash. Positions in the body are positions in
  // the prefix, since the body is its beginning.
  const std::string_view body = has_trailing_slash ? prefix.substr(0, prefix.size() - 1) : prefix;
  if (auto violation = check_path(body)) return unexpected(to_error(std::move(*violation), prefix));
  if (auto violation = check_utf8(body)) return unexpected(to_error(std::move(*violation), prefix));
  if (!has_trailing_slash) {
    return unexpected(to_error(Violation{KeyErrorCode::MissingTrailingSlash, prefix.size(),
                                         "namespace prefix does not end in '/'"},
                               prefix));
  }
  return Done{};
}

const char* key_error_code_name(KeyErrorCode code) {
  switch (code) {
    case KeyErrorCode::Empty: return "Empty";
    case KeyErrorCode::NotAbsolute: return "NotAbsolute";
    case KeyErrorCode::EmptySegment: return "EmptySegment";
    case KeyErrorCode::DotSegment: return "DotSegment";
    case KeyErrorCode::ControlCharacter: return "ControlCharacter";
    case KeyErrorCode::KeyTooLong: return "KeyTooLong";
    case KeyErrorCode::SegmentTooLong: return "SegmentTooLong";
    case KeyErrorCode::MissingTrailingSlash: return "MissingTrailingSlash";
    case KeyErrorCode::InvalidUtf8: return "InvalidUtf8";
  }
  return "UnknownKeyError";
}

}  // namespace confman::kv
