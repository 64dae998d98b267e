#include "check/concat_strings.h"

#include <algorithm>

#include "core/util/assert.h"

namespace confman::check {
namespace {

// Polynomial hash modulo 2^64: hash(a + b) = hash(a) * kBase^|b| + hash(b),
// so a node's hash follows from its prefix's and its piece's in O(1). Weak
// against crafted inputs, which is harmless: every match is confirmed by text.
constexpr std::uint64_t kBase = 0x100000001b3ULL;

std::uint64_t polynomial_hash(std::string_view text) {
  std::uint64_t h = 0;
  for (const char c : text) h = h * kBase + static_cast<unsigned char>(c) + 1;
  return h;
}

std::uint64_t power_of_base(std::size_t exponent) {
  std::uint64_t result = 1;
  for (std::size_t i = 0; i < exponent; ++i) result *= kBase;
  return result;
}

std::uint32_t checked_length(std::size_t length) {
  CONFMAN_ASSERT(length < 0xffff'ffffu, "append-kv string longer than 4 GiB");
  return static_cast<std::uint32_t>(length);
}

}  // namespace

ConcatStrings::ConcatStrings() {
  const Id empty = whole("");
  CONFMAN_ASSERT(empty == kEmpty, "the empty string is the first node");
}

ConcatStrings::Piece ConcatStrings::piece(std::string_view text) {
  const Piece id = pieces_.intern(text);
  if (id == piece_info_.size()) piece_info_.push_back({polynomial_hash(text), power_of_base(text.size())});
  return id;
}

ConcatStrings::Id ConcatStrings::whole(std::string_view text) {
  Node node;
  node.piece = piece(text);
  node.length = checked_length(text.size());
  node.hash = piece_info_[node.piece].hash;
  return find_or_add(node);
}

ConcatStrings::Id ConcatStrings::append(Id base, Piece piece_id) {
  const std::uint64_t key = (std::uint64_t{base} << 32) | piece_id;
  if (auto it = appended_.find(key); it != appended_.end()) return it->second;
  const PieceInfo& info = piece_info_[piece_id];
  Node node;
  node.prefix = base;
  node.piece = piece_id;
  node.length = checked_length(std::size_t{nodes_[base].length} + pieces_.text(piece_id).size());
  node.hash = nodes_[base].hash * info.base_power + info.hash;
  const Id id = node.length == nodes_[base].length ? base : find_or_add(node);
  appended_.emplace(key, id);
  return id;
}

std::uint64_t ConcatStrings::table_key(const Node& node) {
  return hash_combine(node.hash, node.length);
}

ConcatStrings::Id ConcatStrings::find_or_add(const Node& candidate) {
  const std::uint64_t key = table_key(candidate);
  const auto [slot, inserted] = by_content_.try_emplace(key, static_cast<Id>(nodes_.size()));
  if (!inserted) {
    Id last = slot->second;
    for (Id at = slot->second; at != kNoNode; at = nodes_[at].next_same_key) {
      if (same_text(at, candidate)) return at;
      last = at;
    }
    nodes_[last].next_same_key = static_cast<Id>(nodes_.size());
  }
  CONFMAN_ASSERT(nodes_.size() < kNoNode, "append-kv string id overflow");
  nodes_.push_back(candidate);
  return static_cast<Id>(nodes_.size() - 1);
}

bool ConcatStrings::same_text(Id existing, const Node& candidate) const {
  const Node& node = nodes_[existing];
  return node.length == candidate.length && node.hash == candidate.hash && text_of(node) == text_of(candidate);
}

std::string ConcatStrings::text_of(const Node& node) const {
  std::vector<Piece> pieces;
  const Node* at = &node;
  while (at->prefix != kNoNode) {
    pieces.push_back(at->piece);
    at = &nodes_[at->prefix];
  }
  std::string text = pieces_.text(at->piece);
  text.reserve(node.length);
  std::for_each(pieces.rbegin(), pieces.rend(), [&](Piece p) { text += pieces_.text(p); });
  return text;
}

std::string ConcatStrings::text(Id id) const { return text_of(nodes_[id]); }

std::size_t ConcatStrings::memory_bytes() const {
  return pieces_.memory_bytes() + nodes_.size() * kNodeBytes + appended_.size() * kCacheEntryBytes;
}

}  // namespace confman::check
