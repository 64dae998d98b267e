// core/util/random.h: the one PRNG of core and sim. Its output must be the
// same on every platform and build, so these tests pin exact values computed
// independently (a Python transcription of the reference C code of splitmix64
// and xoshiro256** from https://prng.di.unimi.it/), not by running this code.

#include "core/util/random.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

namespace confman {
namespace {

std::vector<std::uint64_t> draw(Random& random, std::size_t count) {
  std::vector<std::uint64_t> values;
  for (std::size_t i = 0; i < count; ++i) values.push_back(random.next_u64());
  return values;
}

TEST(Splitmix64Test, MatchesReferenceOutputForSeed1234567) {
  // The example seed of Vigna's splitmix64.c.
  std::uint64_t state = 1234567;
  EXPECT_EQ(splitmix64(state), 6457827717110365317ULL);
  EXPECT_EQ(splitmix64(state), 3203168211198807973ULL);
  EXPECT_EQ(splitmix64(state), 9817491932198370423ULL);
}

TEST(RandomTest, SeedZeroMatchesReferenceXoshiro256StarStar) {
  Random random(0);
  EXPECT_EQ(random.next_u64(), 0x99EC5F36CB75F2B4ULL);
  EXPECT_EQ(random.next_u64(), 0xBF6E1F784956452AULL);
  EXPECT_EQ(random.next_u64(), 0x1A5F849D4933E6E0ULL);
  // The fourth is the first output that depends on the rotation of word 3.
  EXPECT_EQ(random.next_u64(), 0x6AA594F1262D2D2CULL);
  for (int i = 4; i < 999; ++i) random.next_u64();
  EXPECT_EQ(random.next_u64(), 0x7AAC8C483A2EDD2FULL);  // the 1000th
}

TEST(RandomTest, BelowMatchesReferenceLemireReduction) {
  Random random(0);
  const std::vector<std::uint64_t> expected = {3, 4, 0, 2, 4, 5, 2, 3, 5, 5};
  std::vector<std::uint64_t> drawn;
  for (std::size_t i = 0; i < expected.size(); ++i) drawn.push_back(random.below(6));
  EXPECT_EQ(drawn, expected);
}

TEST(RandomTest, SameSeedSameSequence) {
  Random first(42);
  Random second(42);
  EXPECT_EQ(draw(first, 1000), draw(second, 1000));
}

TEST(RandomTest, DifferentSeedsDifferentSequences) {
  Random first(1);
  Random second(2);
  EXPECT_NE(draw(first, 16), draw(second, 16));
}

TEST(RandomTest, DerivedStreamsDifferFromEachOtherAndAreStable) {
  EXPECT_EQ(derive_seed(7, 3), derive_seed(7, 3));
  EXPECT_NE(derive_seed(7, 3), derive_seed(7, 4));
  EXPECT_NE(derive_seed(7, 3), derive_seed(8, 3));
}

TEST(RandomTest, BelowStaysInRange) {
  Random random(99);
  const std::uint64_t bounds[] = {1, 2, 3, 7, 10, 1000, (1ULL << 63) + 1,
                                  std::numeric_limits<std::uint64_t>::max()};
  for (std::uint64_t bound : bounds) {
    for (int i = 0; i < 2000; ++i) ASSERT_LT(random.below(bound), bound) << "bound " << bound;
  }
}

TEST(RandomTest, BelowOneIsAlwaysZero) {
  Random random(5);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(random.below(1), 0u);
}

TEST(RandomTest, BelowReachesEveryValueRoughlyEvenly) {
  // Seeded, so deterministic; the tolerance is wide (expected 10000 per
  // bucket, standard deviation ~91) so it catches a broken reduction such as
  // a constant or a bucket never hit, not statistical noise.
  Random random(2024);
  std::array<int, 6> counts{};
  for (int i = 0; i < 60000; ++i) ++counts[random.below(6)];
  for (int count : counts) {
    EXPECT_GT(count, 9500);
    EXPECT_LT(count, 10500);
  }
}

TEST(RandomTest, BetweenIsInclusiveAtBothEnds) {
  Random random(11);
  bool saw_low = false;
  bool saw_high = false;
  for (int i = 0; i < 1000; ++i) {
    const std::int64_t value = random.between(-2, 2);
    ASSERT_GE(value, -2);
    ASSERT_LE(value, 2);
    saw_low = saw_low || value == -2;
    saw_high = saw_high || value == 2;
  }
  EXPECT_TRUE(saw_low);
  EXPECT_TRUE(saw_high);
  EXPECT_EQ(random.between(5, 5), 5);
}

TEST(RandomTest, BetweenTheWholeInt64RangeDoesNotOverflow) {
  Random random(13);
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  bool saw_negative = false;
  bool saw_positive = false;
  for (int i = 0; i < 100; ++i) {
    const std::int64_t value = random.between(kMin, kMax);
    saw_negative = saw_negative || value < 0;
    saw_positive = saw_positive || value > 0;
  }
  EXPECT_TRUE(saw_negative);
  EXPECT_TRUE(saw_positive);
}

TEST(RandomTest, ChanceZeroIsNeverAndChanceOneIsAlways) {
  Random random(3);
  for (std::uint64_t denominator : {1ULL, 2ULL, 7ULL, 1000000ULL}) {
    for (int i = 0; i < 500; ++i) {
      EXPECT_FALSE(random.chance(0, denominator));
      EXPECT_TRUE(random.chance(denominator, denominator));
    }
  }
}

TEST(RandomTest, ChanceHalfIsRoughlyHalf) {
  Random random(17);
  int hits = 0;
  for (int i = 0; i < 10000; ++i) hits += random.chance(1, 2) ? 1 : 0;
  EXPECT_GT(hits, 4700);
  EXPECT_LT(hits, 5300);
}

}  // namespace
}  // namespace confman
