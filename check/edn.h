#pragma once
// A reader for the small part of EDN that Knossos/Jepsen histories use: nil,
// booleans, integers, strings, keywords, symbols, vectors, lists and maps.
// One top-level value per call; errors say what was expected and where.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/util/result.h"

namespace confman::check {

struct EdnValue {
  enum class Kind : std::uint8_t { Nil, Bool, Integer, String, Keyword, Symbol, Vector, Map };
  Kind kind = Kind::Nil;
  bool boolean = false;
  std::int64_t integer = 0;
  std::string text;             // String: the unescaped string; Keyword: name without ':'
  std::vector<EdnValue> items;  // Vector (and lists); Map: key, value, key, value, ...

  // The value of map key `:name`, or nullptr.
  const EdnValue* find(std::string_view keyword) const;
};

// Nesting limit: a line is one history event, never deep.
inline constexpr std::size_t kMaxEdnDepth = 32;

// Parses exactly one value from `text` (surrounding whitespace and commas are
// fine). The error is "expected ... at column N".
Result<EdnValue, std::string> parse_edn_value(std::string_view text);

}  // namespace confman::check
