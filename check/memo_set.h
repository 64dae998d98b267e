#pragma once
// The memo of the WGL search: the set of (operations linearized so far, model
// state) configurations already explored. Lowe (2017) showed that this cache
// turns the Wing & Gong (1993) backtracking search from hopeless into usable:
// a configuration reached again by another order of the same operations has
// the same future, so it is explored once.
//
// Open addressing with linear probing; the bitsets live in one arena. The
// hash of a configuration is supplied by the caller (incremental, see wgl.h)
// and equality is checked in full, so a hash collision costs time, never a
// wrong verdict. A slot is 8 bytes (32 bits of the hash as a tag, the entry
// index): the table is most of the memory the search touches, and page
// faults on fresh table memory were the largest cost of the search.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "core/util/assert.h"

namespace confman::check {

template <typename State>
class MemoSet {
 public:
  explicit MemoSet(std::size_t words_per_set) : words_(words_per_set) { slots_.resize(kInitialSlots); }

  // Adds (bits, state) unless present; returns whether it was added.
  bool insert(const std::uint64_t* bits, std::uint64_t hash, const State& state) {
    // The tag picks the slot too, so that growing needs no other hash bits.
    const auto tag = static_cast<std::uint32_t>(hash >> 32);
    std::size_t at = tag & (slots_.size() - 1);
    for (;;) {
      const Slot& slot = slots_[at];
      if (slot.entry == 0) break;
      if (slot.tag == tag && equal(slot.entry - 1, bits, state)) return false;
      at = (at + 1) & (slots_.size() - 1);
    }
    CONFMAN_ASSERT(states_.size() < kMaxEntries, "memo entry index overflow");
    states_.push_back(state);
    bits_.insert(bits_.end(), bits, bits + words_);
    slots_[at] = Slot{tag, static_cast<std::uint32_t>(states_.size())};
    if (states_.size() * 2 > slots_.size()) grow();
    return true;
  }

  std::size_t size() const { return states_.size(); }

  std::size_t memory_bytes() const {
    return slots_.capacity() * sizeof(Slot) + states_.capacity() * sizeof(State) +
           bits_.capacity() * sizeof(std::uint64_t);
  }

 private:
  struct Slot {
    std::uint32_t tag = 0;    // the high half of the hash
    std::uint32_t entry = 0;  // index + 1 into states_; 0 = empty
  };
  static constexpr std::size_t kInitialSlots = 4096;
  static constexpr std::size_t kMaxEntries = 0xffff'fff0u;

  bool equal(std::size_t entry, const std::uint64_t* bits, const State& state) const {
    return states_[entry] == state &&
           std::memcmp(&bits_[entry * words_], bits, words_ * sizeof(std::uint64_t)) == 0;
  }

  void grow() {
    CONFMAN_ASSERT(slots_.size() <= (std::size_t{1} << 31), "memo table beyond 2^32 slots");
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.size() * 2, Slot{});
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.entry == 0) continue;
      std::size_t at = slot.tag & mask;
      while (slots_[at].entry != 0) at = (at + 1) & mask;
      slots_[at] = slot;
    }
  }

  std::size_t words_;
  std::vector<Slot> slots_;
  std::vector<State> states_;
  std::vector<std::uint64_t> bits_;
};

}  // namespace confman::check
