#pragma once
// What a storage built on LMDB reports of its map (lmdb_store.h), for the
// server's /metrics: the map's size now, and the ceiling it may grow to
// (--lmdb-map-size-mb). Reaching the ceiling is the alerting condition.

#include <cstddef>

namespace confman::real {

struct MapUsage {
  std::size_t map_bytes = 0;
  std::size_t map_ceiling_bytes = 0;
};

class ReportsMapUsage {
 public:
  virtual ~ReportsMapUsage() = default;
  virtual MapUsage map_usage() const = 0;  // any thread
};

}  // namespace confman::real
