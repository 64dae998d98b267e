#pragma once
// Reading histories. Three formats, one History (history.h):
//   confman  our JSON Lines (sim/HISTORY.md), model confman-kv;
//   jepsen   Jepsen log lines `INFO  jepsen.util - 3  :invoke  :read  nil`,
//            model cas-register; lines of any other shape are not part of
//            the history (Jepsen logs interleave other output);
//   edn      one EDN map per line (Knossos), `{:process 9, :type :invoke,
//            :f :append, :key "0", :value "x 9 0 y"}`, model append-kv, or
//            cas-register when it only reads, writes and cas-es.
// In the confman and edn formats every non-blank line must be an event; a
// malformed one is an error naming the file, the line and what was expected.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/util/result.h"
#include "check/history.h"

namespace confman::check {

// Limits: a history beyond them is refused, not checked slowly.
inline constexpr std::size_t kMaxOperations = 1'000'000;
inline constexpr std::size_t kMaxLineBytes = 1 << 20;

struct ParseError {
  std::string file;
  std::size_t line = 0;  // 1-based; 0 when the error is about the whole file
  std::string message;   // "expected ...", said to a person

  // "file:line: message"
  std::string describe() const;
};

using ParseResult = Result<History, ParseError>;

// Parses `text` (the whole file). Format::Auto detects the format first.
ParseResult parse_history(std::string_view text, Format format, std::string_view file_name);

// The format of `text` judged from its first lines; nullopt when it looks
// like none of them.
std::optional<Format> detect_format(std::string_view text);

// "auto", "confman", "jepsen", "edn" -> Format.
std::optional<Format> format_from_name(std::string_view name);

// The per-format parsers; `text` must be in that format.
ParseResult parse_confman(std::string_view text, std::string_view file_name);
ParseResult parse_jepsen(std::string_view text, std::string_view file_name);
ParseResult parse_edn(std::string_view text, std::string_view file_name);

}  // namespace confman::check
