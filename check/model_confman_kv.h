#pragma once
// One key of the Confman store, as clients observe it (sim/HISTORY.md): get,
// put, delete and cas on the expected mod revision, with the revisions and
// versions the store reports. Histories are split per key before the search
// (P-compositionality, Horn & Kroening 2015); what ties keys together (one
// global revision counter) is checked by a separate pass, revision_order.h.
//
// State: absent, or (value, mod_revision, create_revision, version); for an
// absent key we also keep the revision of its last write (its delete), since a
// later write must get a higher one.
//
// Unknown revisions. A put, cas or delete of unknown outcome that takes effect
// did so at a revision nobody was told. The model does not guess it: the
// state keeps each revision as an interval [min, max] of what it can still be
// (a known revision is an interval of one). Constraints narrow it:
//   - each write to the key gets a higher revision than the write before;
//   - an observation (a get, a compare_failed, a cas that passed its compare)
//     fixes the mod_revision to the value observed, if it is in the interval;
//   - `version` counts the writes since creation, so with version V there are
//     V - 1 increasing revisions after the create revision:
//     create_revision <= mod_revision - (V - 1).
// Intermediate writes leave the state when superseded; the bounds they imply
// are folded into create_revision first. For one key this is exact: the model
// accepts a sequence iff some choice of the unknown revisions makes every
// observation true.
//
// Operations of unknown outcome that would have no effect (a delete of an
// absent key, a cas whose compare would fail) are refused: having no effect
// is the same as not being linearized, which the search allows anyway.

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

// Writes of unknown outcome (put, cas) whose value no get in the partition
// returned, one flag per partition operation. What such a write does, if it
// took effect, is only a version and a revision step: no get can tell its
// value from another's. So the model gives them all one value, and the
// search treats those with the same input otherwise (a put; a cas on the
// same expected revision) as twins, tried in invocation order only
// (partition.h): any linearization using a later one can use an earlier one
// in its place. With 64 clients timing out against an isolated leader,
// every subset of these writes was a configuration of its own, and a
// 140,000-operation history was unknown after 2 GiB.
std::vector<bool> unobserved_unknown_writes(const History& history, const std::vector<std::uint32_t>& ops);

class ConfmanKvModel {
 public:
  // A revision is an interval [min, max]; min == max when it is known.
  struct State {
    std::int64_t last_min = 0;    // present: mod_revision; absent: revision of the
    std::int64_t last_max = 0;    //   key's last write, the delete (0: never written)
    std::int64_t create_min = 0;  // create_revision when version >= 2, else 0
    std::int64_t create_max = 0;  //   (at version 1 it is the mod_revision)
    std::uint32_t value = 0;      // interned JSON text; 0 = absent
    std::uint32_t version = 0;    // 0 = absent
    bool operator==(const State&) const = default;
  };

  static Result<ConfmanKvModel, ParseError> prepare(const History& history,
                                                      std::span<const std::uint32_t> ops);

  State initial_state() const { return State{}; }
  bool step(const State& state, std::uint32_t op, State& next) const;
  std::uint64_t hash(const State& state) const;
  std::size_t memory_bytes() const { return values_.memory_bytes(); }

  // A get never widens the state (it may narrow an unknown revision); the
  // search commits to one only where it leaves the state unchanged (wgl.h).
  bool is_pure_read(std::uint32_t op) const { return ops_[op].function == Function::Get; }

  std::string why_rejected(const State& state, std::uint32_t op) const;
  std::string describe_state(const State& state) const;

 private:
  struct Op {
    Function function = Function::Get;
    bool unknown = false;
    bool found = false;
    KvResult result = KvResult::None;
    std::uint32_t value = 0;  // put, cas: the value written; get: the value seen
    std::int64_t expected = 0;
    std::int64_t revision = 0;
    std::int64_t mod_revision = 0;
    std::int64_t create_revision = 0;
    std::int64_t version = 0;
  };

  template <bool kExplain>
  bool apply(const State& state, std::uint32_t op, State& next, std::string* why) const;
  template <bool kExplain>
  bool apply_get(const State& state, const Op& op, State& next, std::string* why) const;
  template <bool kExplain>
  bool apply_put(const State& state, const Op& op, State& next, std::string* why) const;
  template <bool kExplain>
  bool apply_delete(const State& state, const Op& op, State& next, std::string* why) const;
  template <bool kExplain>
  bool apply_cas(const State& state, const Op& op, State& next, std::string* why) const;
  template <bool kExplain>
  bool apply_failed_compare(const State& state, const Op& op, State& next, std::string* why) const;
  template <bool kExplain>
  bool apply_acknowledged_write(const State& state, const Op& op, State& next, std::string* why) const;

  std::string show_value(std::uint32_t value) const;
  // The one value of every unobserved unknown write (see above).
  static constexpr std::uint32_t kUnobservedValue = 0xffff'ffffu;

  std::vector<Op> ops_;
  ValueInterner values_;  // id 0 is "", which no JSON text is: it marks absence
};

}  // namespace confman::check
