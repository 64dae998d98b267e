#include "sim/sim_storage.h"

#include <algorithm>
#include <memory>

#include "core/util/assert.h"

namespace confman::sim {

void SimStorage::write(node::WriteBatch batch, std::function<void(node::StorageStatus)> on_complete) {
  // Syncs complete in issue order, each after its own latency.
  const TimeUs latency_us = random_.between(options_.sync_min_us, options_.sync_max_us);
  const TimeUs done_us = std::max(queue_.now_us(), last_completion_us_) + latency_us;
  last_completion_us_ = done_us;
  pending_ += 1;
  auto shared_batch = std::make_shared<node::WriteBatch>(std::move(batch));
  queue_.schedule_at(done_us, [this, incarnation = incarnation_, shared_batch,
                               callback = std::move(on_complete)]() {
    if (incarnation != incarnation_) return;  // lost in a crash
    pending_ -= 1;
    apply(*shared_batch);
    writes_completed_ += 1;
    callback(node::StorageStatus::Ok);
  });
}

void SimStorage::apply(const node::WriteBatch& batch) {
  // The core's reference semantics (snapshot, compaction, truncation, append,
  // hard state), applied at once: a batch is durable whole or not at all.
  node::apply_write_batch(durable_, batch);
}

void SimStorage::crash() {
  writes_lost_ += pending_;
  pending_ = 0;
  incarnation_ += 1;
  last_completion_us_ = queue_.now_us();
}

}  // namespace confman::sim
