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
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/util/result.h"
#include "check/history.h"
#include "check/model.h"
#include "check/splitmix64.h"
#include "check/value_interner.h"

namespace confman::check {

// Unobserved writes. A put or cas of unknown outcome whose value no get in
// the partition returned changes, if it took effect, only a version and a
// revision: no get can tell its value from another's. So the model gives
// them all one value (kUnobservedValue), and the search treats those with
// the same input otherwise (a put; a cas on the same expected revision) as
// twins, tried in invocation order only (partition.h): any linearization
// using a later one can use an earlier one in its place. With 64 clients
// timing out against an isolated leader, every subset of these writes was a
// configuration of its own, and a 140,000-operation history was unknown
// after 2 GiB.
//
// Stronger, on a key without cas: an unobserved unknown put X changes
// nothing a later operation can see but the version (and, when it creates
// the key, the create revision), so in some linearization each X that took
// effect sits right before the next put (a get after X fails, and a delete
// after X erases it, so leaving X out fits at least as well) or before an
// acknowledged delete of a key only X created. The search therefore leaves
// these X out (`kept`), and the model places them lazily: a put that
// reports version V over version v takes V - v - 1 of them, the earliest
// invoked first, each only once every operation that returned before its
// invocation has been linearized (the search says how far that is:
// set_frontier). A put of unknown outcome that a get did observe made the
// version that get saw, which fixes how many come before it. A cas could
// observe X's revision, and a value written twice would tie a get's version
// to the wrong put, so keys with a cas or a repeated value keep every
// operation (nullopt).
struct AnonymousWrites {
  std::vector<std::uint32_t> kept;             // the partition without them, in order
  std::vector<std::uint64_t> call_positions;   // theirs, ascending
};
std::optional<AnonymousWrites> split_anonymous_writes(const History& history,
                                                     const std::vector<std::uint32_t>& ops);

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
    std::uint32_t anonymous_used = 0;  // lazily placed unobserved writes so far (see above)
    bool operator==(const State&) const = default;
  };

  // anonymous_calls: the call positions of the writes split off by
  // split_anonymous_writes (empty: none are placed lazily).
  static Result<ConfmanKvModel, ParseError> prepare(const History& history, std::span<const std::uint32_t> ops,
                                                      std::vector<std::uint64_t> anonymous_calls = {});

  // For each operation, the acknowledged write of this key with the next
  // lower revision when the operation is an acknowledged write (else
  // kNoPredecessor): revisions order a key's writes, so the model accepts them in
  // that order only, and the search need not try another (wgl.h, `after`).
  // Without it, a write could borrow a lazily placed write in place of a
  // concurrent one with a lower revision, and the search found out only
  // dozens of operations later.
  std::vector<std::uint32_t> revision_predecessors() const;
  static constexpr std::uint32_t kNoPredecessor = 0xffff'ffffu;
  // One flag per operation: an unobserved write (see above) still in the
  // search, its value ignored.
  std::vector<bool> unobserved_writes() const;

  // The return position of the earliest operation not yet linearized that
  // returned: an unobserved write invoked before it may be placed now.
  void set_frontier(std::uint64_t position) { frontier_ = position; }

  State initial_state() const { return State{}; }
  bool step(const State& state, std::uint32_t op, State& next) const;
  std::uint64_t hash(const State& state) const;
  std::size_t memory_bytes() const { return values_.memory_bytes(); }

  // A get, a delete that found no key and a cas that failed its compare
  // never widen the state (they may narrow an unknown revision); the search
  // commits to one only where it leaves the state unchanged (wgl.h).
  bool is_pure_read(std::uint32_t op) const {
    const Op& o = ops_[op];
    if (o.unknown) return false;
    return o.function == Function::Get || (o.function == Function::Delete && o.result == KvResult::NotFound) ||
           (o.function == Function::KvCas && o.result == KvResult::CompareFailed);
  }

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
  bool follows_unobserved_write(const State& s, const Op& op) const;
  // `s` after `count` lazily placed unobserved writes, or false when fewer
  // than that were invoked by the frontier and unused.
  bool place_anonymous(const State& s, std::int64_t count, State& out) const;
  // `s` after the lazily placed writes that the version op made needs
  // before it (none when not placing lazily or the version is unknown).
  template <bool kExplain>
  bool place_for_version(const State& s, const Op& op, State& out, std::string* why) const;
  std::size_t anonymous_available() const;
  std::string missing_writes_reason(const State& s, const Op& op, std::int64_t missing) const;

  // The one value of every unobserved unknown write (see above).
  static constexpr std::uint32_t kUnobservedValue = 0xffff'ffffu;

  std::vector<Op> ops_;
  ValueInterner values_;  // id 0 is "", which no JSON text is: it marks absence
  std::vector<std::uint64_t> anonymous_calls_;
  std::uint64_t frontier_ = ~std::uint64_t{0};
};

}  // namespace confman::check
