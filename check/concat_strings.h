#pragma once
// Strings built by appending pieces, for the append-kv model's states: each
// distinct string is one fixed-size node (its prefix's node, the piece
// appended, its length and a content hash), however long the string is.
// Storing every state as text cost O(length) per state: one key with 5,000
// appends held a gigabyte of prefixes.
//
// Ids are canonical: two ways of building the same text (a put of "ab", or
// a put of "a" then an append of "b") give the same id, so a model compares
// states, and the search's memo tells them apart, as integers. A new string
// is matched against existing ones by length and a polynomial hash, and a
// match is confirmed by comparing the texts, so a hash collision costs time,
// never a wrong answer.
//
// Hashes are computed from bytes alone (no pointers, no std::hash), so ids
// are handed out in the same order on every machine.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "check/splitmix64.h"
#include "check/value_interner.h"

namespace confman::check {

class ConcatStrings {
 public:
  using Id = std::uint32_t;     // a whole string
  using Piece = std::uint32_t;  // a text that can be appended
  static constexpr Id kEmpty = 0;

  ConcatStrings();

  // The id of `text` given whole (a put's value, a get's result).
  Id whole(std::string_view text);
  // The id of a text that append() can add to a string.
  Piece piece(std::string_view text);
  // The id of `base` followed by `piece` (cached: a second call is one lookup).
  Id append(Id base, Piece piece);

  std::size_t length(Id id) const { return nodes_[id].length; }
  std::string text(Id id) const;
  const std::string& piece_text(Piece piece) const { return pieces_.text(piece); }
  std::size_t memory_bytes() const;

 private:
  static constexpr Id kNoNode = 0xffff'ffffu;
  struct Node {
    Id prefix = kNoNode;  // kNoNode: a string given whole, its text in `piece`
    Piece piece = 0;
    std::uint32_t length = 0;
    Id next_same_key = kNoNode;  // another node whose (length, hash) shares the table slot
    std::uint64_t hash = 0;
  };
  struct PieceInfo {
    std::uint64_t hash = 0;
    std::uint64_t base_power = 1;  // kBase^length, to shift a prefix's hash past the piece
  };
  struct IdentityHash {
    std::size_t operator()(std::uint64_t key) const { return static_cast<std::size_t>(mix64(key)); }
  };
  // Node, piece info and hash-table entries, roughly.
  static constexpr std::size_t kNodeBytes = sizeof(Node) + 48;
  static constexpr std::size_t kCacheEntryBytes = 48;

  // The existing node with the candidate's text, or the candidate added.
  Id find_or_add(const Node& candidate);
  bool same_text(Id existing, const Node& candidate) const;
  std::string text_of(const Node& node) const;
  static std::uint64_t table_key(const Node& node);

  ValueInterner pieces_;
  std::vector<PieceInfo> piece_info_;
  std::vector<Node> nodes_;
  std::unordered_map<std::uint64_t, Id, IdentityHash> by_content_;  // table_key -> first node
  std::unordered_map<std::uint64_t, Id, IdentityHash> appended_;    // (base << 32 | piece) -> node
};

}  // namespace confman::check
