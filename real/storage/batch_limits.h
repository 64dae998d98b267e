#pragma once
// The record size limit both storages enforce before writing a batch.

#include <cstddef>
#include <optional>
#include <string>

#include "core/node/env.h"

namespace confman::real {

// The first record over the limit, described; nothing if all fit.
inline std::optional<std::string> oversized_record(const node::WriteBatch& batch, std::size_t max_record_bytes) {
  auto describe = [max_record_bytes](const std::string& what, std::size_t size) {
    return what + " of " + std::to_string(size) + " bytes exceeds the record limit of " +
           std::to_string(max_record_bytes) + " bytes";
  };
  if (batch.hard_state && batch.hard_state->size() > max_record_bytes) {
    return describe("hard state record", batch.hard_state->size());
  }
  if (batch.snapshot && batch.snapshot->size() > max_record_bytes) {
    return describe("snapshot record", batch.snapshot->size());
  }
  for (std::size_t i = 0; i < batch.entries.size(); ++i) {
    if (batch.entries[i].size() > max_record_bytes) {
      return describe("entry record " + std::to_string(batch.first_index + i), batch.entries[i].size());
    }
  }
  return std::nullopt;
}


}  // namespace confman::real
