#include "check/model_confman_kv.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <string_view>

namespace confman::check {
namespace {

using State = ConfmanKvModel::State;

constexpr std::int64_t kUnbounded = std::numeric_limits<std::int64_t>::max();

// What a revision can still be: [min, max], inclusive.
struct Interval {
  std::int64_t min = 0;
  std::int64_t max = 0;
  bool contains(std::int64_t value) const { return min <= value && value <= max; }
};

Interval last_of(const State& s) { return {s.last_min, s.last_max}; }
Interval create_of(const State& s) { return {s.create_min, s.create_max}; }

void set_last(State& s, Interval rev) {
  s.last_min = rev.min;
  s.last_max = rev.max;
}

void set_create(State& s, Interval rev) {
  s.create_min = rev.min;
  s.create_max = rev.max;
}

std::string show(Interval rev) {
  if (rev.min == rev.max) return std::to_string(rev.min);
  if (rev.max == kUnbounded) return "unknown (at least " + std::to_string(rev.min) + ")";
  return "unknown (" + std::to_string(rev.min) + " to " + std::to_string(rev.max) + ")";
}

bool present(const State& s) { return s.version != 0; }

// Version V has V - 1 writes after the create revision, each higher.
std::int64_t writes_since_create(const State& s) { return std::int64_t{s.version} - 1; }

// The state after a write of `value` whose revision is `revision`. The write
// it supersedes had a revision of at most `superseded_max`; when that write
// leaves the state, what it implied for create_revision is kept.
State written(const State& s, std::uint32_t value, Interval revision, std::int64_t superseded_max) {
  State next;
  next.value = value;
  next.anonymous_used = s.anonymous_used;
  Interval superseded = last_of(s);
  superseded.max = std::min(superseded.max, superseded_max);
  CONFMAN_ASSERT(superseded.min <= superseded.max, "callers check that the new revision can be higher");
  if (present(s)) {
    next.version = s.version + 1;
    if (s.version == 1) {
      set_create(next, superseded);  // the creating write becomes history now
    } else {
      set_create(next, {s.create_min, std::min(s.create_max, superseded.max - writes_since_create(s))});
    }
  } else {
    next.version = 1;
  }
  set_last(next, revision);
  return next;
}

// A write acknowledged with `revision`.
State written_at(const State& s, std::uint32_t value, std::int64_t revision) {
  return written(s, value, {revision, revision}, revision - 1);
}

// A write of unknown outcome that took effect: its revision is some value
// above the previous write's.
State written_unknown(const State& s, std::uint32_t value) {
  return written(s, value, {s.last_min + 1, kUnbounded}, kUnbounded);
}

State deleted(const State& s, Interval revision) {
  State next;
  next.anonymous_used = s.anonymous_used;
  set_last(next, revision);
  return next;
}

// The state after observing that the key's mod_revision is `revision`
// (which the caller checked is in the interval).
State observed(const State& s, std::int64_t revision) {
  State next = s;
  set_last(next, {revision, revision});
  if (s.version >= 2) next.create_max = std::min(s.create_max, revision - writes_since_create(s));
  CONFMAN_ASSERT(next.create_min <= next.create_max, "an observed mod_revision leaves room for the create");
  return next;
}

// Unobserved writes (model_confman_kv.h), one flag per operation of `ops`.
std::vector<bool> unobserved_unknown_writes(const History& history, const std::vector<std::uint32_t>& ops) {
  std::set<std::string_view> observed;
  for (const std::uint32_t index : ops) {
    const Operation& op = history.operations[index];
    if (op.function == Function::Get && op.outcome == Outcome::Ok && op.read_value) observed.insert(*op.read_value);
  }
  std::vector<bool> flags(ops.size(), false);
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const Operation& op = history.operations[ops[i]];
    const bool write = op.function == Function::Put || op.function == Function::KvCas;
    flags[i] = write && op.outcome == Outcome::Unknown && op.value && observed.count(*op.value) == 0;
  }
  return flags;
}

}  // namespace

std::optional<AnonymousWrites> split_anonymous_writes(const History& history,
                                                     const std::vector<std::uint32_t>& ops) {
  // A cas could observe a lazily placed write's revision, and a value
  // written twice would tie a get's version to the wrong write.
  std::set<std::string_view> written;
  for (const std::uint32_t index : ops) {
    const Operation& op = history.operations[index];
    if (op.function == Function::KvCas) return std::nullopt;
    if (op.function == Function::Put && op.value && !written.insert(*op.value).second) return std::nullopt;
  }
  const std::vector<bool> unobserved = unobserved_unknown_writes(history, ops);
  AnonymousWrites split;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (unobserved[i]) {
      split.call_positions.push_back(history.operations[ops[i]].call_position);
    } else {
      split.kept.push_back(ops[i]);
    }
  }
  std::sort(split.call_positions.begin(), split.call_positions.end());
  return split;
}

Result<ConfmanKvModel, ParseError> ConfmanKvModel::prepare(const History& history, std::span<const std::uint32_t> ops,
                                                             std::vector<std::uint64_t> anonymous_calls) {
  ConfmanKvModel model;
  model.anonymous_calls_ = std::move(anonymous_calls);
  const std::vector<bool> unobserved = unobserved_unknown_writes(history, {ops.begin(), ops.end()});
  // The version a get saw with each value: an observed put of unknown
  // outcome made that version, which fixes how many lazily placed writes
  // came before it.
  std::map<std::string_view, std::int64_t> seen_version;
  for (const std::uint32_t index : ops) {
    const Operation& op = history.operations[index];
    if (op.function == Function::Get && op.outcome == Outcome::Ok && op.read_value) {
      seen_version.try_emplace(*op.read_value, op.version);
    }
  }
  CONFMAN_ASSERT(model.values_.intern("") == 0, "absence interns first");
  model.ops_.reserve(ops.size());
  for (const std::uint32_t index : ops) {
    const Operation& operation = history.operations[index];
    const Function f = operation.function;
    const bool kv = f == Function::Get || f == Function::Put || f == Function::Delete ||
                    f == Function::KvCas;
    if (!kv || operation.source != Format::Confman) {
      return unexpected(unsupported_operation(
          history, operation, kConfmanKvModel,
          "get, put, delete and cas with revisions, from a confman JSON Lines history"));
    }
    Op op;
    op.function = f;
    op.unknown = operation.outcome == Outcome::Unknown;
    op.found = operation.found;
    op.result = operation.result;
    const std::optional<std::string>& text = f == Function::Get ? operation.read_value : operation.value;
    op.value = unobserved[model.ops_.size()] ? kUnobservedValue : text ? model.values_.intern(*text) : 0;
    op.expected = operation.expected_mod_revision;
    op.revision = operation.revision;
    op.mod_revision = operation.mod_revision;
    op.create_revision = operation.create_revision;
    op.version = operation.version;
    if (op.unknown && f == Function::Put && operation.value) {
      const auto seen = seen_version.find(*operation.value);
      op.version = seen == seen_version.end() ? 0 : seen->second;
    }
    model.ops_.push_back(op);
  }
  return model;
}

std::uint64_t ConfmanKvModel::hash(const State& s) const {
  std::uint64_t h = mix64(static_cast<std::uint64_t>(s.last_min));
  h = hash_combine(h, static_cast<std::uint64_t>(s.last_max));
  h = hash_combine(h, static_cast<std::uint64_t>(s.create_min));
  h = hash_combine(h, static_cast<std::uint64_t>(s.create_max));
  h = hash_combine(h, s.anonymous_used);
  return hash_combine(h, (std::uint64_t{s.value} << 32) | s.version);
}

template <bool kExplain>
bool ConfmanKvModel::apply(const State& state, std::uint32_t index, State& next,
                           std::string* why) const {
  const Op& op = ops_[index];
  switch (op.function) {
    case Function::Get: return apply_get<kExplain>(state, op, next, why);
    case Function::Put: return apply_put<kExplain>(state, op, next, why);
    case Function::Delete: return apply_delete<kExplain>(state, op, next, why);
    case Function::KvCas: return apply_cas<kExplain>(state, op, next, why);
    default:
      CONFMAN_ASSERT(false, "prepare() admits only get, put, delete and cas");
      return false;
  }
}

// An unobserved unknown write X directly followed by a delete: X changed
// nothing anyone saw (no get can return its value, and its revision is
// still open, so nothing observed that), and the delete erases it. Leaving
// X out gives the delete the state before X, which is at least as wide (one
// revision fewer used), unless X created the key and the delete is one that
// must find it: then leaving out both X and a delete of unknown outcome is
// the equivalent. So the search never places a delete right after such an
// X: 64 clients timing out on an isolated leader otherwise made every
// interleaving of their puts and deletes a configuration of its own.
bool ConfmanKvModel::follows_unobserved_write(const State& s, const Op& op) const {
  if (s.value != kUnobservedValue || s.last_max != kUnbounded) return false;
  return op.unknown || s.version >= 2;
}

std::vector<bool> ConfmanKvModel::unobserved_writes() const {
  std::vector<bool> flags(ops_.size());
  for (std::size_t i = 0; i < ops_.size(); ++i) flags[i] = ops_[i].value == kUnobservedValue;
  return flags;
}

std::vector<std::uint32_t> ConfmanKvModel::revision_predecessors() const {
  std::vector<std::pair<std::int64_t, std::uint32_t>> writes;  // (revision, op)
  for (std::uint32_t i = 0; i < ops_.size(); ++i) {
    const Op& op = ops_[i];
    const bool acknowledged_write = !op.unknown && op.result != KvResult::NotFound && op.result != KvResult::CompareFailed &&
                                    (op.function == Function::Put || op.function == Function::Delete ||
                                     op.function == Function::KvCas);
    if (acknowledged_write) writes.emplace_back(op.revision, i);
  }
  std::sort(writes.begin(), writes.end());
  std::vector<std::uint32_t> predecessor(ops_.size(), kNoPredecessor);
  for (std::size_t k = 1; k < writes.size(); ++k) {
    // Equal revisions are a violation the model reports; no order is imposed.
    if (writes[k - 1].first < writes[k].first) predecessor[writes[k].second] = writes[k - 1].second;
  }
  return predecessor;
}

template <bool kExplain>
bool ConfmanKvModel::place_for_version(const State& s, const Op& op, State& out, std::string* why) const {
  out = s;
  if (anonymous_calls_.empty() || op.version == 0) return true;
  const std::int64_t missing = op.version - (present(s) ? std::int64_t{s.version} : 0) - 1;
  if (missing <= 0 || place_anonymous(s, missing, out)) return true;
  return reject<kExplain>(why, [&] { return missing_writes_reason(s, op, missing); });
}

std::size_t ConfmanKvModel::anonymous_available() const {
  return static_cast<std::size_t>(std::lower_bound(anonymous_calls_.begin(), anonymous_calls_.end(), frontier_) -
                                  anonymous_calls_.begin());
}

bool ConfmanKvModel::place_anonymous(const State& s, std::int64_t count, State& out) const {
  out = s;
  if (count <= 0) return count == 0;
  if (std::int64_t{s.anonymous_used} + count > static_cast<std::int64_t>(anonymous_available())) return false;
  for (std::int64_t i = 0; i < count; ++i) out = written_unknown(out, kUnobservedValue);
  out.anonymous_used = s.anonymous_used + static_cast<std::uint32_t>(count);
  return true;
}

template <bool kExplain>
bool ConfmanKvModel::apply_get(const State& s, const Op& op, State& next, std::string* why) const {
  if (!op.found) {
    if (present(s)) return reject<kExplain>(why, [&] { return "get found no key, but " + describe_state(s); });
    next = s;
    return true;
  }
  if (!present(s)) return reject<kExplain>(why, [&] { return "get found the key, but " + describe_state(s); });
  if (s.value != op.value) {
    return reject<kExplain>(why, [&] {
      return "get returned " + show_value(op.value) + ", but the key held " + show_value(s.value);
    });
  }
  if (s.version != op.version) {
    return reject<kExplain>(why, [&] {
      return "get reported version " + std::to_string(op.version) + ", but " + describe_state(s);
    });
  }
  if (!last_of(s).contains(op.mod_revision)) {
    return reject<kExplain>(why, [&] {
      return "get reported mod_revision " + std::to_string(op.mod_revision) + ", but " + describe_state(s);
    });
  }
  next = observed(s, op.mod_revision);
  if (s.version == 1 ? op.create_revision != op.mod_revision
                     : !create_of(next).contains(op.create_revision)) {
    return reject<kExplain>(why, [&] {
      return "get reported create_revision " + std::to_string(op.create_revision) + ", but " + describe_state(next);
    });
  }
  if (s.version >= 2) set_create(next, {op.create_revision, op.create_revision});
  return true;
}

template <bool kExplain>
bool ConfmanKvModel::apply_put(const State& s, const Op& op, State& next, std::string* why) const {
  if (op.unknown) {
    // Observed (its version known from a get): the lazily placed writes
    // that version needs come first. Unobserved ones are not in the search
    // when placed lazily.
    State before;
    if (!place_for_version<kExplain>(s, op, before, why)) return false;
    next = written_unknown(before, op.value);
    return true;
  }
  return apply_acknowledged_write<kExplain>(s, op, next, why);
}

// A put, or a cas that passed its compare: it got revision op.revision and
// made version op.version.
template <bool kExplain>
bool ConfmanKvModel::apply_acknowledged_write(const State& reached, const Op& op, State& next,
                                              std::string* why) const {
  State s;
  if (!place_for_version<kExplain>(reached, op, s, why)) return false;
  if (op.revision <= s.last_min) {
    return reject<kExplain>(why, [&] {
      return std::string(function_name(op.function)) + " returned revision " + std::to_string(op.revision) +
             ", but the key's last write already had revision " + show(last_of(s)) +
             " (revisions only grow)";
    });
  }
  const std::int64_t made_version = present(s) ? std::int64_t{s.version} + 1 : 1;
  if (op.version != made_version) {
    return reject<kExplain>(why, [&] {
      return std::string(function_name(op.function)) + " reported version " + std::to_string(op.version) +
             ", but here it would make version " + std::to_string(made_version) + " (" +
             describe_state(s) + ")";
    });
  }
  next = written_at(s, op.value, op.revision);
  return true;
}

template <bool kExplain>
bool ConfmanKvModel::apply_delete(const State& s, const Op& op, State& next, std::string* why) const {
  if (follows_unobserved_write(s, op)) {
    return reject<kExplain>(why, [&] {
      return "a delete right after a write nobody observed: the same history without that write "
             "fits at least as well, so only that one is tried";
    });
  }
  if (op.unknown) {
    if (!present(s)) {
      return reject<kExplain>(why, [&] {
        return "a delete of unknown outcome has no effect here: " + describe_state(s);
      });
    }
    next = deleted(s, {s.last_min + 1, kUnbounded});
    return true;
  }
  if (op.result == KvResult::NotFound) {
    if (present(s)) return reject<kExplain>(why, [&] { return "delete found no key, but " + describe_state(s); });
    next = s;
    return true;
  }
  State s_present = s;
  if (!present(s) && !(!anonymous_calls_.empty() && place_anonymous(s, 1, s_present))) {
    return reject<kExplain>(why, [&] { return "delete removed the key, but " + describe_state(s); });
  }
  if (op.revision <= s_present.last_min) {
    return reject<kExplain>(why, [&] {
      return "delete returned revision " + std::to_string(op.revision) +
             ", but the key's last write already had revision " + show(last_of(s_present)) +
             " (revisions only grow)";
    });
  }
  next = deleted(s_present, {op.revision, op.revision});
  return true;
}

template <bool kExplain>
bool ConfmanKvModel::apply_cas(const State& s, const Op& op, State& next, std::string* why) const {
  const bool compare_holds = op.expected == 0 ? !present(s) : present(s) && last_of(s).contains(op.expected);
  const auto compare_text = [&] {
    return op.expected == 0 ? std::string("no key")
                            : "mod_revision " + std::to_string(op.expected);
  };
  if (op.unknown) {
    if (!compare_holds) {
      return reject<kExplain>(why, [&] {
        return "a cas of unknown outcome matters only if its compare held, and it could not: it expected " +
               compare_text() + ", but " + describe_state(s);
      });
    }
    const State compared = op.expected == 0 ? s : observed(s, op.expected);
    next = written_unknown(compared, op.value);
    return true;
  }
  if (op.result == KvResult::CompareFailed) return apply_failed_compare<kExplain>(s, op, next, why);
  if (!compare_holds) {
    return reject<kExplain>(why, [&] {
      return "cas expected " + compare_text() + " and succeeded, but " + describe_state(s);
    });
  }
  const State compared = op.expected == 0 ? s : observed(s, op.expected);
  return apply_acknowledged_write<kExplain>(compared, op, next, why);
}

// compare_failed reports the key's current mod_revision (0 when absent).
template <bool kExplain>
bool ConfmanKvModel::apply_failed_compare(const State& s, const Op& op, State& next,
                                          std::string* why) const {
  const std::int64_t current = op.mod_revision;
  if (current == op.expected) {
    return reject<kExplain>(why, [&] {
      return "cas failed its compare but reported the expected mod_revision " + std::to_string(current);
    });
  }
  const bool consistent = current == 0 ? !present(s) : present(s) && last_of(s).contains(current);
  if (!consistent) {
    return reject<kExplain>(why, [&] {
      return "cas reported compare_failed with mod_revision " + std::to_string(current) +
             (current == 0 ? " (no key)" : "") + ", but " + describe_state(s);
    });
  }
  next = current == 0 ? s : observed(s, current);
  return true;
}

std::string ConfmanKvModel::missing_writes_reason(const State& s, const Op& op, std::int64_t missing) const {
  return std::string(function_name(op.function)) + " made version " + std::to_string(op.version) + ", so " +
         std::to_string(missing) + " writes nobody observed must have come first (" + describe_state(s) +
         "), but only " + std::to_string(anonymous_available() - s.anonymous_used) +
         " writes of unknown outcome that no get returned were invoked by then and not yet placed";
}

std::string ConfmanKvModel::show_value(std::uint32_t value) const {
  if (value == kUnobservedValue) return "a value written with unknown outcome that no get returned";
  return abbreviate(values_.text(value), 64);
}

std::string ConfmanKvModel::why_rejected(const State& state, std::uint32_t op) const {
  std::string why;
  State next = state;
  const bool accepted = apply<true>(state, op, next, &why);
  CONFMAN_ASSERT(!accepted, "why_rejected() of an operation the model accepts");
  return why;
}

std::string ConfmanKvModel::describe_state(const State& s) const {
  if (!present(s)) {
    if (s.last_max == 0) return "the key did not exist (never written)";
    return "the key did not exist (deleted at revision " + show(last_of(s)) + ")";
  }
  const std::string create = s.version == 1 ? show(last_of(s)) : show(create_of(s));
  return "the key held " + show_value(s.value) + " (mod_revision " + show(last_of(s)) +
         ", create_revision " + create + ", version " + std::to_string(s.version) + ")";
}

bool ConfmanKvModel::step(const State& state, std::uint32_t op, State& next) const {
  return apply<false>(state, op, next, nullptr);
}

}  // namespace confman::check
