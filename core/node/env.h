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
struct StoredState {
  std::optional<Bytes> hard_state;
  std::vector<Bytes> entries;  // records of indexes 1..entries.size(), in order
};

struct StorageError {
  StorageStatus status = StorageStatus::IoError;
  std::string detail;
};

// One atomic write: drop stored entries with index >= truncate_from (if not
// 0), then store `entries` from first_index on, and the hard state if set.
struct WriteBatch {
  std::optional<Bytes> hard_state;
  LogIndex truncate_from = 0;
  LogIndex first_index = 0;
  std::vector<Bytes> entries;
};

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
