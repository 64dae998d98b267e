#pragma once
// One key of the Knossos-style key-value map with append (Porcupine's "kv"
// model): get returns the key's string ("" if never written), put sets it,
// append concatenates. Keys are independent, so histories are split per key
// before the search (Horn & Kroening 2015: linearizability is P-compositional
// for such models).
//
// The state is an interned string. append creates strings the history never
// mentions; the (state, appended text) -> state transitions are cached so a
// configuration reached again costs one hash lookup, not a concatenation.

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/util/result.h"
#include "check/history.h"
#include "check/model.h"
#include "check/splitmix64.h"
#include "check/value_interner.h"

namespace confman::check {

class AppendKvModel {
 public:
  using State = std::uint32_t;  // interned string; 0 = ""

  static Result<AppendKvModel, ParseError> prepare(const History& history,
                                                     std::span<const std::uint32_t> ops);

  State initial_state() const { return kEmpty; }
  bool step(const State& state, std::uint32_t op, State& next);
  std::uint64_t hash(const State& state) const { return mix64(state + 1); }
  std::size_t memory_bytes() const {
    return strings_.memory_bytes() + appended_.size() * kCacheEntryBytes;
  }

  bool is_pure_read(std::uint32_t op) const { return ops_[op].function == Function::Get; }

  std::string why_rejected(const State& state, std::uint32_t op);
  std::string describe_state(const State& state) const;

 private:
  static constexpr State kEmpty = 0;
  static constexpr std::size_t kCacheEntryBytes = 48;
  struct Op {
    Function function = Function::Get;
    State value = kEmpty;  // get: the string seen; put: the string written; append: the suffix
  };
  struct IdentityHash {
    std::size_t operator()(std::uint64_t key) const { return static_cast<std::size_t>(mix64(key)); }
  };

  template <bool kExplain>
  bool apply(const State& state, std::uint32_t op, State& next, std::string* why);
  State append(State state, State suffix);

  std::vector<Op> ops_;
  ValueInterner strings_;
  std::unordered_map<std::uint64_t, State, IdentityHash> appended_;  // (state << 32 | suffix) -> state
};

}  // namespace confman::check
