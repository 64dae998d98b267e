#pragma once
// What the checker found wrong, in terms a person can follow, and its
// rendering as text and as JSON (violation.cpp).

#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "check/history.h"

namespace confman::check {

struct StuckOperation {
  std::size_t op = 0;  // index into History::operations
  std::string reason;
};

struct Violation {
  enum class Kind : std::uint8_t {
    NoLinearization,  // a partition has no valid order
    RevisionOrder,    // confman-kv: global revisions contradict real time
  };
  Kind kind = Kind::NoLinearization;
  std::string partition;  // the key; "" for a single register
  std::size_t partition_operations = 0;  // RevisionOrder: acknowledged writes compared
  // The longest linearizable prefix the search found, in linearization order.
  std::vector<std::size_t> prefix;
  std::string state_after_prefix;
  // The operation whose completion the prefix cannot get past: it had to take
  // effect before it returned, and nothing that fits lets it.
  std::optional<std::size_t> must_complete;
  // Every acknowledged operation that could come next, with why it cannot.
  std::vector<StuckOperation> cannot_place;
  // Operations of unknown outcome that could also come next (none helps).
  std::vector<std::size_t> unknown_candidates;
  std::string summary;  // one line
};

// "the register", or "key \"/k/1\"".
std::string partition_name(const std::string& key);

// Multi-line, indented by two spaces, ending with a newline.
std::string render_text(const History& history, const Violation& violation);
boost::json::object render_json(const History& history, const Violation& violation);
// An operation as JSON: its text plus the fields a tool would want.
boost::json::object operation_json(const History& history, std::size_t op);

}  // namespace confman::check
