#pragma once
// A client history as the checker sees it: completed operations, each with the
// interval in which it may take effect. Three formats parse into this one
// shape (parse.h); the models (model_*.h) read only the fields they need.
//
// An operation's interval is given by positions in the history's event order
// (the line numbers of its invocation and completion), not by timestamps:
// two events on one line never happen, so real-time precedence ("A returned
// before B was invoked") is exact. Timestamps are kept for reports only.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace confman::check {

enum class Format : std::uint8_t { Auto, Confman, Jepsen, Edn };

// The operation, named as in the history it came from.
enum class Function : std::uint8_t {
  Read,    // cas-register (Jepsen/Knossos)
  Write,   // cas-register
  Cas,     // cas-register: cas [expected new]
  Get,     // append-kv, confman-kv
  Put,     // append-kv, confman-kv
  Append,  // append-kv
  Delete,  // confman-kv
  KvCas,   // confman-kv: put if the key's mod_revision is expected_mod_revision
};

// Ok: the completion says what happened. Unknown: the client never learned
// (timed out, crashed, run ended); the operation may take effect at any point
// after its invocation, or never. Completions that say "did not happen" are
// dropped by the parsers and never reach a History.
enum class Outcome : std::uint8_t { Ok, Unknown };

// The result code of a confman-kv delete or cas.
enum class KvResult : std::uint8_t { None, Ok, NotFound, CompareFailed };

inline constexpr std::uint64_t kNeverReturned = std::numeric_limits<std::uint64_t>::max();

struct Operation {
  Format source = Format::Auto;  // the format it was parsed from (for reports)
  std::int64_t process = 0;
  Function function = Function::Read;
  Outcome outcome = Outcome::Ok;
  std::string key;  // the partition; "" for a single register

  // Input. `value` is what a write, put, append or cas writes. `expected` is
  // the register value a cas-register cas compares with. Values are kept as
  // text: decimal integers (Jepsen), strings (EDN), JSON text (confman).
  // nullopt stands for nil.
  std::optional<std::string> value;
  std::optional<std::string> expected;
  std::int64_t expected_mod_revision = 0;  // confman-kv cas; 0 = must not exist

  // Output (only when outcome == Ok). `read_value` is what a read or get saw.
  std::optional<std::string> read_value;
  bool found = false;                // confman-kv get
  KvResult result = KvResult::None;  // confman-kv delete and cas
  std::int64_t revision = 0;         // confman-kv write: the revision it created
  std::int64_t mod_revision = 0;     // confman-kv get and compare_failed
  std::int64_t create_revision = 0;  // confman-kv get
  std::int64_t version = 0;          // confman-kv get, put, cas; 0 = not reported

  // Where the operation sits in the history.
  std::uint64_t call_position = 0;
  std::uint64_t return_position = kNeverReturned;  // kNeverReturned when Unknown
  std::size_t call_line = 0;                       // 1-based line in the file
  std::size_t return_line = 0;                     // 0 when there was no completion
  std::int64_t call_time_us = -1;                  // -1 when the format has no times
  std::int64_t return_time_us = -1;
};

struct History {
  std::string file_name;
  Format format = Format::Auto;  // the format it was parsed from
  // In invocation order (call_position ascending).
  std::vector<Operation> operations;
  std::size_t dropped_operations = 0;  // failed, or unknown-outcome reads
};

const char* function_name(Function function);
const char* format_name(Format format);

// "p3 put /k/1 \"v\" -> rev 7 [t=1.000000s..1.005000s]": one line a person can
// follow, with the interval in times when known, else in file lines.
std::string describe_operation(const Operation& op);
// The interval part alone: "[t=1.000000s..1.005000s]" or "[lines 12..15]".
std::string describe_interval(const Operation& op);
// Text shortened for reports; long appended strings would drown the message.
std::string abbreviate(const std::string& text, std::size_t max_chars = 48);

}  // namespace confman::check
