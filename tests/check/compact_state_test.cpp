// The checker's compact search state: append-kv strings as nodes
// (check/concat_strings.h) and memo bitsets stored by their uncertain middle
// (check/memo_set.h). Both must stay exact: equal contents share an id,
// different contents never do, even when their hashes collide.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "check/concat_strings.h"
#include "check/memo_set.h"

namespace confman::check {
namespace {

// The Thue-Morse word over {a, b} and its complement: for any odd base, their
// polynomial hashes modulo 2^64 agree once the length reaches 2^11 (the
// difference is a product of 11 factors B^(2^i) - 1, each even, with 2-adic
// valuations adding up past 64).
std::string thue_morse(std::size_t length, bool complement) {
  std::string word(length, 'a');
  for (std::size_t i = 0; i < length; ++i) {
    const bool odd_popcount = (__builtin_popcountll(i) & 1) != 0;
    word[i] = (odd_popcount != complement) ? 'b' : 'a';
  }
  return word;
}

TEST(ConcatStrings, EqualTextsShareAnIdHoweverBuilt) {
  ConcatStrings strings;
  const auto ab_whole = strings.whole("ab");
  const auto a = strings.whole("a");
  const auto ab_built = strings.append(a, strings.piece("b"));
  EXPECT_EQ(ab_built, ab_whole);
  const auto abc_one_way = strings.append(ab_built, strings.piece("c"));
  const auto abc_other_way = strings.append(a, strings.piece("bc"));
  EXPECT_EQ(abc_one_way, abc_other_way);
  EXPECT_EQ(strings.text(abc_one_way), "abc");
  EXPECT_EQ(strings.length(abc_one_way), 3u);
  EXPECT_EQ(strings.append(a, strings.piece("")), a);
  EXPECT_EQ(strings.whole(""), ConcatStrings::kEmpty);
}

TEST(ConcatStrings, DifferentTextsGetDifferentIds) {
  ConcatStrings strings;
  const auto ab = strings.append(strings.whole("a"), strings.piece("b"));
  const auto ba = strings.append(strings.whole("b"), strings.piece("a"));
  EXPECT_NE(ab, ba);
  EXPECT_EQ(strings.text(ba), "ba");
}

TEST(ConcatStrings, AHashCollisionStillTellsTextsApart) {
  const std::string word = thue_morse(2048, false);
  const std::string complement = thue_morse(2048, true);
  ASSERT_NE(word, complement);
  ConcatStrings strings;
  const std::size_t nodes_before = strings.memory_bytes();
  const auto first = strings.whole(word);
  const auto second = strings.whole(complement);
  EXPECT_NE(first, second);
  EXPECT_EQ(strings.text(first), word);
  EXPECT_EQ(strings.text(second), complement);
  // Built piecewise, the complement finds its own node, not the colliding one.
  auto built = ConcatStrings::kEmpty;
  for (std::size_t at = 0; at < complement.size(); at += 256) {
    built = strings.append(built, strings.piece(complement.substr(at, 256)));
  }
  EXPECT_EQ(built, second);
  EXPECT_GT(strings.memory_bytes(), nodes_before);
}

TEST(ConcatStrings, ALongStringCostsOneNodeNotItsLength) {
  ConcatStrings strings;
  auto state = ConcatStrings::kEmpty;
  for (int i = 0; i < 5000; ++i) state = strings.append(state, strings.piece("c" + std::to_string(i) + ";"));
  EXPECT_GT(strings.length(state), 25'000u);
  // 5,000 prefixes as text would be ~70 MB; as nodes, pieces and the
  // append cache, about 1.3 MB.
  EXPECT_LT(strings.memory_bytes(), std::size_t{2} << 20);
}

TEST(MemoSet, TheSpanIsTheWordsBetweenLeadingOnesAndTrailingZeros) {
  const std::uint64_t ones = ~std::uint64_t{0};
  const std::vector<std::uint64_t> bits{ones, ones, 5, 0, 7, 0, 0};
  const BitSpan span = uncertain_words(bits.data(), bits.size());
  EXPECT_EQ(span.first_word, 2u);
  EXPECT_EQ(span.word_count, 3u);
  const std::vector<std::uint64_t> all_ones(3, ones);
  EXPECT_EQ(uncertain_words(all_ones.data(), 3).first_word, 3u);
  EXPECT_EQ(uncertain_words(all_ones.data(), 3).word_count, 0u);
  const std::vector<std::uint64_t> zeros(3, 0);
  EXPECT_EQ(uncertain_words(zeros.data(), 3).first_word, 0u);
  EXPECT_EQ(uncertain_words(zeros.data(), 3).word_count, 0u);
}

TEST(MemoSet, StoresEachSetOnceWhateverItsOnesAndZeros) {
  constexpr std::size_t kWords = 8;
  MemoSet<std::uint32_t> memo;
  std::vector<std::uint64_t> bits(kWords, 0);
  EXPECT_TRUE(memo.insert(bits.data(), uncertain_words(bits.data(), kWords), 1, 7));
  EXPECT_FALSE(memo.insert(bits.data(), uncertain_words(bits.data(), kWords), 1, 7));
  EXPECT_TRUE(memo.insert(bits.data(), uncertain_words(bits.data(), kWords), 1, 8));  // same set, another state
  bits[0] = bits[1] = ~std::uint64_t{0};
  bits[3] = 0x10;
  EXPECT_TRUE(memo.insert(bits.data(), uncertain_words(bits.data(), kWords), 2, 7));
  EXPECT_FALSE(memo.insert(bits.data(), uncertain_words(bits.data(), kWords), 2, 7));
  // Same middle words, shifted: a different set, even with the same hash.
  std::vector<std::uint64_t> shifted(kWords, 0);
  shifted[0] = ~std::uint64_t{0};
  shifted[2] = 0x10;
  EXPECT_TRUE(memo.insert(shifted.data(), uncertain_words(shifted.data(), kWords), 2, 7));
  // All ones: nothing stored in the middle, still told apart from all zeros.
  std::vector<std::uint64_t> ones(kWords, ~std::uint64_t{0});
  EXPECT_TRUE(memo.insert(ones.data(), uncertain_words(ones.data(), kWords), 1, 7));
  EXPECT_FALSE(memo.insert(ones.data(), uncertain_words(ones.data(), kWords), 1, 7));
  EXPECT_EQ(memo.size(), 5u);
}

TEST(MemoSet, KeepsOnlyTheUncertainMiddle) {
  constexpr std::size_t kWords = 10'000 / 64;
  MemoSet<std::uint32_t> memo;
  std::vector<std::uint64_t> bits(kWords, 0);
  for (std::uint32_t i = 0; i < 10'000; ++i) {
    std::fill(bits.begin(), bits.begin() + i / 100, ~std::uint64_t{0});
    bits[i / 100] = i;
    ASSERT_TRUE(memo.insert(bits.data(), uncertain_words(bits.data(), kWords), i * 0x9e3779b97f4a7c15ULL, 0));
  }
  // Whole bitsets would take 10,000 x 157 words (12 MB).
  EXPECT_LT(memo.memory_bytes(), std::size_t{2} << 20);
}

}  // namespace
}  // namespace confman::check
