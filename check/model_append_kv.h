#pragma once
// One key of the Knossos-style key-value map with append (Porcupine's "kv"
// model): get returns the key's string ("" if never written), put sets it,
// append concatenates. Keys are independent, so histories are split per key
// before the search (Horn & Kroening 2015: linearizability is P-compositional
// for such models).
//
// The state is a string id from ConcatStrings (concat_strings.h): one
// fixed-size node per distinct string, canonical, so equal strings are equal
// integers. append creates strings the history never mentions; the (state,
// appended text) -> state transitions are cached there, so a configuration
// reached again costs one hash lookup, not a concatenation.
//
// Pruning (a key without put): the key only grows, each state a prefix of
// the next. A get that returned R, with R longer than the state now, cannot
// have taken effect yet (the key was R then, and has not shrunk since), so
// it comes later and R must start with every state from now on. An append
// whose result is not a prefix of the shortest such R is refused at once,
// instead of after every order of the appends around it has been tried.
// The rule only refuses orders that no linearization can complete, so a
// verdict never changes; tests/check/brute_force_test.cpp cross-checks it.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/result.h"
#include "check/history.h"
#include "check/model.h"
#include "check/splitmix64.h"
#include "check/concat_strings.h"

namespace confman::check {

// An append of unknown outcome whose text no get result contains was
// observed by nobody: if it took effect at all, it may as well have taken
// effect after everything else (an unknown operation may take effect at any
// time after its invocation), where nothing sees it. So the partition
// without it has a linearization iff the partition with it has one, and the
// search is spared the orders in which such appends could come (with 5% of
// appends timing out, these made a linearizable 10,000-operation history
// undecidable within 2 GiB).
std::vector<std::uint32_t> without_unobserved_unknown_appends(const History& history,
                                                             const std::vector<std::uint32_t>& ops);

class AppendKvModel {
 public:
  using State = ConcatStrings::Id;  // 0 = ""

  // The model refers to the history's get results: `history` outlives it.

  static Result<AppendKvModel, ParseError> prepare(const History& history,
                                                     std::span<const std::uint32_t> ops);

  State initial_state() const { return kEmpty; }
  bool step(const State& state, std::uint32_t op, State& next);
  std::uint64_t hash(const State& state) const { return mix64(state + 1); }
  std::size_t memory_bytes() const {
    return strings_.memory_bytes() + get_results_.size() * sizeof(std::string_view);
  }

  bool is_pure_read(std::uint32_t op) const { return ops_[op].function == Function::Get; }

  std::string why_rejected(const State& state, std::uint32_t op);
  std::string describe_state(const State& state) const;

 private:
  static constexpr State kEmpty = ConcatStrings::kEmpty;
  struct Op {
    Function function = Function::Get;
    // get: the string seen; put: the string written (both State);
    // append: the suffix (a ConcatStrings::Piece)
    std::uint32_t value = kEmpty;
  };

  template <bool kExplain>
  bool apply(const State& state, std::uint32_t op, State& next, std::string* why);
  // The get results, shortest first, when the key has no put (else empty:
  // the key may shrink, and the rule above does not hold).
  std::vector<std::string_view> get_results_;
  // The shortest get result longer than `length`, or nullptr.
  const std::string_view* next_get_result(std::size_t length) const;

  std::vector<Op> ops_;
  ConcatStrings strings_;
};

}  // namespace confman::check
