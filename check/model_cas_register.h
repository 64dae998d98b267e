#pragma once
// The compare-and-set register of Jepsen's etcd tests (Knossos `cas-register`):
// one register, initially unset (nil). read returns its value; write sets it;
// cas [a b] sets b only when the value is a.
//
// A cas whose completion said :fail never reaches the model (the parser drops
// it: it certainly did not take effect). A cas of unknown outcome takes effect
// here only if it would swap; one that would not has no effect, which is the
// same as leaving it out, so the model refuses it and the search moves on.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/util/result.h"
#include "check/history.h"
#include "check/model.h"
#include "check/splitmix64.h"
#include "check/value_interner.h"

namespace confman::check {

class CasRegisterModel {
 public:
  using State = std::uint32_t;  // interned value; 0 = nil

  static Result<CasRegisterModel, ParseError> prepare(const History& history,
                                                        std::span<const std::uint32_t> ops);

  State initial_state() const { return kNil; }
  bool step(const State& state, std::uint32_t op, State& next);
  std::uint64_t hash(const State& state) const { return mix64(state + 1); }
  std::size_t memory_bytes() const { return values_.memory_bytes(); }

  bool is_pure_read(std::uint32_t op) const { return ops_[op].function == Function::Read; }

  std::string why_rejected(const State& state, std::uint32_t op);
  std::string describe_state(const State& state) const;

 private:
  static constexpr State kNil = 0;
  struct Op {
    Function function = Function::Read;
    bool unknown = false;
    State value = kNil;     // read: the value seen; write, cas: the value written
    State expected = kNil;  // cas: the value compared with
  };

  template <bool kExplain>
  bool apply(const State& state, std::uint32_t op, State& next, std::string* why) const;
  std::string show(State value) const;
  State intern(const std::optional<std::string>& value);

  std::vector<Op> ops_;
  ValueInterner values_;  // id 0 is the empty text standing for nil
};

}  // namespace confman::check
