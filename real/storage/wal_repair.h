#pragma once
// `confman-server --repair-wal [--yes]`: what a repair of a damaged WAL
// would cut, and with apply, the cut (docs/DESIGN.md, "Storage faults").
//
// Contract: without apply nothing on disk changes. With apply, the WAL is
// cut at its first damaged record (WalFile::repair) and the node is marked
// recovering (HardState::recovering, pinned in LMDB), so that when it starts
// it neither votes nor campaigns until it holds the leader's log again: the
// cut records may have been acknowledged. Term and vote are kept. Damage in
// the LMDB store itself is reported, never cut: the node must be replaced.
// Refuses (the directory lock) while a server runs on the directory.

#include <filesystem>
#include <string>

#include "core/util/result.h"
#include "real/storage/wal_storage.h"

namespace confman::real {

struct WalRepairReport {
  bool damaged = false;   // something needed (or needs) cutting
  bool cut = false;       // and apply cut it
  std::string text;       // what was found and done, for the operator
};

Result<WalRepairReport, std::string> repair_wal(const std::filesystem::path& directory, WalOptions options,
                                                bool apply);

}  // namespace confman::real
