#pragma once
// The one confman-kv property that spans keys, checked outside the per-key
// search: every acknowledged write gets the next global revision, so
//   - no two acknowledged writes share a revision, and
//   - if write A returned before write B was invoked, rev(A) < rev(B).
// (Per key, the model already requires revisions to grow in linearization
// order; this pass catches a store that reorders writes to different keys.)
// O(n log n); runs on every confman-kv history.

#include <optional>

#include "check/history.h"
#include "check/violation.h"

namespace confman::check {

std::optional<Violation> check_revision_order(const History& history);

}  // namespace confman::check
