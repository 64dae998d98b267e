#pragma once
// The environment the core sees (DESIGN.md): storage, transport and the
// client responder are abstract; time arrives with every call and randomness
// is a seed. The simulator and the real server each implement these.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/types.h"
#include "core/util/codec.h"
#include "core/util/result.h"

namespace confman::node {

enum class StorageStatus : std::uint8_t {
  Ok,
  IoError,   // read, write or sync failed: fail-stop
  DiskFull,  // no space: the write did not happen
};
const char* storage_status_name(StorageStatus status);

// What storage holds durably, as sealed records the core will verify.
// After log compaction (Raft §7) the entries no longer start at index 1: the
// snapshot record covers what was dropped.
struct StoredState {
  std::optional<Bytes> hard_state{};
  // The newest hard state written with WriteBatch::pin_hard_state: a
  // storage that keeps its log where damage may force a cut (the real WAL)
  // keeps this one apart, so term and vote survive the cut. Term, vote and
  // the recovering mark come from it when its term is at least hard_state's
  // (stored_state_check.h).
  std::optional<Bytes> pinned_hard_state{};
  std::optional<Bytes> snapshot{};  // the newest durable snapshot record, if any
  LogIndex first_index = 1;         // index of entries[0]; where the next entry goes if there is none
  std::vector<Bytes> entries{};     // records of indexes first_index, first_index + 1, ... in order
};

struct StorageError {
  StorageStatus status = StorageStatus::IoError;
  std::string detail;
};

// One atomic write: all of it becomes durable, or none of it. In order:
//   1. if snapshot is set, it replaces the stored snapshot record;
//   2. stored entries with index <= compact_through (if not 0) are dropped;
//      if that drops them all, the log continues at compact_through + 1;
//   3. stored entries with index >= truncate_from (if not 0) are dropped;
//   4. `entries` are stored from first_index on, right after what is left;
//   5. the hard state is replaced if set; if pin_hard_state is set too, so is
//      the pinned hard state (it changes term, vote or the recovering mark).
// Installing a snapshot at index S is snapshot + compact_through = S +
// truncate_from = S + 1: the snapshot replaces the whole log at once.
struct WriteBatch {
  std::optional<Bytes> hard_state{};
  bool pin_hard_state = false;
  std::optional<Bytes> snapshot{};
  LogIndex compact_through = 0;
  LogIndex truncate_from = 0;
  LogIndex first_index = 0;
  std::vector<Bytes> entries{};
};

// The reference semantics of a WriteBatch, on an in-memory StoredState. The
// simulator's storage and the tests apply batches with it; every real
// Storage must leave the same state. A batch that would leave a gap in the
// stored log is a bug in the caller (assertion).
void apply_write_batch(StoredState& state, const WriteBatch& batch);

class Storage {
 public:
  virtual ~Storage() = default;
  virtual Result<StoredState, StorageError> load() = 0;
  // Applies the batch atomically and calls on_complete exactly once when it is
  // durable (synced) or has failed. The callback may run later, from the
  // embedding code's event loop; it never runs after the node is destroyed.
  virtual void write(WriteBatch batch, std::function<void(StorageStatus)> on_complete) = 0;
};

// Unreliable: messages may be lost, duplicated, delayed or reordered.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual void send(NodeId to, Bytes frame) = 0;
};

}  // namespace confman::node
