#pragma once
// Path keys: "/app/config/timeout". A key is absolute, its segments are
// non-empty, never "." or "..", carry no control characters, are well-formed
// UTF-8 (RFC 3629: no overlong forms, surrogates or code points above
// U+10FFFF, since keys are echoed inside JSON and a raw 0xff breaks every
// strict parser), and it fits the limits in limits.h. A namespace is a key
// prefix ending in "/" ("/app/").
//
// Stored keys follow older rules: servers before the UTF-8 rule accepted any
// byte >= 0x80, and their logs and snapshots must replay and restore to the
// same state on every replica, so the store checks validate_stored_key. New
// keys from any entry point are checked with validate_key before they are
// proposed.

#include <string>
#include <string_view>

#include "core/util/result.h"

namespace confman::kv {

enum class KeyErrorCode {
  Empty,            // ""
  NotAbsolute,      // does not start with '/'
  EmptySegment,     // "//" or a trailing '/'
  DotSegment,       // "." or ".." as a segment
  ControlCharacter, // byte < 0x20 or 0x7F
  KeyTooLong,       // over kMaxKeyBytes
  SegmentTooLong,   // a segment over kMaxSegmentBytes
  MissingTrailingSlash,  // a namespace prefix that does not end in '/' ("/app")
  InvalidUtf8,      // a byte sequence that is not well-formed UTF-8 (0xff, overlong "\xc0\xaf")
};

struct KeyError {
  KeyErrorCode code;
  // Byte offset where the rule is broken: the offending byte; for an empty or
  // dot segment, where the segment starts ("/a//b": 3, "/a/": 3); for
  // KeyTooLong, kMaxKeyBytes; for SegmentTooLong, the first byte over the limit.
  std::size_t position;
  std::string message;   // names the rule, e.g. "empty path segment at byte 3 in \"/a//b\""
};

// Validates a key (no trailing '/', except that "/" alone is not a key).
Result<Done, KeyError> validate_key(std::string_view key);

// The rules a key in a log entry or snapshot was written under: every rule of
// validate_key except well-formed UTF-8 (see the format note above).
Result<Done, KeyError> validate_stored_key(std::string_view key);

// Validates a namespace prefix for listing: "/" or a valid key followed by "/".
Result<Done, KeyError> validate_prefix(std::string_view prefix);

const char* key_error_code_name(KeyErrorCode code);

}  // namespace confman::kv
