// Property: any sequence of membership changes, crashes, restarts,
// partitions and heals, under a client workload, keeps every safety
// invariant, leaves a linearizable history, and converges after the final
// heal (issue: "fuzz/ RapidCheck properties").

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "fuzz/membership_check.h"

RC_GTEST_PROP(MembershipProperty, SequencesKeepEveryInvariantAndConverge, ()) {
  confman::fuzz::check_membership_sequence();
}
