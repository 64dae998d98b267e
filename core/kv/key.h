#pragma once
// Path keys: "/app/config/timeout". A key is absolute, its segments are
// non-empty, never "." or "..", carry no control characters, and it fits the
// limits in limits.h. A namespace is a key prefix ending in "/" ("/app/").

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

// Validates a namespace prefix for listing: "/" or a valid key followed by "/".
Result<Done, KeyError> validate_prefix(std::string_view prefix);

const char* key_error_code_name(KeyErrorCode code);

}  // namespace confman::kv
