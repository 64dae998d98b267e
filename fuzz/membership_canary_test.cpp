// The canary: a core built with CONFMAN_CANARY_TWO_CONFIG_CHANGES_IN_FLIGHT
// lets a leader append a second membership change before the first commits
// (dissertation §4.1: two single-server changes in flight can form disjoint
// majorities). The same property that passes on the real core must find a
// counterexample within its CI budget here.

#include <gtest/gtest.h>

#include "fuzz/membership_check.h"

TEST(MembershipCanary, TwoChangesInFlightAreCaughtByTheProperty) {
  const bool passed = rc::check("two membership changes in flight", [] { confman::fuzz::check_membership_sequence(); });
  EXPECT_FALSE(passed) << "the property suite did not catch a core that allows two membership changes in flight";
}
