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
// index): page faults on fresh table memory were the largest cost of the
// search.
//
// A bitset is stored compactly: the search linearizes operations roughly in
// invocation order, so the set is all ones up to some word, all zeros after
// some later word, and only the words between (about the concurrency of the
// history, in bits) are stored. Storing every bitset whole cost one bit per
// operation of the partition per entry: 560 MB for one key with 10,000
// operations and 450,000 entries.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "core/util/assert.h"

namespace confman::check {

// The words of a bitset that are neither all ones (before) nor all zeros
// (after): with the bitset's length fixed, the span and its words determine
// the set.
struct BitSpan {
  std::uint32_t first_word = 0;
  std::uint32_t word_count = 0;
};

// The exact span of `bits` (words long), by scanning: for tests and callers
// that do not track it as they change the bits (wgl.h does).
inline BitSpan uncertain_words(const std::uint64_t* bits, std::size_t words) {
  std::size_t first = 0;
  while (first < words && bits[first] == ~std::uint64_t{0}) ++first;
  std::size_t end = words;
  while (end > first && bits[end - 1] == 0) --end;
  return BitSpan{static_cast<std::uint32_t>(first), static_cast<std::uint32_t>(end - first)};
}

template <typename State>
class MemoSet {
 public:
  MemoSet() { slots_.resize(kInitialSlots); }

  // Adds (bits, state) unless present; returns whether it was added.
  // `middle` must be uncertain_words(bits) exactly: a span too wide only
  // misses equal entries, one too narrow would merge different sets.
  bool insert(const std::uint64_t* bits, BitSpan middle, std::uint64_t hash, const State& state) {
    // The tag picks the slot too, so that growing needs no other hash bits.
    const auto tag = static_cast<std::uint32_t>(hash >> 32);
    std::size_t at = tag & (slots_.size() - 1);
    for (;;) {
      const Slot& slot = slots_[at];
      if (slot.entry == 0) break;
      if (slot.tag == tag && equal(entries_[slot.entry - 1], bits, middle, state)) return false;
      at = (at + 1) & (slots_.size() - 1);
    }
    CONFMAN_ASSERT(entries_.size() < kMaxEntries, "memo entry index overflow");
    CONFMAN_ASSERT(bits_.size() < kMaxWords, "memo arena beyond 2^32 words");
    entries_.push_back(Entry{state, middle, static_cast<std::uint32_t>(bits_.size())});
    bits_.insert(bits_.end(), bits + middle.first_word, bits + middle.first_word + middle.word_count);
    slots_[at] = Slot{tag, static_cast<std::uint32_t>(entries_.size())};
    if (entries_.size() * 2 > slots_.size()) grow();
    return true;
  }

  std::size_t size() const { return entries_.size(); }

  std::size_t memory_bytes() const {
    return slots_.capacity() * sizeof(Slot) + entries_.capacity() * sizeof(Entry) +
           bits_.capacity() * sizeof(std::uint64_t);
  }

 private:
  struct Slot {
    std::uint32_t tag = 0;    // the high half of the hash
    std::uint32_t entry = 0;  // index + 1 into states_; 0 = empty
  };
  static constexpr std::size_t kInitialSlots = 4096;
  static constexpr std::size_t kMaxEntries = 0xffff'fff0u;
  static constexpr std::size_t kMaxWords = 0xffff'ffffu;  // 32 GiB, far past any memory limit

  struct Entry {
    State state;
    BitSpan middle;
    std::uint32_t offset;  // of the middle's words in bits_
  };

  bool equal(const Entry& entry, const std::uint64_t* bits, BitSpan middle, const State& state) const {
    if (!(entry.state == state) || entry.middle.first_word != middle.first_word ||
        entry.middle.word_count != middle.word_count) {
      return false;
    }
    // memcmp of no words could be given a null arena, which it may not.
    return middle.word_count == 0 || std::memcmp(bits_.data() + entry.offset, bits + middle.first_word,
                                                 middle.word_count * sizeof(std::uint64_t)) == 0;
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

  std::vector<Slot> slots_;
  std::vector<Entry> entries_;
  std::vector<std::uint64_t> bits_;
};

}  // namespace confman::check
