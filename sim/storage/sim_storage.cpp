#include "sim/storage/sim_storage.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/node/stored_state_check.h"
#include "core/util/assert.h"

namespace confman::sim {

void SimStorage::write(node::WriteBatch batch, std::function<void(node::StorageStatus)> on_complete) {
  // Syncs complete in issue order, each after its own latency.
  const TimeUs latency_us = random_.between(options_.sync_min_us, options_.sync_max_us) + extra_sync_us_;
  const TimeUs done_us = std::max(queue_.now_us(), last_completion_us_) + latency_us;
  last_completion_us_ = done_us;
  pending_ += 1;
  auto shared_batch = std::make_shared<node::WriteBatch>(std::move(batch));
  // The outcome is decided when the write is issued: a fault injected later
  // hits later writes.
  node::StorageStatus status = node::StorageStatus::Ok;
  if (fail_next_write_) {
    status = node::StorageStatus::IoError;
    fail_next_write_ = false;
  } else if (full_) {
    status = node::StorageStatus::DiskFull;
  }
  queue_.schedule_at(done_us, [this, incarnation = incarnation_, shared_batch, status,
                               callback = std::move(on_complete)]() {
    if (incarnation != incarnation_) return;  // lost in a crash
    pending_ -= 1;
    if (status == node::StorageStatus::Ok) {
      apply(*shared_batch);
      writes_completed_ += 1;
    }
    callback(status);
  });
}

Result<node::StoredState, node::StorageError> SimStorage::load() {
  if (fail_next_load_) {
    fail_next_load_ = false;
    return unexpected(node::StorageError{node::StorageStatus::IoError, "injected read error"});
  }
  return durable_;
}

std::string SimStorage::corrupt_random_record(Random& random) {
  std::vector<std::pair<Bytes*, std::string>> records;
  if (durable_.hard_state) records.emplace_back(&*durable_.hard_state, "hard state");
  if (durable_.snapshot) records.emplace_back(&*durable_.snapshot, "snapshot");
  for (std::size_t i = 0; i < durable_.entries.size(); ++i) {
    records.emplace_back(&durable_.entries[i], "entry " + std::to_string(durable_.first_index + i));
  }
  if (records.empty()) return {};
  auto& [record, name] = records[random.below(records.size())];
  if (record->empty()) return {};
  const std::uint64_t bit = random.below(record->size() * 8);
  (*record)[bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8));
  corrupted_ = true;
  return name;
}

std::string SimStorage::corrupt_newest_entry(Random& random) {
  if (durable_.entries.empty() || durable_.entries.back().empty()) return {};
  Bytes& record = durable_.entries.back();
  const std::uint64_t bit = random.below(record.size() * 8);
  record[bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8));
  corrupted_ = true;
  return "entry " + std::to_string(durable_.first_index + durable_.entries.size() - 1);
}

Result<std::string, std::string> SimStorage::repair() {
  auto repaired = node::repair_stored_state(durable_);
  if (!repaired) return unexpected(repaired.error());
  corrupted_ = false;
  return repaired->cut;
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
