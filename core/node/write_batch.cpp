#include <algorithm>

#include "core/node/env.h"
#include "core/util/assert.h"

namespace confman::node {

void apply_write_batch(StoredState& state, const WriteBatch& batch) {
  if (batch.snapshot) state.snapshot = *batch.snapshot;
  if (batch.compact_through != 0 && batch.compact_through >= state.first_index) {
    const std::size_t dropped =
        std::min<std::size_t>(batch.compact_through - state.first_index + 1, state.entries.size());
    state.entries.erase(state.entries.begin(), state.entries.begin() + static_cast<std::ptrdiff_t>(dropped));
    state.first_index = batch.compact_through + 1;
  }
  if (batch.truncate_from != 0) {
    CONFMAN_ASSERT(batch.truncate_from >= state.first_index &&
                       batch.truncate_from <= state.first_index + state.entries.size(),
                   "write batch truncates outside the stored log");
    state.entries.resize(batch.truncate_from - state.first_index);
  }
  if (!batch.entries.empty()) {
    CONFMAN_ASSERT(batch.first_index == state.first_index + state.entries.size(),
                   "write batch leaves a gap in the stored log");
    state.entries.insert(state.entries.end(), batch.entries.begin(), batch.entries.end());
  }
  if (batch.hard_state) {
    state.hard_state = *batch.hard_state;
    if (batch.pin_hard_state) state.pinned_hard_state = *batch.hard_state;
  }
}

}  // namespace confman::node
