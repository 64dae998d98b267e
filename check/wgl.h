#pragma once
// The Wing & Gong (1993) linearizability search in the form Lowe (2017) made
// fast, as Porcupine implements it: the history is a doubly linked list of
// call and return entries in real-time order; the search walks it from the
// front, tries to linearize each pending call it meets, and must backtrack
// when it meets a return (that operation had to take effect before its
// return, and nothing placed so far allowed it). Lifting a linearized call
// and its return out of the list, and splicing them back in on backtracking,
// keeps each step O(1) (Knuth's dancing links). A memo of (set of operations
// linearized, model state) prunes configurations already explored.
//
// Operations of unknown outcome have no return entry: they never force the
// search to backtrack, and they need not be linearized at all (not taking
// effect is allowed). So the search succeeds as soon as every operation that
// did return is linearized.
//
// Order links: an operation may name another it is tried only after
// (SearchOp::after). Two unknown-outcome operations with identical inputs
// have the same effect and no return, so any linearization can swap them:
// such "twins" are linked in invocation order, which cuts the n! orders of n
// identical timed-out writes down to one without losing a linearization. A
// model may add links for orders it would refuse anyway (confman-kv: a
// key's acknowledged writes by revision).
//
// Reads: an operation that can only narrow the model's state (a read: a
// register read never changes it; a confman-kv get may pin a revision the
// state left open) and that fits now leaving the state unchanged can be
// linearized now without losing anything: in any linearization that places
// it later, moving it here keeps every state or widens it, and a wider
// state accepts whatever a narrower one did; every real-time order holds
// too (nothing still pending returned before its call, or the scan would
// not have reached it). So the search commits to it: when the configuration
// after it fails, the one before it fails too, and the search backtracks
// past both instead of trying the other candidates. Without this, 64
// clients reading one key made every subset of the concurrent reads of a
// state a configuration of its own.
//
// Model concept (see model_*.h):
//   using State = <trivially copyable, operator==>;
//   State initial_state() const;
//   bool step(const State&, std::uint32_t op, State& next);  // op: partition index
//   std::uint64_t hash(const State&) const;                   // well mixed
//   std::size_t memory_bytes() const;                        // of interned data
//   bool is_pure_read(std::uint32_t op) const;  // step() never widens the state

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/util/assert.h"
#include "check/deadline.h"
#include "check/history.h"
#include "check/memo_set.h"
#include "check/splitmix64.h"

namespace confman::check {

inline constexpr std::uint32_t kNoOp = 0xffff'ffffu;

struct SearchOp {
  std::uint64_t call_position = 0;
  std::uint64_t return_position = kNeverReturned;  // kNeverReturned: unknown outcome
  // An op this one is tried only after (see "Order links"): its twin, an
  // earlier unknown-outcome op with the same input; or one the model orders
  // first. kNoOp: none.
  std::uint32_t after = kNoOp;
};

// No search grows past this, whatever it is asked: the memo's arena indexes
// words with 32 bits (memo_set.h), 32 GiB, and no machine we run on has that.
inline constexpr std::size_t kMemoryCeilingBytes = std::size_t{16} << 30;

struct SearchLimits {
  std::uint64_t max_steps = 0;           // 0 = unlimited
  std::size_t memory_limit_bytes = 0;    // 0 or above kMemoryCeilingBytes: the ceiling
  const Deadline* deadline = nullptr;    // nullptr = none
};

enum class SearchOutcome : std::uint8_t {
  Linearizable,
  NotLinearizable,
  StepLimit,
  MemoryLimit,
  TimeLimit,
};

struct SearchResult {
  SearchOutcome outcome = SearchOutcome::Linearizable;
  std::uint64_t steps = 0;
  std::size_t memo_entries = 0;
  std::size_t peak_memory_bytes = 0;
  // The longest sequence of operations the search linearized (partition
  // indices, in linearization order): a witness when Linearizable, the
  // "longest linearizable prefix" of the report otherwise.
  std::vector<std::uint32_t> longest_prefix;
};

// Seed of the per-operation hash keys; fixed so that runs are reproducible.
inline constexpr std::uint64_t kOperationKeySeed = 0x5eed'c0f1'9a11'0001ULL;
// How often (in steps) the wall clock and the model's memory are looked at.
inline constexpr std::uint64_t kLimitCheckInterval = 1024;

template <typename Model>
class WglSearch {
 public:
  using State = typename Model::State;

  WglSearch(Model& model, std::span<const SearchOp> ops, SearchLimits limits)
      : model_(model), ops_(ops), limits_(limits), words_((ops.size() + 63) / 64) {
    build_entries();
    bits_.assign(words_ == 0 ? 1 : words_, 0);
    if (words_ <= kWholeBitsetWords) bits_span_ = {0, static_cast<std::uint32_t>(words_)};
    SplitMix64 keys(kOperationKeySeed);
    op_keys_.resize(ops.size());
    for (std::uint64_t& key : op_keys_) key = keys.next();
  }

  SearchResult run();

 private:
  struct Entry {
    std::int32_t prev = 0;
    std::int32_t next = 0;
    std::int32_t match = -1;  // call: its return entry, or -1; return: its call
    std::uint32_t op = 0;
    bool is_call = false;
    bool pure_read = false;  // Model::is_pure_read(op): committed when it leaves the state unchanged
  };
  struct Frame {
    std::int32_t call = 0;
    bool committed = false;  // a pure read: no alternative is tried in its place
    BitSpan span;            // bits_span_ before it was linearized
    State state;
  };

  void build_entries();
  // Removes a call entry and its return entry from the list (dancing links).
  void lift(std::int32_t call);
  // Puts them back; only valid in the reverse order of lift().
  void unlift(std::int32_t call);
  bool linearized(std::uint32_t op) const { return (bits_[op / 64] >> (op % 64)) & 1U; }
  // Sets op's bit (linearized), keeping bits_span_ exact. A partition of a
  // few words keeps them all (the span is fixed): tracking costs more there
  // than it saves.
  void mark(std::uint32_t op) {
    const std::size_t word = op / 64;
    bits_[word] |= std::uint64_t{1} << (op % 64);
    bits_hash_ ^= op_keys_[op];
    if (words_ > kWholeBitsetWords) track_span(word);
  }
  // Clears op's bit again; the caller restores the span it saved.
  void unmark(std::uint32_t op, BitSpan span) {
    bits_[op / 64] &= ~(std::uint64_t{1} << (op % 64));
    bits_hash_ ^= op_keys_[op];
    bits_span_ = span;
  }
  // Keeps bits_span_ exact after bits_[word] changed: the memo stores only
  // the words between the leading all-ones and the trailing all-zeros ones,
  // and finding them by scanning cost O(operations) per step.
  void track_span(std::size_t word) {
    std::size_t first = bits_span_.first_word;
    std::size_t end = std::size_t{bits_span_.first_word} + bits_span_.word_count;
    if (bits_[word] == ~std::uint64_t{0}) {
      while (first < words_ && bits_[first] == ~std::uint64_t{0}) ++first;
    } else if (word < first) {
      first = word;
    }
    if (bits_[word] != 0) {
      end = std::max(end, word + 1);
    } else {
      while (end > 0 && bits_[end - 1] == 0) --end;
    }
    end = std::max(end, first);
    bits_span_ = {static_cast<std::uint32_t>(first), static_cast<std::uint32_t>(end - first)};
  }
  // `span` is bits_span_ now, restored if the operation does not fit.
  [[gnu::always_inline]] bool try_linearize(std::int32_t call, const State& state, State& next, BitSpan span);
  // Tells a model that places operations lazily (set_frontier, in
  // model_confman_kv.h) the return position of the earliest operation not
  // yet linearized; called whenever the linearized set changes.
  void update_frontier();
  // Undoes linearizations up to one whose alternatives are still to be
  // tried; false when there is none (the history is not linearizable).
  bool backtrack(State& state, std::size_t& unreturned, std::int32_t& node);
  void remember_longest();
  bool over_limits(SearchOutcome& outcome);
  std::size_t memory_bytes() const;

  Model& model_;
  std::span<const SearchOp> ops_;
  SearchLimits limits_;
  std::size_t words_;
  MemoSet<State> memo_;
  std::vector<Entry> entries_;  // [0] head sentinel, [size-1] tail sentinel
  std::vector<std::uint64_t> bits_;
  std::vector<std::uint64_t> op_keys_;
  std::uint64_t bits_hash_ = 0;
  static constexpr std::size_t kWholeBitsetWords = 8;
  BitSpan bits_span_;
  std::vector<Frame> stack_;
  std::vector<std::uint32_t> longest_;
  std::size_t longest_clean_ = 0;  // stack_[0, clean) equals longest_[0, clean)
  std::uint64_t steps_ = 0;
  std::size_t peak_memory_bytes_ = 0;
};

template <typename Model>
void WglSearch<Model>::build_entries() {
  struct Event {
    std::uint64_t position;
    bool is_return;
    std::uint32_t op;
  };
  std::vector<Event> events;
  events.reserve(ops_.size() * 2);
  for (std::uint32_t op = 0; op < ops_.size(); ++op) {
    const SearchOp& o = ops_[op];
    events.push_back({o.call_position, false, op});
    if (o.return_position == kNeverReturned) continue;
    CONFMAN_ASSERT(o.call_position < o.return_position, "an operation returns after its call");
    events.push_back({o.return_position, true, op});
  }
  // At equal positions calls come first: treating such operations as
  // concurrent can only allow more orders, never reject a valid one.
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    if (a.position != b.position) return a.position < b.position;
    if (a.is_return != b.is_return) return !a.is_return;
    return a.op < b.op;
  });
  CONFMAN_ASSERT(events.size() + 2 < static_cast<std::size_t>(INT32_MAX), "too many entries for int32 links");
  entries_.resize(events.size() + 2);
  std::vector<std::int32_t> call_of(ops_.size(), -1);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto node = static_cast<std::int32_t>(i + 1);
    Entry& entry = entries_[static_cast<std::size_t>(node)];
    entry.op = events[i].op;
    entry.is_call = !events[i].is_return;
    entry.pure_read = model_.is_pure_read(entry.op);
    if (entry.is_call) {
      call_of[entry.op] = node;
    } else {
      entry.match = call_of[entry.op];
      entries_[static_cast<std::size_t>(entry.match)].match = node;
    }
  }
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    entries_[i].prev = static_cast<std::int32_t>(i) - 1;
    entries_[i].next = static_cast<std::int32_t>(i) + 1;
  }
}

template <typename Model>
void WglSearch<Model>::lift(std::int32_t call) {
  Entry& entry = entries_[static_cast<std::size_t>(call)];
  entries_[static_cast<std::size_t>(entry.prev)].next = entry.next;
  entries_[static_cast<std::size_t>(entry.next)].prev = entry.prev;
  if (entry.match < 0) return;
  Entry& ret = entries_[static_cast<std::size_t>(entry.match)];
  entries_[static_cast<std::size_t>(ret.prev)].next = ret.next;
  entries_[static_cast<std::size_t>(ret.next)].prev = ret.prev;
}

template <typename Model>
void WglSearch<Model>::unlift(std::int32_t call) {
  Entry& entry = entries_[static_cast<std::size_t>(call)];
  if (entry.match >= 0) {
    const std::int32_t ret_node = entry.match;
    Entry& ret = entries_[static_cast<std::size_t>(ret_node)];
    entries_[static_cast<std::size_t>(ret.prev)].next = ret_node;
    entries_[static_cast<std::size_t>(ret.next)].prev = ret_node;
  }
  entries_[static_cast<std::size_t>(entry.prev)].next = call;
  entries_[static_cast<std::size_t>(entry.next)].prev = call;
}

template <typename Model>
void WglSearch<Model>::update_frontier() {
  if constexpr (requires(Model& m) { m.set_frontier(std::uint64_t{}); }) {
    const auto tail = static_cast<std::int32_t>(entries_.size()) - 1;
    std::int32_t node = entries_[0].next;
    while (node != tail && entries_[static_cast<std::size_t>(node)].is_call) {
      node = entries_[static_cast<std::size_t>(node)].next;
    }
    model_.set_frontier(node == tail ? kNeverReturned
                                     : ops_[entries_[static_cast<std::size_t>(node)].op].return_position);
  }
}

// Steps the model and records the new configuration in the memo; false when
// the model refuses the operation here or the configuration was seen before.
template <typename Model>
inline bool WglSearch<Model>::try_linearize(std::int32_t call, const State& state, State& next, BitSpan span) {
  const std::uint32_t op = entries_[static_cast<std::size_t>(call)].op;
  const std::uint32_t after = ops_[op].after;
  if (after != kNoOp && !linearized(after)) return false;
  if (!model_.step(state, op, next)) return false;
  mark(op);
  if (memo_.insert(bits_.data(), bits_span_, bits_hash_ ^ model_.hash(next), next)) return true;
  unmark(op, span);
  return false;
}

template <typename Model>
bool WglSearch<Model>::backtrack(State& state, std::size_t& unreturned, std::int32_t& node) {
  for (;;) {
    if (stack_.empty()) return false;
    const Frame top = stack_.back();
    stack_.pop_back();
    longest_clean_ = std::min(longest_clean_, stack_.size());
    state = top.state;
    const Entry& undone = entries_[static_cast<std::size_t>(top.call)];
    unmark(undone.op, top.span);
    unreturned += undone.match >= 0 ? 1 : 0;
    unlift(top.call);
    node = undone.next;
    if (!top.committed) return true;
  }
}

// Keeps a copy of the deepest stack. Only the part that changed since the
// last copy is copied, so the cost is bounded by the number of pushes.
template <typename Model>
void WglSearch<Model>::remember_longest() {
  if (stack_.size() <= longest_.size()) return;
  longest_.resize(longest_clean_);
  for (std::size_t i = longest_clean_; i < stack_.size(); ++i) {
    longest_.push_back(entries_[static_cast<std::size_t>(stack_[i].call)].op);
  }
  longest_clean_ = stack_.size();
}

template <typename Model>
std::size_t WglSearch<Model>::memory_bytes() const {
  return memo_.memory_bytes() + stack_.capacity() * sizeof(Frame) +
         entries_.capacity() * sizeof(Entry) + model_.memory_bytes();
}

template <typename Model>
bool WglSearch<Model>::over_limits(SearchOutcome& outcome) {
  if (limits_.max_steps != 0 && steps_ > limits_.max_steps) {
    outcome = SearchOutcome::StepLimit;
    return true;
  }
  if (steps_ % kLimitCheckInterval != 0) return false;
  const std::size_t memory = memory_bytes();
  peak_memory_bytes_ = std::max(peak_memory_bytes_, memory);
  const std::size_t limit = limits_.memory_limit_bytes == 0
                                ? kMemoryCeilingBytes
                                : std::min(limits_.memory_limit_bytes, kMemoryCeilingBytes);
  if (memory > limit) {
    outcome = SearchOutcome::MemoryLimit;
    return true;
  }
  if (limits_.deadline != nullptr && limits_.deadline->expired()) {
    outcome = SearchOutcome::TimeLimit;
    return true;
  }
  return false;
}

template <typename Model>
SearchResult WglSearch<Model>::run() {
  SearchResult result;
  std::size_t unreturned = 0;  // operations with a return entry not yet linearized
  for (const SearchOp& op : ops_) unreturned += op.return_position != kNeverReturned ? 1 : 0;
  State state = model_.initial_state();
  State next = state;
  std::int32_t node = entries_[0].next;
  update_frontier();
  SearchOutcome outcome = SearchOutcome::Linearizable;
  while (unreturned > 0) {
    ++steps_;
    if (over_limits(outcome)) break;
    CONFMAN_ASSERT(node + 1 < static_cast<std::int32_t>(entries_.size()),
                 "the search walked past every return entry");
    const Entry& entry = entries_[static_cast<std::size_t>(node)];
    if (entry.is_call) {
      const BitSpan span_before = bits_span_;
      if (try_linearize(node, state, next, span_before)) {
        stack_.push_back(Frame{node, entry.pure_read && next == state, span_before, state});
        state = next;
        unreturned -= entry.match >= 0 ? 1 : 0;
        lift(node);
        update_frontier();
        remember_longest();
        node = entries_[0].next;
      } else {
        node = entry.next;
      }
      continue;
    }
    // A return entry: its operation cannot be postponed past this point.
    if (!backtrack(state, unreturned, node)) {
      outcome = SearchOutcome::NotLinearizable;
      break;
    }
    update_frontier();
  }
  peak_memory_bytes_ = std::max(peak_memory_bytes_, memory_bytes());
  result.outcome = outcome;
  result.steps = steps_;
  result.memo_entries = memo_.size();
  result.peak_memory_bytes = peak_memory_bytes_;
  result.longest_prefix = std::move(longest_);
  return result;
}

}  // namespace confman::check
